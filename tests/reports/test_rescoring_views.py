"""The re-scoring preview's page and workbook (reports.rescoring): access, bounded input, the
figures shown (worked out by hand in tests/criteria/test_rescoring.py), a pinned query count,
and nothing written. Years are explicit."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from criteria.models import Assessment, CriterionResult, IndicatorValue
from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE
from tests.base import make_commune
from tests.criteria.conftest import group_target, lower_revision, record_values, stricter_set

pytestmark = pytest.mark.django_db

YEAR = 2027


@pytest.fixture
def valued(world):
    """The pre-reform world's three communes with values of 2027 (see
    tests/criteria/test_rescoring.py) and the stricter 2031-2035 set."""
    record_values(world.commune_a1, YEAR, {"1.1": True, "1.2": "88", "2.1": True, "3.1": False})
    record_values(world.commune_a2, YEAR, {"1.1": True, "1.2": "75", "2.1": True, "3.1": True})
    record_values(
        world.commune_b1,
        YEAR,
        {"1.1": True, "1.2": None, "2.1": False, "3.1": True},
        status=Assessment.Status.SUBMITTED,
    )
    world.target = stricter_set()
    return world


def url(code="98", year=YEAR, *, xlsx=False, **query) -> str:
    name = "reports:rescoring_xlsx" if xlsx else "reports:rescoring"
    suffix = "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
    return reverse(name, args=[code, year]) + suffix


def row_html(content: str, code: str) -> str:
    match = re.search(rf'<tr data-commune="{code}">(.*?)</tr>', content, re.S)
    assert match, code
    return match.group(1)


def figure(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">(.*?)</', html, re.S)
    assert match, name
    return match.group(1).strip()


def test_province_staff_see_what_each_commune_would_meet(client, valued):
    client.force_login(valued.province_staff)
    response = client.get(url(set="test-new"))
    assert response.status_code == 200
    content = response.content.decode()
    a1, a2, b1 = (row_html(content, c) for c in ("98101", "98102", "98201"))
    # A2: 3 of 3 now; 1 met from values (criterion 2) + 1 kept as recorded (3) = 2 of 4;
    # criterion 1 lost (75 < 80).
    assert figure(a2, "now") == "3/3"
    assert figure(a2, "would-met") == "1"
    assert figure(a2, "carried-met") == "1"
    assert figure(a2, "would") == "2/4"
    assert figure(a2, "lost") == "1"
    assert figure(a2, "gained") == ""
    # A1 keeps criterion 1 (88 >= 80); 4.1 was never stored.
    assert figure(a1, "now") == "2/3"
    assert figure(a1, "would") == "2/4"
    assert figure(a1, "lost") == ""
    assert "4: thiếu giá trị 4.1" in a1
    # B1: its 1.2 was not entered: said, not guessed; its status shown.
    assert "Đã gửi duyệt" in b1
    assert "1: thiếu giá trị 1.2" in b1
    assert figure(b1, "would") == "1/4"
    assert figure(content, "meets-all-now") == "1"
    assert figure(content, "would-meet-all") == "0"
    # B1 could not be judged on 1 and 4, but criterion 2 fails anyway: decided (not kept).
    assert figure(content, "undecided") == "0"
    assert figure(content, "gained-lost") == "0 / 1"
    assert 'data-criterion="1" data-status="not_met" class="table-danger"' in content


def test_by_default_it_uses_the_set_of_the_following_year(client, valued):
    client.force_login(valued.admin)
    response = client.get(url())  # 2027: the 2026-2030 set again
    assert response.status_code == 200
    assert response.context["result"].criteria_set == valued.cset
    response = client.get(url(year=2030))  # the values of 2030 under the 2031-2035 set
    assert response.context["result"].criteria_set == valued.target
    assert 'value="test-new" selected' in response.content.decode()


def test_an_unknown_set_is_a_clear_error(client, valued):
    client.force_login(valued.province_staff)
    response = client.get(url(set="khong-co"))
    assert response.status_code == 400
    assert "Không có bộ tiêu chí xã nông thôn mới mã “khong-co”." in response.content.decode()
    response = client.get(url(set="khong-co", xlsx=True))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_a_revision_of_the_set_can_be_chosen(client, valued):
    revision = lower_revision(valued.target)
    client.force_login(valued.province_staff)
    # As it stands now (the revision applied): A2's 75 meets the revised 74.
    content = client.get(url(set="test-new")).content.decode()
    assert figure(row_html(content, "98102"), "lost") == ""
    assert "hiện hành (gồm mọi lần sửa đổi)" in content
    assert f'<option value="{revision.pk}">' in content
    # The original text: 75 < 80, criterion 1 lost.
    content = client.get(url(set="test-new", revision="original")).content.decode()
    assert figure(row_html(content, "98102"), "lost") == "1"
    assert "bản ban hành ban đầu, trước mọi lần sửa đổi" in content
    content = client.get(url(set="test-new", revision=revision.pk)).content.decode()
    assert figure(row_html(content, "98102"), "lost") == ""
    assert "theo Quyết định thử sửa đổi (hiệu lực từ 01/01/2032)" in content
    assert f'<option value="{revision.pk}" selected>' in content
    response = client.get(url(set="test-new", revision="original", xlsx=True))
    rows = {
        r[0]: r
        for r in load_workbook(io.BytesIO(response.content))["Theo xã"].iter_rows(
            min_row=2, values_only=True
        )
    }
    assert rows["98102"][13] == "1"


def test_an_unknown_revision_is_a_clear_error(client, valued):
    other = lower_revision(valued.target)
    client.force_login(valued.province_staff)
    message = "Bộ tiêu chí đã chọn không có lần sửa đổi này; hãy chọn lại."
    for raw in ("999999", "abc", str(other.pk)):
        set_code = "test-set" if raw == str(other.pk) else "test-new"  # another set's revision
        response = client.get(url(set=set_code, revision=raw))
        assert response.status_code == 400, raw
        assert message in response.content.decode()


def test_a_year_out_of_range_is_not_found(client, valued):
    client.force_login(valued.province_staff)
    assert client.get("/reports/rescoring/98/0999/").status_code == 404
    assert client.get("/reports/rescoring/98/20x7/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("province_staff", 200),
        ("admin", 200),
        ("other_province_staff", 404),
        ("official_a", 404),
        ("commune_official", 404),
    ],
)
def test_only_the_province_and_admins_see_it(client, valued, persona, expected):
    client.force_login(getattr(valued, persona))
    assert client.get(url(set="test-new")).status_code == expected
    assert client.get(url(set="test-new", xlsx=True)).status_code == expected


def test_anonymous_is_sent_to_log_in(client, valued):
    assert client.get(url()).status_code == 302


def test_it_rejects_post(client, valued):
    client.force_login(valued.province_staff)
    assert client.post(url()).status_code == 405
    assert client.post(url(xlsx=True)).status_code == 405


def test_the_workbook_holds_the_same_figures(client, valued):
    client.force_login(valued.province_staff)
    response = client.get(url(set="test-new", xlsx=True))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "cham-lai-tinh-98-2027-test-new.xlsx" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Tổng hợp", "Theo xã", "Theo tiêu chí"]
    rows = {r[0]: r for r in wb["Theo xã"].iter_rows(min_row=2, values_only=True)}
    # code, name, status, set, now, of, met by values, kept met, missing, not computable,
    # would, of, gained, lost, missing values
    assert rows["98102"][4:] == (3, 3, 1, 1, 1, 0, 2, 4, None, "1", "4.1")
    assert rows["98201"][2] == "Đã gửi duyệt"
    assert rows["98201"][4:] == (1, 3, 0, 1, 2, 0, 1, 4, None, None, "1.2, 4.1")
    by_criterion = {r[0]: r for r in wb["Theo tiêu chí"].iter_rows(min_row=2, values_only=True)}
    assert by_criterion["98101"][2:] == (
        "Đạt",
        "Đạt",
        "Giữ kết quả đã ghi: chưa đạt",
        "thiếu giá trị 4.1",
    )
    summary = {r[0]: r[1] for r in wb["Tổng hợp"].iter_rows(values_only=True) if r}
    assert summary["Đạt đủ tiêu chí theo kết quả đã ghi"] == 1
    assert summary["Lượt tiêu chí bị mất"] == 1


def test_nothing_is_written(client, valued):
    def fingerprint():
        return [
            list(model.objects.order_by("pk").values_list())
            for model in (Assessment, CriterionResult, IndicatorValue)
        ] + [list(Assessment.history.order_by("pk").values_list("pk"))]

    client.force_login(valued.province_staff)
    before = fingerprint()
    assert client.get(url(set="test-new")).status_code == 200
    assert client.get(url(set="test-new", xlsx=True)).status_code == 200
    assert fingerprint() == before


def test_the_page_takes_a_fixed_number_of_queries(client, valued, django_assert_num_queries):
    client.force_login(valued.province_staff)
    client.get(url(set="test-new"))  # the session and the user, cached from here on
    # session, user, membership and its province, the province, the chosen set, its
    # revisions, the set choices (drawn), and the seven of criteria.rescoring.rescore_province.
    with django_assert_num_queries(QUERIES):
        assert client.get(url(set="test-new")).status_code == 200
    for n in range(3, 9):
        commune = make_commune(valued.district_a, f"9810{n}", f"Xã {n}")
        record_values(commune, YEAR, {"1.1": True, "1.2": str(60 + n), "2.1": True})
    with django_assert_num_queries(QUERIES):
        response = client.get(url(set="test-new"))
    assert len(response.context["result"].assessed) == 9


QUERIES = 15


def test_the_reformed_province_by_commune_group(client, reform_world):
    w = reform_world
    yes = {f"{n}.1": True for n in range(1, 11)}
    record_values(w.dong_tay, YEAR, yes | {"1.2": "82"})
    record_values(w.bac_son, YEAR, yes | {"1.2": "65"}, status=Assessment.Status.DRAFT)
    group_target()
    client.force_login(w.province_staff)
    response = client.get(url("96", set="test-new-group"))
    assert response.status_code == 200
    content = response.content.decode()
    dong_tay, bac_son = row_html(content, "96101"), row_html(content, "96104")
    assert "Xã Đông Tây (96101)" in dong_tay  # the unit of 2027, not xã Đông (ended 2025)
    assert figure(dong_tay, "now") == "10/10"
    assert figure(dong_tay, "lost") == "1"  # N2: 82 < 85
    assert figure(bac_son, "now") == "9/10"
    assert figure(bac_son, "gained") == "1"  # N3: 65 >= 60
    assert "Dự thảo" in bac_son
    assert figure(content, "would-meet-all") == "1"
    assert "Xã Đông (96101)" not in content and "Phường Chợ" not in content
    client.force_login(w.commune_official)
    assert client.get(url("96", set="test-new-group")).status_code == 404
    client.force_login(w.former_district_official)
    assert client.get(url("96", set="test-new-group")).status_code == 404


def test_the_province_report_links_to_it(client, valued):
    client.force_login(valued.province_staff)
    content = client.get(reverse("reports:province_report", args=["98", YEAR])).content.decode()
    assert f'href="{reverse("reports:rescoring", args=["98", YEAR])}"' in content
    client.force_login(valued.official_a)
    content = client.get(reverse("reports:district_report", args=["981", YEAR])).content.decode()
    assert 'data-link="rescoring"' not in content
