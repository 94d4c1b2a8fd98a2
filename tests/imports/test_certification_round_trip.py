"""Export and import agree on certification decisions (issue 23, item 9): a row (commune, year,
standard tier) carries the decision recognising that year at that tier, whatever year it was
signed in, with its dossier reason and its revocation; the import pairs a row's decision the
same way, so an unchanged export changes nothing; a new decision goes through the certification
page's entry point (dossiers.services.certification_record), dossier rule included. In both
worlds: province 98 with districts, and province 96 after 01/07/2025 (reused codes)."""

import datetime
import io
from dataclasses import dataclass

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import Commune, Province
from criteria.applicable import criteria_set_for_year
from criteria.models import Assessment, Certification, CriteriaSet
from imports.services import import_assessments
from imports.writer import export_workbook
from tests.base import make_assessment, make_certification, make_reform_world, make_world
from tests.imports.conftest import fingerprint, write_xlsx

pytestmark = pytest.mark.django_db

SIGNED_NEXT_YEAR = datetime.date(2027, 1, 15)  # recognises 2026
REASON_TITLE = "Lý do công nhận khi hồ sơ chưa đủ"


@dataclass
class Place:
    """What a test needs of either world: a certifiable commune and its set in 2026."""

    province: Province
    commune: Commune
    cset: CriteriaSet
    staff: object

    @property
    def criteria(self) -> int:
        return self.cset.criteria.count()


@pytest.fixture(params=["districts", "reform"])
def place(request, db) -> Place:
    if request.param == "districts":
        w = make_world()
        return Place(w.province, w.commune_a1, w.cset, w.province_staff)
    w = make_reform_world()
    return Place(w.province, w.dong_tay, w.cset, w.province_staff)


def certified_2026(place: Place, **kwargs) -> Certification:
    """An approved 2026 assessment meeting every criterion and its standard decision."""
    make_assessment(place.commune, 2026, place.cset, met=place.criteria)
    kwargs.setdefault("recognised_year", 2026)
    return make_certification(
        place.commune, place.cset, kwargs.pop("date", SIGNED_NEXT_YEAR), **kwargs
    )


def decisions() -> list[tuple]:
    """Every stored fact of every decision, and how many history rows they have."""
    return sorted(
        Certification.objects.values_list(
            "commune_id",
            "tier",
            "decision_number",
            "decision_date",
            "recognised_year",
            "dossier_reason",
            "revoked_on",
            "revocation_reason",
        )
    ) + [Certification.history.count()]


def sheet_rows(content: bytes) -> list[dict]:
    rows = list(load_workbook(io.BytesIO(content), read_only=True).worksheets[0].values)
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def export(place: Place, first: int, last: int, tmp_path) -> tuple[bytes, object]:
    content = export_workbook(place.province, first, last)
    path = tmp_path / f"export-{first}-{last}.xlsx"
    path.write_bytes(content)
    return content, path


def import_rows(place: Place, rows: list[dict], *, dry_run: bool = True):
    return import_assessments(rows=rows, user=place.staff, dry_run=dry_run)


def row_2026(place: Place, **extra) -> dict:
    row = {"Mã xã": place.commune.code, "Năm": 2026, "Trạng thái": "Đã phê duyệt"}
    row |= {f"TC{n}": "x" for n in range(1, place.criteria + 1)}
    return row | extra


# --- Export and round trip --------------------------------------------------------------------


def test_a_decision_signed_the_next_year_is_on_the_row_of_the_year_it_recognises(place, tmp_path):
    certified_2026(place, decision_number="5/QĐ-UBND")
    make_assessment(place.commune, 2027, place.cset, met=1)
    content, path = export(place, 2026, 2027, tmp_path)
    rows = {r["Năm"]: r for r in sheet_rows(content) if r["Mã xã"] == place.commune.code}
    assert rows[2026]["Số QĐ công nhận"] == "5/QĐ-UBND"
    assert rows[2026]["Ngày công nhận"].date() == SIGNED_NEXT_YEAR
    assert rows[2026]["Hạng"] == "NTM"
    assert rows[2027]["Số QĐ công nhận"] is None  # not the year it was signed in

    before, stored = fingerprint(), decisions()
    report = import_assessments(file=path, user=place.staff, dry_run=False)
    assert report.ok, report.lines()[:3]
    assert (report.changes, report.counts["unchanged"], report.certifications) == (0, 2, 0)
    assert (fingerprint(), decisions()) == (before, stored)


