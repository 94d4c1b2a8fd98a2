"""Writing workbooks in the import format: the blank template for a year and the export of a
province's assessments. One writer, so what we hand out is what we read back.

An export imported again gives the same criteria met, statuses, notes and certifications, and
changes nothing. Each row (a commune's standard assessment of a year) carries the standard
decision recognising that year, whatever year it was signed in (a 2026 recognition signed on
15/01/2027 is on the 2026 row), with its dossier reason and, when it was revoked, its
revocation. What the format does not carry (and an export therefore leaves out): indicator
values and manual decisions (the criterion results computed from them are exported), criterion
notes, decisions of the higher tiers (their assessments are entered on the commune's page), and
a second standard decision recognising the same year (the one in force, else the latest, is
exported).
"""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from communes.models import Commune, CommuneGroupAssignment, District, Province
from criteria.applicable import criteria_set_for_year
from criteria.models import Assessment, Certification, CriteriaSet, Criterion, CriterionResult
from imports.workbook import FIELDS, MET_CHOICES, TIER_SHORT, source_label
from ntm.lib.spreadsheet import safe_cell

LEADING = ("commune_code", "commune_name", "district", "year")
TRAILING = (
    "status",
    "note",
    "certification_decision",
    "certification_date",
    "certification_tier",
    "certification_dossier_reason",
    "certification_revoked_on",
    "certification_revocation_reason",
)
# Every template says which tier its assessments are (standard: blank or NTM); a template for a
# set keyed by commune group (2026-2030) also has the commune's group.
TIER_COLUMN = ("assessment_tier",)
GROUP_COLUMN = ("commune_group",)

# English explanations for the instructions sheet (the Vietnamese ones are in FIELDS).
EXPLANATIONS_EN = {
    "commune_code": "Official 5-digit commune code (GSO). Required.",
    "commune_name": "Commune name, checked against the code: a mismatch is an error. Optional.",
    "district": "District name, for reading only; ignored on import.",
    "year": "Year assessed (e.g. 2019). Required.",
    "status": (
        "draft / submitted / approved (or the Vietnamese labels); empty: a new assessment is a "
        "draft, an existing one keeps its status. Approving needs the approval permission."
    ),
    "note": "The assessment's note. Optional.",
    "certification_decision": (
        "Number of the decision recognising the commune for the row's year (it may be signed "
        "the year after). Needs all criteria met and an approved assessment."
    ),
    "certification_date": "Date of the decision: dd/mm/yyyy, yyyy-mm-dd or an Excel date.",
    "certification_tier": (
        "NTM / NTM nâng cao / NTM kiểu mẫu / NTM hiện đại (ntm, advanced, model, modern); "
        "empty = NTM. A higher tier needs that tier's approved assessment (entered on the "
        "commune's page) and the standard certification."
    ),
    "certification_dossier_reason": (
        "Required to record a new decision while the commune's dossier for the tier and the "
        "row's year is incomplete or missing; stored with the decision. A decision already "
        "recorded keeps the reason it was recorded with."
    ),
    "certification_revoked_on": (
        "Date the decision was revoked (dd/mm/yyyy), if it was; needs a reason. A date given "
        "for a decision not revoked yet revokes it."
    ),
    "certification_revocation_reason": "Why the decision was revoked. Required with a date.",
    "assessment_tier": (
        "The assessment's tier: NTM (standard); empty = NTM. The workbook does not take "
        "advanced, model or modern assessments yet: enter them on the commune's page."
    ),
    "commune_group": (
        "Commune group of the 2026-2030 set (1, 2, 3 or N1, N2, N3). A commune without a group "
        "gets it from the row's year; a group other than the one assigned is an error."
    ),
}


@dataclass
class SheetRow:
    commune: Commune
    year: int
    met: dict[int, bool]  # by criterion number; empty for a blank template row
    status: str = ""
    note: str = ""
    decision: str = ""
    decision_date: object = None
    tier: str = ""  # the certification's tier
    dossier_reason: str = ""
    revoked_on: object = None
    revocation_reason: str = ""
    group: str = ""  # the commune group's code, when the set is keyed by group


def trailing(by_group: bool) -> tuple[str, ...]:
    return TRAILING + TIER_COLUMN + (GROUP_COLUMN if by_group else ())


def header(criteria_count: int, by_group: bool = False) -> list[str]:
    return (
        [FIELDS[k][0] for k in LEADING]
        + [f"TC{n}" for n in range(1, criteria_count + 1)]
        + [FIELDS[k][0] for k in trailing(by_group)]
    )


