"""The upload -> preview -> apply flow, and the template and export downloads."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Commune
from criteria.models import Assessment
from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE
from reports.figures import headline
from tests.imports.conftest import HEADER_19, fingerprint, write_xlsx

pytestmark = pytest.mark.django_db

UPLOAD = reverse("imports:import_upload")


@pytest.fixture
def staff_client(client, province_user):
    client.force_login(province_user)
    return client


def upload(client, path, **extra):
    with path.open("rb") as fh:
        return client.post(UPLOAD, {"file": fh, **extra})


def file_2019(tmp_path):
    communes = Commune.objects.in_programme().valid_in(2019).filter(district__province__code="20")
    rows = [HEADER_19 + ["Trạng thái"]] + [
        [c.code, c.name, 2019] + ["x"] * 19 + ["Đã phê duyệt"] for c in communes[:10]
    ]
    return write_xlsx(tmp_path / "2019.xlsx", rows)


def test_the_page_shows_the_three_forms(staff_client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = staff_client.get(UPLOAD)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body
    assert reverse("imports:template_download") in body
    assert reverse("imports:export_download") in body


def test_district_officials_are_refused(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="district"))
    assert client.get(UPLOAD).status_code == 403


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(UPLOAD)["Location"].startswith(reverse("login"))


def test_upload_preview_apply_shows_the_new_figures_for_2019(staff_client, tmp_path):
    assert (
        headline(
            2019, communes=Commune.objects.filter(district__province__code="20")
        ).criteria_total
        > 0
    )  # carried forward
    before = headline(2019, communes=Commune.objects.filter(district__province__code="20"))
    response = upload(staff_client, file_2019(tmp_path))
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = staff_client.get(preview_url)
    assert preview.status_code == 200
    assert preview.context["report"].counts["create"] == 10
    assert '<div class="h4 mb-0" data-count="create">10</div>' in preview.content.decode()
    assert Assessment.objects.filter(year=2019).count() == 0

    token = preview.context["token"]
    apply_url = reverse("imports:import_apply", args=[token])
    assert staff_client.get(apply_url).status_code == 405
    response = staff_client.post(apply_url)
    assert response.status_code == 302
    assert response["Location"] == reverse("home") + "?year=2019"
    assert Assessment.objects.filter(year=2019, status="approved").count() == 10
    after = headline(2019, communes=Commune.objects.filter(district__province__code="20"))
    assert after.carried_forward == before.carried_forward - 10
    home = staff_client.get(response["Location"])
    assert home.context["headline"] == after
    assert "10 tạo mới" in home.content.decode()
    # The stored file is gone with its token.
    assert staff_client.post(apply_url).status_code == 404


def test_a_corrupt_file_changes_nothing(staff_client, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    before = fingerprint()
    preview = staff_client.get(upload(staff_client, path)["Location"])
    assert "Tệp Excel bị hỏng, không đọc được." in preview.content.decode()
    assert "Xác nhận và ghi dữ liệu" not in preview.content.decode()
    response = staff_client.post(reverse("imports:import_apply", args=[preview.context["token"]]))
    assert response.status_code == 400
    assert fingerprint() == before


def test_the_size_limit_is_checked_on_upload(staff_client, tmp_path, settings):
    settings.NTM_IMPORT_MAX_BYTES = 1000
    response = upload(staff_client, file_2019(tmp_path))
    assert response.status_code == 400
    assert "Tệp quá lớn" in response.content.decode()


def test_another_users_token_is_not_found(staff_client, client, tmp_path, django_user_model):
    preview_url = upload(staff_client, file_2019(tmp_path))["Location"]
    client.force_login(django_user_model.objects.get(username="admin"))
    assert client.get(preview_url).status_code == 404


def test_the_update_approved_choice_is_kept_for_the_apply(client, tmp_path, world):
    from tests.base import make_assessment

    approved = make_assessment(world.commune_a1, 2026, world.cset, met=1)
    client.force_login(world.province_staff)
    path = write_xlsx(
        tmp_path / "u.xlsx", [["Mã xã", "Năm", "TC1", "TC2", "TC3"], ["98101", 2026, "x", "x", "x"]]
    )
    skipped = client.get(upload(client, path)["Location"])
    assert skipped.context["report"].counts["kept"] == 1
    response = client.get(upload(client, path, update_approved="on")["Location"])
    assert response.context["report"].counts["update"] == 1
    client.post(reverse("imports:import_apply", args=[response.context["token"]]))
    approved.refresh_from_db()
    assert approved.criteria_met == 3


def test_unmeeting_a_criterion_computed_from_recorded_indicators_is_an_error(
    staff_client, tmp_path
):
    path = write_xlsx(tmp_path / "u.xlsx", [HEADER_19, ["06505", "", 2017] + ["0"] * 19])
    preview = staff_client.get(upload(staff_client, path, update_approved="on")["Location"])
    errors = preview.context["report"].errors
    assert len(errors) == 19
    assert {e.code for e in errors} == {"criterion_from_recorded_indicators"}
    assert errors[0].message.startswith(
        "Tiêu chí 1 của đánh giá hiện có được tính từ giá trị các chỉ tiêu đã ghi (“đạt”)"
    )
    # Without "update approved" the approved assessment is kept as it is: no error.
    kept = staff_client.get(upload(staff_client, path)["Location"]).context["report"]
    assert kept.ok and kept.counts["kept"] == 1


def test_a_blank_row_over_recorded_indicators_is_skipped(staff_client, tmp_path):
    path = write_xlsx(tmp_path / "u.xlsx", [HEADER_19, ["06505", "", 2017] + [""] * 19])
    report = staff_client.get(upload(staff_client, path, update_approved="on")["Location"])
    report = report.context["report"]
    assert report.ok and report.counts["blank"] == 1 and report.changes == 0


def test_template_download_for_a_district(staff_client):
    url = reverse("imports:template_download")
    response = staff_client.get(url, {"province": "20", "district": "187", "year": 2019})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "mau-nhap-danh-gia-187-2019.xlsx" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert ws.max_row > 1 and ws["D2"].value == 2019


def test_template_download_refuses_other_provinces_and_bad_years(staff_client, world):
    url = reverse("imports:template_download")
    assert staff_client.get(url, {"province": "98", "year": 2026}).status_code == 404
    assert (
        staff_client.get(url, {"province": "20", "district": "981", "year": 2026}).status_code
        == 404
    )
    bad = staff_client.get(url, {"province": "20", "year": 2009})  # 2011-2015 has a set
    assert bad.status_code == 400
    assert "Năm 2009 không thuộc giai đoạn của bộ tiêu chí nào." in bad.content.decode()


def test_export_download(staff_client):
    url = reverse("imports:export_download")
    response = staff_client.get(url, {"province": "20", "first": 2016, "last": 2018})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows())
    assert len(rows) == 1 + 621
    assert staff_client.get(url, {"province": "20", "first": 2018, "last": 2016}).status_code == 400


def test_admins_may_export_any_province(client, django_user_model, world):
    client.force_login(django_user_model.objects.get(username="admin"))
    url = reverse("imports:export_download")
    response = client.get(url, {"province": "98", "first": 2026, "last": 2026})
    assert response.status_code == 200


def test_the_navbar_offers_the_import_to_province_staff_only(
    staff_client, client, django_user_model
):
    assert UPLOAD in staff_client.get(reverse("home")).content.decode()
    client.force_login(django_user_model.objects.get(username="district"))
    assert UPLOAD not in client.get(reverse("home")).content.decode()


def test_the_2018_template_uploads_back_unchanged(staff_client, tmp_path):
    """Approved assessments, many computed from indicator values: nothing to change."""
    url = reverse("imports:template_download")
    content = staff_client.get(url, {"province": "20", "district": "187", "year": 2018}).content
    path = tmp_path / "mau-2018.xlsx"
    path.write_bytes(content)
    before = fingerprint()
    preview = staff_client.get(upload(staff_client, path)["Location"])
    report = preview.context["report"]
    assert (len(report.errors), report.changes, report.counts["blank"]) == (0, 0, 19)
    body = preview.content.decode()
    assert '<div class="h4 mb-0" data-count="blank">19</div>' in body
    assert "Dòng trống: bỏ qua" in body
    assert staff_client.post(reverse("imports:import_apply", args=[preview.context["token"]]))
    assert fingerprint() == before


def test_the_2018_export_uploads_back_unchanged(staff_client, tmp_path):
    url = reverse("imports:export_download")
    content = staff_client.get(url, {"province": "20", "first": 2016, "last": 2018}).content
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    report = staff_client.get(upload(staff_client, path)["Location"]).context["report"]
    assert (len(report.errors), report.changes, report.counts["unchanged"]) == (0, 0, 621)