def test_a_revoked_decision_goes_out_with_its_revocation_and_comes_back_unchanged(place, tmp_path):
    certified_2026(
        place,
        decision_number="6/QĐ-UBND",
        revoked_on=datetime.date(2027, 6, 1),
        revocation_reason="Không duy trì tiêu chí 1",
        dossier_reason="Hồ sơ lập trước khi có quy trình",
    )
    content, path = export(place, 2026, 2026, tmp_path)
    row = next(r for r in sheet_rows(content) if r["Mã xã"] == place.commune.code)
    assert row["Số QĐ công nhận"] == "6/QĐ-UBND"
    assert row["Ngày thu hồi"].date() == datetime.date(2027, 6, 1)
    assert row["Lý do thu hồi"] == "Không duy trì tiêu chí 1"
    assert row[REASON_TITLE] == "Hồ sơ lập trước khi có quy trình"

    before, stored = fingerprint(), decisions()
    report = import_assessments(file=path, user=place.staff, dry_run=False)
    assert report.ok, report.lines()[:3]
    assert (report.changes, report.revocations) == (0, 0)
    assert (fingerprint(), decisions()) == (before, stored)


def test_texts_typed_with_line_breaks_come_back_unchanged(place, tmp_path):
    # A browser's text area sends CRLF; a workbook gives the text back with LF.
    certified_2026(
        place,
        revoked_on=datetime.date(2027, 6, 1),
        revocation_reason="Không duy trì:\r\ntiêu chí 1",
    )
    Assessment.objects.filter(commune=place.commune).update(note="Dòng 1\r\nDòng 2")
    _content, path = export(place, 2026, 2026, tmp_path)
    before, stored = fingerprint(), decisions()
    report = import_assessments(file=path, user=place.staff, dry_run=False)
    assert report.ok and report.changes == 0, report.lines()[:3]
    assert (fingerprint(), decisions()) == (before, stored)


def test_a_file_that_drops_a_revocation_is_refused(place):
    certified_2026(
        place,
        decision_number="6/QĐ-UBND",
        revoked_on=datetime.date(2027, 6, 1),
        revocation_reason="Không duy trì tiêu chí 1",
    )
    row = row_2026(
        place,
        **{"Số QĐ công nhận": "6/QĐ-UBND", "Ngày công nhận": "15/01/2027", "Ngày thu hồi": ""},
    )
    report = import_rows(place, [row])
    assert [(e.column, e.code) for e in report.errors] == [("Ngày thu hồi", "revocation_differs")]


def test_a_file_without_the_revocation_columns_says_nothing_about_a_revocation(place):
    certified_2026(
        place,
        decision_number="6/QĐ-UBND",
        revoked_on=datetime.date(2027, 6, 1),
        revocation_reason="Không duy trì tiêu chí 1",
    )
    row = row_2026(place, **{"Số QĐ công nhận": "6/QĐ-UBND", "Ngày công nhận": "15/01/2027"})
    before, stored = fingerprint(), decisions()
    report = import_rows(place, [row], dry_run=False)
    assert report.ok and report.changes == 0, report.lines()[:3]
    assert (fingerprint(), decisions()) == (before, stored)


def test_a_decision_number_longer_than_the_field_is_refused(place):
    make_assessment(place.commune, 2026, place.cset, met=place.criteria)
    row = row_2026(place, **{"Số QĐ công nhận": "1" * 61, "Ngày công nhận": "15/01/2027"})
    report = import_rows(place, [row])
    assert [e.code for e in report.errors] == ["decision_number_too_long"]


def test_a_revocation_added_in_the_file_revokes_the_recorded_decision(place):
    cert = certified_2026(place, decision_number="7/QĐ-UBND")
    row = row_2026(
        place,
        **{
            "Số QĐ công nhận": "7/QĐ-UBND",
            "Ngày công nhận": "15/01/2027",
            "Ngày thu hồi": "01/06/2027",
            "Lý do thu hồi": "Vi phạm quy định",
        },
    )
    report = import_rows(place, [row], dry_run=False)
    assert report.applied, report.lines()[:3]
    assert (report.changes, report.revocations, report.certifications) == (1, 1, 0)
    cert.refresh_from_db()
    assert (cert.revoked_on, cert.revocation_reason) == (
        datetime.date(2027, 6, 1),
        "Vi phạm quy định",
    )
    assert cert.history.first().history_user == place.staff  # through certification_revoke