def build_workbook(
    rows: Iterable[SheetRow], criteria_sets: Sequence[CriteriaSet], title: str
) -> bytes:
    """A workbook in the import format: the data sheet and an instructions sheet.
    The criterion columns run to the largest set among `criteria_sets`."""
    criteria = list(
        Criterion.objects.filter(criteria_set__in=criteria_sets).order_by("criteria_set", "number")
    )
    count = max((c.number for c in criteria), default=0)
    by_group = any(
        s.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP for s in criteria_sets
    )
    wb = Workbook()
    ws = wb.active
    ws.title = _("Đánh giá")
    ws.append([safe_cell(ws, title) for title in header(count, by_group)])
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEEDD")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(horizontal="center")
    n = 0
    keys = trailing(by_group)
    # 0-based positions of the trailing columns in a row, 1-based column numbers in the sheet.
    position = {key: len(LEADING) + count + i for i, key in enumerate(keys)}
    dates = ("certification_date", "certification_revoked_on")
    for row in rows:
        n += 1
        values = {
            "status": row.status,
            "note": row.note,
            "certification_decision": row.decision,
            "certification_date": row.decision_date,
            "certification_tier": row.tier,
            "certification_dossier_reason": row.dossier_reason,
            "certification_revoked_on": row.revoked_on,
            "certification_revocation_reason": row.revocation_reason,
            "assessment_tier": None,  # blank is the standard tier, the only one exported
            "commune_group": row.group,
        }
        # Every text (names, notes, decision numbers, reasons) as text, never a formula.
        cells = [
            safe_cell(ws, value)
            for value in [
                row.commune.code,
                row.commune.name,
                row.commune.district.name if row.commune.district else None,
                row.year,
            ]
            + ["x" if row.met.get(number) else None for number in range(1, count + 1)]
            + [values[key] or None for key in keys]
        ]
        cells[0].number_format = "@"  # keep leading zeros
        for key in dates:
            if values[key]:
                cells[position[key]].number_format = "DD/MM/YYYY"
        ws.append(cells)
    last = max(n + 1, 2)
    first_c = len(LEADING) + 1
    met_range = f"{get_column_letter(first_c)}2:{get_column_letter(first_c + count - 1)}{last}"
    _list_validation(ws, MET_CHOICES, met_range, _("x khi đạt, để trống khi chưa đạt."))
    status_col = get_column_letter(position["status"] + 1)
    statuses = [source_label(s) for s in Assessment.Status]
    _list_validation(ws, statuses, f"{status_col}2:{status_col}{last}", "")
    for key in ("certification_tier", "assessment_tier"):
        tier_col = get_column_letter(position[key] + 1)
        _list_validation(ws, list(TIER_SHORT.values()), f"{tier_col}2:{tier_col}{last}", "")
    ws.freeze_panes = "E2"
    ws.column_dimensions["B"].width = 20
    ws.column_dimensions["C"].width = 18
    for index in range(first_c, first_c + count):
        ws.column_dimensions[get_column_letter(index)].width = 5
    _instructions(wb, criteria, title, by_group)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _append(ws, values: Sequence) -> None:
    ws.append([safe_cell(ws, value) for value in values])


def _list_validation(ws, choices: Sequence[str], cells: str, prompt: str) -> None:
    # A warning, not a stop: the importer also accepts 1/0, true/false, yes/no.
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(choices) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorStyle="warning",
        error=_("Giá trị nên chọn trong danh sách."),
        prompt=prompt or None,
        showInputMessage=bool(prompt),
    )
    validation.add(cells)
    ws.add_data_validation(validation)


