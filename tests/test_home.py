import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import Commune
from criteria.models import Assessment
from tests.base import make_assessment, make_certification, make_criteria_set

pytestmark = pytest.mark.django_db

HOME = reverse("home")
TZ = datetime.timezone(datetime.timedelta(hours=7))
DEC_2026 = datetime.datetime(2026, 12, 7, 10, tzinfo=TZ)


@pytest.fixture
def december_2026():
    """The day of the issue (7 December 2026): the working year is 2026."""
    with time_machine.travel(DEC_2026, tick=False):
        yield


def login(client, django_user_model, username):
    client.force_login(django_user_model.objects.get(username=username))


def test_anonymous_is_sent_to_login(client):
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_province_staff_see_the_province_headline(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(HOME, {"year": 2017})
    assert response.status_code == 200
    body = response.content.decode()
    assert '"certified">36/207<' in body
    assert '"average">8,65<' in body
    assert "Lạng Sơn" in body


def test_it_defaults_to_the_latest_year_with_data(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(HOME)
    # The demo's illustrative 2026 baseline (51/2025/QĐ-TTg) is the latest.
    assert response.context["year"] == 2026
    assert response.context["years"] == [2026, 2018, 2017, 2016]
    assert '"certified">0/61<' in response.content.decode()


def test_district_official_sees_the_district_headline(client, django_user_model):
    from reports.figures import headline

    login(client, django_user_model, "district")
    response = client.get(HOME, {"year": 2017})
    expected = headline(2017, communes=Commune.objects.filter(district__code="187"))
    assert response.context["headline"] == expected
    assert expected.communes == 19
    assert f'"certified">{expected.certified}/19<' in response.content.decode()
    assert "Chi Lăng" in response.content.decode()


def test_admin_sees_every_province(client, django_user_model):
    login(client, django_user_model, "admin")
    response = client.get(HOME, {"year": 2017})
    assert response.context["headline"].communes >= 207


def test_english_uses_a_decimal_point(client, django_user_model):
    login(client, django_user_model, "province")
    client.cookies["django_language"] = "en"
    response = client.get(HOME, {"year": 2017})
    assert '"average">8.65<' in response.content.decode()


def test_a_user_without_role_is_refused(client, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-y-z-123456")
    client.force_login(user)
    assert client.get(HOME).status_code == 403


def test_a_bad_year_is_not_found(client, django_user_model):
    login(client, django_user_model, "province")
    assert client.get(HOME, {"year": "abc"}).status_code == 404


def test_login_page_is_styled_and_works(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "bootstrap-5.3.8/bootstrap.min.css" in response.content.decode()
    response = client.post(reverse("login"), {"username": "province", "password": "demo12345"})
    assert response.status_code == 302 and response["Location"] == HOME


def test_logout_is_a_post(client, django_user_model):
    login(client, django_user_model, "province")
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302


def test_vietnamese_is_the_default_whatever_the_browser_asks(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(HOME, {"year": 2017}, headers={"accept-language": "en-US,en;q=0.9"})
    assert '"average">8,65<' in response.content.decode()


def test_home_links_the_reports_of_the_users_scope(client, django_user_model):
    login(client, django_user_model, "province")
    body = client.get(HOME, {"year": 2017}).content.decode()
    assert 'href="/reports/province/20/2017/"' in body
    assert 'href="/reports/province/20/2017.pdf"' in body
    assert 'href="/reports/province/20/2017.xlsx"' in body
    login(client, django_user_model, "district")
    body = client.get(HOME, {"year": 2017}).content.decode()
    assert 'href="/reports/district/187/2017.pdf"' in body
    assert "/reports/province/" not in body


def test_admin_gets_the_national_report_links(client, django_user_model):
    login(client, django_user_model, "admin")
    response = client.get(HOME, {"year": 2017})
    body = response.content.decode()
    assert response.context["report_links"] == [
        {
            "label": "Toàn quốc",
            "html": "/reports/national/2017/",
            "pdf": "/reports/national/2017.pdf",
            "xlsx": "/reports/national/2017.xlsx",
        }
    ]
    assert 'href="/reports/national/2017/"' in body
    assert 'href="/reports/national/2017.xlsx"' in body


def test_the_home_page_runs_a_fixed_number_of_queries(client, django_user_model, december_2026):
    """Session, user and membership, the years and the headline, the work queue (five lists;
    the working year is after 01/07/2025, so its table is by commune group and reads the
    groups' names too), the plan of the year and the report links: the same count whatever
    the number of communes; then the province's map (issue 29), read with the province report
    of the year from the report's cache (the province and its data version: two queries), or
    computed and cached with it the first time (the report's own fixed count, with its
    villages, border communes and the chart's versions)."""
    login(client, django_user_model, "province")
    client.get(HOME)  # warm the content-type and permission caches
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME, {"year": 2017})
    assert len(queries) == 39, [q["sql"][:80] for q in queries]
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME, {"year": 2017})
    assert len(queries) == 17, [q["sql"][:80] for q in queries]


# --- Each persona's home on 7 December 2026 (the demo, then the test worlds) ---------------


def test_province_staff_start_a_not_started_unit_from_the_queue(
    client, django_user_model, december_2026
):
    """The queue's "not started" item leads to the assessment form of that unit and year, which
    starts it (xã Bằng Mạc, 06475, formed 01/07/2025: not the old xã Gia Lộc of that code)."""
    login(client, django_user_model, "province")
    response = client.get(HOME)
    queue = response.context["queue"]
    assert queue.year == 2026 and queue.can_start
    assert all(c.exists_in(2026) for c in queue.not_started)
    codes = [c.code for c in queue.not_started]
    assert "06475" in codes
    body = response.content.decode()
    assert 'href="/communes/06475/2026/" data-start>Bắt đầu đánh giá' in body
    form = client.get("/communes/06475/2026/")
    assert form.status_code == 200
    assert form.context["commune"].name == "Bằng Mạc" and form.context["assessment"] is None
    assert "lần lưu đầu tiên sẽ tạo đánh giá" in form.content.decode()


def test_the_commune_official_is_told_to_start_then_what_it_waits_for(
    client, django_user_model, december_2026
):
    from criteria.services import assessment_create

    login(client, django_user_model, "xa")
    response = client.get(HOME)
    body = response.content.decode()
    assert response.context["year"] == 2026
    assert "Chưa bắt đầu đánh giá năm 2026." in body
    assert 'href="/communes/06475/2026/" data-start>Bắt đầu đánh giá năm 2026' in body
    assert 'href="/communes/?year=2026"' in body  # the list of its working year
    assert "xã đạt chuẩn" not in body.lower()  # no province figure over one unit
    assert "data-work-queue" not in body  # nothing else waits

    commune = response.context["scope"].commune
    assessment = assessment_create(commune=commune, year=2026)
    body = client.get(HOME).content.decode()
    assert "Đánh giá năm 2026 đang soạn: hoàn thành rồi gửi tỉnh duyệt." in body
    assert 'data-queue="drafts"' in body  # the draft waits for it

    Assessment.objects.filter(pk=assessment.pk).update(status="submitted", criteria_met=8)
    response = client.get(HOME)
    body = response.content.decode()
    assert "Đánh giá năm 2026 đã gửi, chờ tỉnh phê duyệt." in body
    assert f'"own-met">8/{assessment.criteria_set.criteria.count()}<' in body
    assert "Mọi xã đã có đánh giá năm nay" not in body
    assert "data-work-queue" not in body
    assert "Chưa có quyết định công nhận." in body


def test_the_former_district_official_is_led_to_the_districts_history(
    client, django_user_model, december_2026
):
    login(client, django_user_model, "district")
    response = client.get(HOME)
    body = response.content.decode()
    assert response.context["queue"] is None
    assert "data-work-queue" not in body and "Việc cần làm" not in body
    assert "Huyện Chi Lăng đã kết thúc ngày 30/06/2025." in body
    assert 'href="/reports/district/187/2024/"' in body
    assert 'href="/reports/district/187/2024.pdf"' in body
    assert 'href="/communes/?year=2024"' in body
    assert 'href="/communes/?as_at=2025-06-30"' in body
    # Its history opens: the 2024 list holds the district's communes.
    listed = client.get("/communes/", {"year": 2024}).context["page"].paginator.count
    district = Commune.objects.filter(district__code="187").in_programme()
    assert listed == district.valid_in(2024).count() > 0


def test_the_former_districts_home_runs_a_fixed_number_of_queries(
    client, django_user_model, december_2026
):
    """Session, user, membership, its district and province, the years, the headline and the
    plan: no work queue."""
    login(client, django_user_model, "district")
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)
    assert len(queries) == 8, "\n".join(q["sql"][:150] for q in queries)


def test_the_commune_officials_home_runs_a_fixed_number_of_queries(
    client, django_user_model, december_2026
):
    """Session, user, membership, its commune, its assessment with the set's size, the
    decision, the user's and its groups' permissions, the work queue's three lists."""
    login(client, django_user_model, "xa")
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        client.get(HOME)
    assert len(queries) == 11, "\n".join(q["sql"][:150] for q in queries)


# The test worlds: before the reform (province 98, districts A and B) in 2024, after it
# (province 96, no district) in 2026.


def test_before_the_reform_a_district_official_works_on_its_district(client, world):
    cset = make_criteria_set(code="set-2021", first_year=2021, last_year=2025)
    make_assessment(world.commune_a1, 2024, cset, status="draft")
    with time_machine.travel(datetime.datetime(2024, 12, 7, 10, tzinfo=TZ), tick=False):
        client.force_login(world.official_a)
        response = client.get(HOME)
    assert response.context["ended"] is None
    queue = response.context["queue"]
    assert queue.year == 2024 and not queue.can_start  # district officials do not enter
    assert [a.commune.code for a in queue.drafts] == ["98101"]
    assert [c.code for c in queue.not_started] == ["98102"]
    body = response.content.decode()
    assert 'href="/communes/98102/?year=2024">Xã Hai</a>' in body
    assert "data-start" not in body


def test_before_the_reform_the_commune_official_sees_its_own_unit(client, world):
    cset = make_criteria_set(code="set-2021", first_year=2021, last_year=2025)
    make_assessment(world.commune_a1, 2024, cset, met=2, status="approved")
    make_certification(world.commune_a1, cset, datetime.date(2024, 10, 1))
    with time_machine.travel(datetime.datetime(2024, 12, 7, 10, tzinfo=TZ), tick=False):
        client.force_login(world.commune_official)
        body = client.get(HOME).content.decode()
    assert "Đánh giá năm 2024 đã được tỉnh phê duyệt." in body
    assert '"own-met">2/3<' in body
    assert "Đạt chuẩn năm 2024 (Quyết định 98101/QĐ-UBND ngày 01/10/2024)." in body


def test_after_the_reform_each_persona_has_its_home(client, reform_world, december_2026):
    w = reform_world
    client.force_login(w.province_staff)
    queue = client.get(HOME).context["queue"]
    assert [c.name for c in queue.not_started] == ["Xã Bắc Sơn", "Xã Đông Tây"]

    client.force_login(w.commune_official)
    body = client.get(HOME).content.decode()
    assert "Chưa bắt đầu đánh giá năm 2026." in body
    assert 'href="/communes/96101/2026/" data-start>' in body
    make_assessment(w.dong_tay, 2026, w.cset, met=7, status="submitted")
    body = client.get(HOME).content.decode()
    assert "Đánh giá năm 2026 đã gửi, chờ tỉnh phê duyệt." in body
    assert '"own-met">7/10<' in body

    client.force_login(w.former_district_official)
    response = client.get(HOME)
    body = response.content.decode()
    assert response.context["queue"] is None
    assert "Huyện Huyện Cũ đã kết thúc ngày 30/06/2025." in body
    assert 'href="/reports/district/961/2024/"' in body