def test_a_revocation_without_its_reason_is_refused(place):
    certified_2026(place, decision_number="7/QĐ-UBND")
    row = row_2026(
        place,
        **{"Số QĐ công nhận": "7/QĐ-UBND", "Ngày công nhận": "15/01/2027"},
        **{"Ngày thu hồi": "01/06/2027", "Lý do thu hồi": ""},
    )
    report = import_rows(place, [row])
    assert [(e.column, e.code) for e in report.errors] == [("Lý do thu hồi", "reason_required")]


# --- Tiers --------------------------------------------------------------------------------------


def test_a_standard_and_an_advanced_decision_of_the_same_year_are_not_mixed(place, tmp_path):
    certified_2026(place, decision_number="8/QĐ-UBND")
    # The advanced decision recognising the same year was signed first, in 2026: a pairing by
    # the decision's year would put it on the 2026 row.
    make_certification(
        place.commune,
        place.cset,
        datetime.date(2026, 12, 20),
        tier=Certification.Tier.ADVANCED,
        decision_number="9/QĐ-UBND",
        recognised_year=2026,
    )
    content, path = export(place, 2026, 2026, tmp_path)
    row = next(r for r in sheet_rows(content) if r["Mã xã"] == place.commune.code)
    assert (row["Số QĐ công nhận"], row["Hạng"]) == ("8/QĐ-UBND", "NTM")

    before, stored = fingerprint(), decisions()
    assert import_assessments(file=path, user=place.staff, dry_run=False).changes == 0
    # The advanced decision on the row, with its tier, pairs with the advanced one.
    advanced = row_2026(
        place,
        **{"Số QĐ công nhận": "9/QĐ-UBND", "Ngày công nhận": "20/12/2026", "Hạng": "NTM nâng cao"},
    )
    report = import_rows(place, [advanced], dry_run=False)
    assert report.ok and report.changes == 0, report.lines()[:3]
    assert (fingerprint(), decisions()) == (before, stored)


def test_a_decision_recorded_for_another_year_is_an_error(place):
    certified_2026(place, decision_number="5/QĐ-UBND")
    make_assessment(place.commune, 2027, place.cset, met=place.criteria)
    row = row_2026(place, **{"Năm": 2027, "Số QĐ công nhận": "5/QĐ-UBND"})
    row["Ngày công nhận"] = "15/01/2027"
    report = import_rows(place, [row])
    assert [e.code for e in report.errors] == ["decision_of_other_year"]


# --- The dossier rule ---------------------------------------------------------------------------


def new_decision(place: Place, reason: str | None) -> dict:
    make_assessment(place.commune, 2026, place.cset, met=place.criteria)
    row = row_2026(place, **{"Số QĐ công nhận": "10/QĐ-UBND", "Ngày công nhận": "15/01/2027"})
    if reason is not None:
        row[REASON_TITLE] = reason
    return row


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_new_decision_without_a_complete_dossier_or_a_reason_is_refused(place, reason):
    row = new_decision(place, reason)
    before, stored = fingerprint(), decisions()
    report = import_rows(place, [row], dry_run=False)
    column = "Số QĐ công nhận" if reason is None else REASON_TITLE
    assert [(e.column, e.code) for e in report.errors] == [(column, "reason_required")]
    assert "Chưa lập hồ sơ xét công nhận" in report.errors[0].message
    assert not report.applied
    assert (fingerprint(), decisions()) == (before, stored)


def test_a_new_decision_with_a_reason_is_recorded_with_it(
    place, queued, django_capture_on_commit_callbacks
):
    from django.core import mail

    from accounts.models import Membership
    from tests.base import make_user, run_worker

    official = make_user(
        "official-here", role=Membership.Role.COMMUNE_OFFICIAL, commune=place.commune
    )
    official.email = "official@example.vn"
    official.save()
    row = new_decision(place, "Quyết định ban hành trước khi lập hồ sơ trên hệ thống")
    with django_capture_on_commit_callbacks(execute=True):
        report = import_rows(place, [row], dry_run=False)
    assert report.applied and report.certifications == 1, report.lines()[:3]
    run_worker()
    assert mail.outbox == []  # a transcription of decisions mails no one
    cert = Certification.objects.get(commune=place.commune)
    assert (cert.recognised_year, cert.decision_date, cert.dossier_reason) == (
        2026,
        SIGNED_NEXT_YEAR,
        "Quyết định ban hành trước khi lập hồ sơ trên hệ thống",
    )


