import pytest
from django.urls import reverse

from tests.reports.conftest import login, without_csrf

pytestmark = pytest.mark.django_db

URL = reverse("reports:province_report", args=["20", 2017])


def test_the_urls_are_stable():
    assert URL == "/reports/province/20/2017/"
    assert (
        reverse("reports:province_report_pdf", args=["20", 2017]) == "/reports/province/20/2017.pdf"
    )
    assert (
        reverse("reports:province_report_xlsx", args=["20", 2017])
        == "/reports/province/20/2017.xlsx"
    )


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_province_staff_see_the_2017_figures(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    assert '"certified">36/207<' in body
    assert '"average">8,65<' in body
    assert "tỉnh Lạng Sơn" in body
    assert "Chỉ tính đánh giá đã được phê duyệt." in body
    assert "SỐ LIỆU TẠM THỜI" not in body
    # Charts are inline SVG, with presentation attributes only (the CSP forbids style="").
    assert body.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 3
    assert "style=" not in body.split("<main", 1)[1]
    assert 'href="/reports/province/20/2017.pdf"' in body
    assert 'href="/reports/province/20/2017.xlsx"' in body


def test_district_total_row_equals_the_province(client, django_user_model):
    login(client, django_user_model, "province")
    figures = client.get(URL).context["figures"]
    total = figures.area_total
    assert total.headline == figures.headline
    assert sum(d.headline.communes for d in figures.areas) == 207
    assert sum(d.headline.certified for d in figures.areas) == 36
    assert sum(d.headline.criteria_total for d in figures.areas) == total.headline.criteria_total
    for i, band in enumerate(total.bands):
        assert sum(d.bands[i].count for d in figures.areas) == band.count


def test_provisional_variant_is_labelled(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(URL, {"provisional": "1"})
    body = response.content.decode()
    assert response.context["figures"].provisional
    assert "SỐ LIỆU TẠM THỜI" in body
    assert 'href="/reports/province/20/2017.pdf?provisional=1"' in body


@pytest.mark.parametrize("value", ["yes", "2", ""])
def test_a_bad_provisional_flag_is_not_found(client, django_user_model, value):
    login(client, django_user_model, "province")
    assert client.get(URL, {"provisional": value}).status_code == 404


def test_a_year_without_criteria_set_says_so(client, django_user_model):
    login(client, django_user_model, "province")
    response = client.get(reverse("reports:province_report", args=["20", 2005]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Không có bộ tiêu chí nào áp dụng cho năm 2005." in body
    assert 'data-figure="certified"' not in body  # no figures carried over from other years
    # Nothing to download: the PDF and the workbook stay 404; a year out of range is 404.
    assert client.get(reverse("reports:province_report_pdf", args=["20", 2005])).status_code == 404
    assert client.get(reverse("reports:province_report_xlsx", args=["20", 2005])).status_code == 404
    assert client.get(reverse("reports:province_report", args=["20", 9999])).status_code == 404


def test_an_unknown_province_is_not_found(client, django_user_model):
    login(client, django_user_model, "admin")
    assert client.get(reverse("reports:province_report", args=["00", 2017])).status_code == 404


def test_district_official_cannot_see_the_province_report(client, django_user_model):
    login(client, django_user_model, "district")
    for name in ("province_report", "province_report_pdf", "province_report_xlsx"):
        assert client.get(reverse(f"reports:{name}", args=["20", 2017])).status_code == 404


def test_province_staff_cannot_see_another_province(client, report_world):
    client.force_login(report_world.other_province_staff)
    for name in ("province_report", "province_report_pdf", "province_report_xlsx"):
        url = reverse(f"reports:{name}", args=[report_world.province.code, 2027])
        assert client.get(url).status_code == 404
    url = reverse("reports:province_report", args=[report_world.other_province.code, 2027])
    assert client.get(url).status_code == 200


def test_admin_sees_any_province(client, report_world):
    client.force_login(report_world.admin)
    response = client.get(reverse("reports:province_report", args=["98", 2027]))
    assert response.status_code == 200
    assert response.context["figures"].headline.communes == 3


def test_a_markup_looking_name_is_escaped_in_the_page(client, report_world):
    report_world.commune_b1.name = '<script>alert("x")</script>'
    report_world.commune_b1.save()
    client.force_login(report_world.province_staff)
    body = client.get(reverse("reports:province_report", args=["98", 2027])).content.decode()
    assert "&lt;script&gt;alert" in body
    assert '<script>alert("x")' not in body


def test_query_count_is_fixed(client, django_user_model, django_assert_num_queries):
    login(client, django_user_model, "province")
    # session, user, membership + its province, the province; then the 11 of report_figures;
    # then the good practices for the criteria most communes miss (1 query when none apply);
    # then the year's plans (1 when there is none); the data version (1); the certified
    # communes that ended since the year before and the lineage of the units formed since (2);
    # what the
    # counted results rest on (1); the recognitions of the year decided later and the units in
    # scope by kind (issue 13), one query each; the set of the year before and the dossiers in
    # progress (issue 23); the shapes of the province's map, the villages and the border
    # communes (issue 29); the data versions of the chart's earlier years (issue 27).
    with django_assert_num_queries(29):
        response = client.get(URL)
    assert response.status_code == 200
    # Unchanged data: the access check, the version, the cached body (and, on the province
    # page, the practices query): nothing computed.
    with django_assert_num_queries(7):
        again = client.get(URL)
    assert without_csrf(again.content) == without_csrf(response.content)


def test_query_count_with_practices_to_learn_from(
    client, django_user_model, django_assert_num_queries
):
    login(client, django_user_model, "province")
    # The demo's example practices are dated 2018: two more queries fetch them.
    # + plans, data version, ended and new units, judgements, late recognitions, units, the
    # set of the year before and the dossiers in progress; the map's shapes, the villages and
    # border communes (issue 29); the chart's versions (issue 27).
    with django_assert_num_queries(31):
        response = client.get(URL.replace("2017", "2018"))
    assert response.status_code == 200
    assert "Ví dụ minh họa" in response.content.decode()