def _instructions(wb: Workbook, criteria: list[Criterion], title: str, by_group: bool) -> None:
    ws = wb.create_sheet(_("Hướng dẫn"))
    _append(ws, [title])
    ws["A1"].font = Font(bold=True, size=13)
    _append(ws, [])
    _append(ws, ["Cột", "Column", "Giải thích", "Explanation"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for key in LEADING:
        vi, en, doc = FIELDS[key]
        _append(ws, [vi, en, str(doc), EXPLANATIONS_EN[key]])
    _append(
        ws,
        [
            "TC1 … TCn",
            "c1 … cn",
            "Tiêu chí đạt: x, X, 1, Đạt, true, yes. Chưa đạt: để trống, 0, Không đạt, Chưa đạt, "
            "false, no. Số tiêu chí theo bộ tiêu chí áp dụng cho năm của dòng; cột thừa phải để "
            "trống.",
            "Criterion met: x, X, 1, Đạt, true, yes. Not met: empty, 0, Không đạt, Chưa đạt, "
            "false, no. The number of criteria follows the criteria set in force in the row's "
            "year; extra columns must stay empty.",
        ],
    )
    _append(
        ws,
        [
            "2.1, 17.6, …",
            "2.1, 17.6, …",
            "Cột chỉ tiêu (không bắt buộc), đặt tên theo mã chỉ tiêu: số liệu hoặc đạt/chưa đạt. "
            "Khi có, kết quả tiêu chí được tính từ chỉ tiêu; cột TC mâu thuẫn là lỗi.",
            "Optional indicator columns named by indicator code: a value, or met/not met. When "
            "present, the criterion is computed from them; a contradicting c column is an error.",
        ],
    )
    for key in trailing(by_group):
        vi, en, doc = FIELDS[key]
        _append(ws, [vi, en, str(doc), EXPLANATIONS_EN[key]])
    _append(ws, [])
    _append(
        ws,
        [
            "Dòng trùng xã và năm với đánh giá đã có sẽ cập nhật đánh giá đó (có lưu lịch sử); "
            "đánh giá đã phê duyệt chỉ được cập nhật khi chọn “Cập nhật cả đánh giá đã phê duyệt”. "
            "Dòng chỉ có mã, tên, huyện, năm (không tiêu chí, chỉ tiêu, trạng thái, ghi chú hay "
            "quyết định) là dòng trống và được bỏ qua. Có bất kỳ lỗi nào thì không dòng nào được "
            "ghi."
        ],
    )
    _append(
        ws,
        [
            "A row for the commune and year of an existing assessment updates it (with history); "
            "an approved assessment is only updated when 'update approved' is chosen. A row with "
            "only the code, name, district and year is blank and skipped. Any error and no row "
            "is written."
        ],
    )
    _append(ws, [])
    _append(ws, ["Tiêu chí", "Criterion", "Tên", "Name"])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    seen = set()
    for criterion in criteria:
        label = (criterion.number, criterion.name_vi)
        if label in seen:
            continue
        seen.add(label)
        _append(
            ws,
            [f"TC{criterion.number}", f"c{criterion.number}", criterion.name_vi, criterion.name_en],
        )
    for letter, width in (("A", 18), ("B", 24), ("C", 70), ("D", 70)):
        ws.column_dimensions[letter].width = width


def template_rows(year: int, province: Province, district: District | None) -> list[SheetRow]:
    """One blank row per programme commune of the province (or district) that exists in `year`,
    with its commune group in `year` when it has one (two queries)."""
    communes = list(
        Commune.objects.in_programme()
        .valid_in(year)
        .in_scope(province=province, district=district)
        .select_related("district")
        .order_by("district__code", "code")
    )
    groups = CommuneGroupAssignment.objects.groups_in_year(communes, year, "group__code")
    return [SheetRow(commune=c, year=year, met={}, group=groups.get(c.pk, "")) for c in communes]


def template_workbook(year: int, criteria_set: CriteriaSet, province: Province, district=None):
    place = district or province
    title = _("Mẫu nhập đánh giá nông thôn mới – %(place)s – năm %(year)s (%(set)s)") % {
        "place": place,
        "year": year,
        "set": criteria_set.name_vi,
    }
    return build_workbook(template_rows(year, province, district), [criteria_set], title)


def criteria_sets_for_years(first: int, last: int) -> dict[int, CriteriaSet]:
    """The set in force for each year of a range that has one (for templates and exports)."""
    found = {}
    for year in range(first, last + 1):
        try:
            found[year] = criteria_set_for_year(year)
        except ValidationError:
            continue
    return found


# --- The export -----------------------------------------------------------------------------


def export_rows(province: Province, first: int, last: int) -> list[SheetRow]:
    """Rows for every assessment of the province in the years: three queries."""
    assessments = list(
        Assessment.objects.standard()
        .filter(commune__province=province, year__range=(first, last))
        .select_related("commune__district")
        .order_by("year", "commune__district__code", "commune__code")
    )
    met: dict[int, dict[int, bool]] = {}
    for assessment_id, number, is_met in CriterionResult.objects.filter(
        assessment__in=[a.pk for a in assessments]
    ).values_list("assessment_id", "criterion__number", "met"):
        met.setdefault(assessment_id, {})[number] = is_met
    # Each row carries the standard decision recognising its year (not the year it was
    # signed in, as the import pairs them): the latest in force, else the last revoked.
    decisions: dict[tuple[int, int], Certification] = {}
    for cert in Certification.objects.filter(
        commune__province=province,
        tier=Certification.Tier.NTM,
        recognised_year__range=(first, last),
    ).order_by(F("revoked_on").asc(nulls_last=True), "decision_date", "pk"):
        decisions[(cert.commune_id, cert.recognised_year)] = cert
    rows = []
    for a in assessments:
        cert = decisions.get((a.commune_id, a.year))
        row = SheetRow(
            commune=a.commune,
            year=a.year,
            met=met.get(a.pk, {}),
            status=source_label(Assessment.Status(a.status)),
            note=a.note,
        )
        if cert is not None:
            row.decision, row.decision_date = cert.decision_number, cert.decision_date
            row.tier = TIER_SHORT[cert.tier]
            row.dossier_reason = cert.dossier_reason
            row.revoked_on, row.revocation_reason = cert.revoked_on, cert.revocation_reason
        rows.append(row)
    return rows


def export_workbook(province: Province, first: int, last: int) -> bytes:
    sets = list({s.pk: s for s in criteria_sets_for_years(first, last).values()}.values())
    title = _("Đánh giá nông thôn mới – tỉnh %(province)s – %(first)s-%(last)s") % {
        "province": province.name,
        "first": first,
        "last": last,
    }
    return build_workbook(export_rows(province, first, last), sets, title)