def test_a_new_decision_revoked_in_the_same_row_is_recorded_then_revoked(place):
    row = new_decision(place, "Ghi lại quyết định cũ")
    row |= {"Ngày thu hồi": "01/06/2027", "Lý do thu hồi": "Không duy trì tiêu chí"}
    report = import_rows(place, [row], dry_run=False)
    assert report.applied and (report.certifications, report.revocations) == (1, 1)
    cert = Certification.objects.get(commune=place.commune)
    assert (cert.revoked_on, cert.dossier_reason) == (
        datetime.date(2027, 6, 1),
        "Ghi lại quyết định cũ",
    )
    # The same row again: the decision and its revocation are recorded, nothing changes.
    assert import_rows(place, [row], dry_run=False).changes == 0


# --- Reused codes -------------------------------------------------------------------------------


def test_a_reused_code_names_the_unit_of_the_row_s_year():
    w = make_reform_world()
    set_2024 = criteria_set_for_year(2024)
    needed = set_2024.criteria.count()
    make_assessment(w.old_dong, 2024, set_2024, met=needed)
    make_certification(
        w.old_dong,
        set_2024,
        datetime.date(2025, 1, 15),
        decision_number="1/QĐ",
        recognised_year=2024,
    )
    make_assessment(w.dong_tay, 2026, w.cset, met=w.cset.criteria.count())
    make_certification(
        w.dong_tay, w.cset, SIGNED_NEXT_YEAR, decision_number="2/QĐ", recognised_year=2026
    )
    content = export_workbook(w.province, 2024, 2026)
    rows = {(r["Mã xã"], r["Năm"]): r for r in sheet_rows(content)}
    assert (rows[("96101", 2024)]["Tên xã"], rows[("96101", 2024)]["Số QĐ công nhận"]) == (
        "Xã Đông",
        "1/QĐ",
    )
    assert (rows[("96101", 2026)]["Tên xã"], rows[("96101", 2026)]["Số QĐ công nhận"]) == (
        "Xã Đông Tây",
        "2/QĐ",
    )
    before, stored = fingerprint(), decisions()
    report = import_assessments(file=io.BytesIO(content), user=w.province_staff, dry_run=False)
    assert report.ok and report.changes == 0, report.lines()[:3]
    assert (fingerprint(), decisions()) == (before, stored)

    # A decision given on the 2024 row of 96101 is xã Đông's, not xã Đông Tây's.
    Certification.objects.filter(decision_number="1/QĐ").delete()
    row = {"Mã xã": "96101", "Năm": 2024, "Số QĐ công nhận": "1/QĐ"}
    row |= {"Ngày công nhận": "15/01/2025", REASON_TITLE: "Ghi lại quyết định cũ"}
    row |= {f"TC{n}": "x" for n in range(1, needed + 1)}
    report = import_assessments(rows=[row], user=w.province_staff, dry_run=False)
    assert report.applied, report.lines()[:3]
    assert Certification.objects.get(decision_number="1/QĐ").commune == w.old_dong


# --- The pages ----------------------------------------------------------------------------------


def test_the_preview_shows_a_revocation_and_the_apply_writes_it(place, client, tmp_path):
    cert = certified_2026(place, decision_number="7/QĐ-UBND")
    row = row_2026(
        place,
        **{
            "Số QĐ công nhận": "7/QĐ-UBND",
            "Ngày công nhận": "15/01/2027",
            "Ngày thu hồi": "01/06/2027",
            "Lý do thu hồi": "Vi phạm quy định",
        },
    )
    path = write_xlsx(tmp_path / "revoke.xlsx", [list(row), list(row.values())])
    client.force_login(place.staff)
    with path.open("rb") as fh:
        response = client.post(reverse("imports:import_upload"), {"file": fh})
    preview = client.get(response["Location"])
    assert preview.context["report"].revocations == 1
    body = preview.content.decode()
    assert "<td>Thu hồi</td></tr>" in body
    assert "1 quyết định bị thu hồi." in preview.context["report"].summary()
    assert Certification.objects.get(pk=cert.pk).revoked_on is None  # a preview writes nothing
    client.post(reverse("imports:import_apply", args=[preview.context["token"]]))
    cert.refresh_from_db()
    assert cert.revoked_on == datetime.date(2027, 6, 1)
