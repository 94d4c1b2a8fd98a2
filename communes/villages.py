"""The villages workbook: a province's list of villages (thôn, bản, khu, tổ dân phố) with their
ĐBKK status, read through the one hardened reader (`ntm.lib.workbook`), planned against the
database (the preview, a dry run) and applied. The command `load_villages` and the admin's
upload call the same three functions.

Loading is idempotent and never rewrites history (rule 1): a row matches the village already
recorded (by commune and code, or by commune, name and start when the list has no code) and
changes only what the row says differently; a village missing from a later file stays as it
is (it ends only by an explicit end date in a row or in the admin); an empty cell never clears
a value. ĐBKK status is a dated designation keyed on its start: a row with the same start
changes nothing, a new start is a new row. Columns: docs/villages.md.
"""

import datetime
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import Commune, Village, VillageDesignation
from communes.versions import bump_data_version
from ntm.lib.text import fold
from ntm.lib.workbook import (
    CellError,
    Limits,
    WorkbookError,
    cell_text,
    check_columns,
    check_row,
    is_blank,
    read_first_sheet,
)

# Lạng Sơn lists 1,646 villages (ntm-reference §18.3): a province's list fits many times over.
LIMITS = Limits(
    max_bytes=4 * 1024 * 1024,
    max_rows=10_000,
    max_columns=20,
    max_cells=200_000,
    max_strings=60_000,
    max_chars=2_000_000,
    seconds=15.0,
)

COMMUNE_CODE = "Mã xã"
CODE = "Mã thôn"
NAME = "Tên thôn"
KIND = "Loại"
VALID_FROM = "Hiệu lực từ"
VALID_TO = "Hiệu lực đến"
SUCCESSOR = "Sáp nhập vào (mã thôn)"
SOURCE = "Căn cứ"
DBKK_FROM = "ĐBKK từ"
DBKK_TO = "ĐBKK đến"
DBKK_SOURCE = "Quyết định ĐBKK"
COLUMNS = (
    COMMUNE_CODE,
    CODE,
    NAME,
    KIND,
    VALID_FROM,
    VALID_TO,
    SUCCESSOR,
    SOURCE,
    DBKK_FROM,
    DBKK_TO,
    DBKK_SOURCE,
)
REQUIRED = (COMMUNE_CODE, NAME)
KINDS = {fold(label): value for value, label in Village.Kind.choices} | {
    fold(value): value for value in Village.Kind.values
}


@dataclass
class VillageUpload:
    """A villages workbook as read: every cell as text, by column name (so it can wait in the
    session between the preview and the apply). No database access made it."""

    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    def to_data(self) -> dict:
        return {"rows": self.rows, "errors": [asdict(e) for e in self.errors]}

    @classmethod
    def from_data(cls, data: dict) -> "VillageUpload":
        return cls(
            rows=[(number, dict(cells)) for number, cells in data["rows"]],
            errors=[CellError.from_data(e) for e in data["errors"]],
        )


def _read_rows(rows, upload: VillageUpload) -> None:
    rows = iter(rows)
    first = next(rows, None)
    if first is None or first[0] != 1:
        raise WorkbookError("empty_sheet", _("Tệp cần dòng tiêu đề ở dòng 1."))
    _number, header_values, _formulas = first
    check_columns(header_values, LIMITS.max_columns)
    wanted = {fold(name): name for name in COLUMNS}
    by_column = {}
    for column, value in header_values.items():
        name = wanted.get(fold(cell_text(value)))
        if name is not None:
            by_column[column] = name
    missing = [name for name in REQUIRED if name not in by_column.values()]
    if missing:
        raise WorkbookError(
            "missing_column",
            _("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)},
        )
    for number, values, formulas in rows:
        check_row(number, LIMITS.max_rows)
        check_columns(values, LIMITS.max_columns)
        if formulas & set(by_column):
            upload.errors.append(
                CellError(
                    row=number,
                    column="",
                    code="formula",
                    message=_("Ô chứa công thức: hãy dán giá trị thay cho công thức."),
                )
            )
            continue
        cells = {name: cell_text(values.get(column)) for column, name in by_column.items()}
        if any(not is_blank(v) for v in cells.values()):
            upload.rows.append((number, cells))


def read_villages(path: Path) -> VillageUpload:
    """The first sheet of a villages workbook, bounded by LIMITS. WorkbookError for the file as
    a whole."""
    upload = VillageUpload()
    read_first_sheet(path, limits=LIMITS, build=lambda rows: _read_rows(rows, upload))
    return upload


def read_villages_upload(file) -> VillageUpload:
    """`read_villages` of an uploaded file (a temporary copy, removed after reading)."""
    if getattr(file, "size", 0) > LIMITS.max_bytes:
        raise WorkbookError(
            "file_too_large",
            _("Tệp quá lớn; giới hạn là %(limit)s MB.") % {"limit": LIMITS.max_bytes // 2**20},
        )
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        return read_villages(Path(tmp.name))


# --- Planning (the preview) ------------------------------------------------------------------


@dataclass
class RowPlan:
    number: int
    commune: Commune
    village: Village | None  # None: a new village
    values: dict  # the fields the row sets (only those it gives)
    changes: dict  # field -> (old, new) for an existing village
    successor_code: str = ""
    dbkk: dict | None = None  # valid_from, valid_to, source
    dbkk_action: str = ""  # "", "create", "update"
    is_new: bool = False

    def __post_init__(self):
        self.is_new = self.village is None

    @property
    def action(self) -> str:
        if self.is_new:
            return "create"
        return "update" if self.changes or self.dbkk_action else "unchanged"


@dataclass
class VillagePlan:
    rows: list[RowPlan] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for r in self.rows:
            counts[r.action] += 1
        return counts

    @property
    def changes(self) -> int:
        counts = self.counts()
        return counts["create"] + counts["update"]

    def province_ids(self) -> set[int]:
        return {r.commune.province_id for r in self.rows}


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()


def plan_villages(
    upload: VillageUpload, *, may_edit: Callable[[Commune], bool] = lambda commune: True
) -> VillagePlan:
    """What applying `upload` would change, row by row, or the errors that refuse it.
    `may_edit(commune)` is the caller's access rule (accounts.roles.can_edit_villages for a
    user; everything for the operator at the shell). Reads the units by code and the villages
    of the communes named (a few queries, whatever the rows)."""
    plan = VillagePlan(errors=list(upload.errors))
    codes = {cells.get(COMMUNE_CODE, "") for _n, cells in upload.rows}
    units: dict[str, list[Commune]] = {}
    for unit in Commune.objects.filter(code__in=codes).order_by("valid_from"):
        units.setdefault(unit.code, []).append(unit)
    villages = list(
        Village.objects.filter(commune__code__in=codes)
        .select_related("successor")
        .prefetch_related("designations")
    )
    seen: set[tuple] = set()
    for number, cells in upload.rows:

        def err(column, code, message, _number=number):
            plan.errors.append(CellError(row=_number, column=column, code=code, message=message))

        values: dict = {}
        dates = {}
        for column, name in ((VALID_FROM, "valid_from"), (VALID_TO, "valid_to")):
            if cells.get(column):
                try:
                    dates[name] = _date(cells[column])
                except ValueError:
                    err(column, "date_unparsed", _("Ngày không đọc được (ghi dạng 19/04/2019)."))
        name = cells.get(NAME, "")[:100]
        if not name:
            err(NAME, "name_missing", _("Thiếu tên thôn."))
            continue
        commune = _commune_on(units.get(cells.get(COMMUNE_CODE, ""), []), dates.get("valid_from"))
        if commune is None:
            err(
                COMMUNE_CODE,
                "unknown_commune",
                _("Không có đơn vị hành chính cấp xã mã “%(code)s” vào ngày của thôn.")
                % {"code": cells.get(COMMUNE_CODE, "")},
            )
            continue
        if not may_edit(commune):
            err(
                COMMUNE_CODE,
                "out_of_scope",
                _("Bạn không có quyền sửa danh sách thôn của %(commune)s.") % {"commune": commune},
            )
            continue
        kind = ""
        if cells.get(KIND):
            kind = KINDS.get(fold(cells[KIND]), "")
            if not kind:
                err(KIND, "unknown_kind", _("Loại phải là thôn, bản, khu hoặc tổ dân phố."))
                continue
        code = cells.get(CODE, "")[:20]
        values = {"name": name, **dates}
        if code:
            values["code"] = code
        if kind:
            values["kind"] = kind
        if cells.get(SOURCE):
            values["source"] = cells[SOURCE][:300]
        key = (commune.pk, code) if code else (commune.pk, fold(name), dates.get("valid_from"))
        if key in seen:
            err(CODE, "duplicate_row", _("Thôn này đã có ở một dòng trước."))
            continue
        seen.add(key)
        village = _match(villages, commune, code, fold(name), dates.get("valid_from"))
        if (
            village is None
            and code
            and "valid_to" not in dates
            and any(
                v.commune_id == commune.pk and v.code == code and v.valid_to is None
                for v in villages
            )
        ):
            err(
                CODE,
                "code_in_use",
                _("Mã thôn “%(code)s” đang thuộc một thôn còn hiệu lực: ghi ngày kết thúc thôn cũ.")
                % {"code": code},
            )
            continue
        changes = {}
        if village is not None:
            for attr, new in values.items():
                old = getattr(village, attr)
                if old != new:
                    changes[attr] = (old, new)
            old_successor = village.successor.code if village.successor_id else ""
            if cells.get(SUCCESSOR) and cells[SUCCESSOR][:20] != old_successor:
                changes["successor_code"] = (old_successor, cells[SUCCESSOR][:20])
        row = RowPlan(number, commune, village, values, changes, cells.get(SUCCESSOR, "")[:20])
        if row.successor_code and not code:
            err(SUCCESSOR, "successor_needs_code", _("Chỉ thôn có mã mới ghi được thôn sáp nhập."))
            continue
        if not _plan_dbkk(row, cells, village, err):
            continue
        plan.rows.append(row)
    _check_successors(plan, villages)
    return plan


def _commune_on(units: list[Commune], day: datetime.date | None) -> Commune | None:
    """The unit carrying the code on `day`, or without a day the one still in force."""
    for unit in units:
        if (day is not None and unit.exists_on(day)) or (day is None and unit.valid_to is None):
            return unit
    return None


def _match(villages, commune, code, search_name, valid_from) -> Village | None:
    """The recorded village a row names: by code (the one starting on the row's day, else,
    for a row without a start, the one in force), or without a code by folded name and start."""
    mine = [v for v in villages if v.commune_id == commune.pk]
    if not code:
        return next(
            (
                v
                for v in mine
                if not v.code and v.search_name == search_name and v.valid_from == valid_from
            ),
            None,
        )
    coded = [v for v in mine if v.code == code]
    same_start = next((v for v in coded if v.valid_from == valid_from), None)
    if same_start is not None:
        return same_start
    current = next((v for v in coded if v.valid_to is None), None)
    if valid_from is None or (current is not None and current.valid_from is None):
        return current  # a start given for the first time fills the empty one
    return None


def _plan_dbkk(row: RowPlan, cells: dict, village: Village | None, err) -> bool:
    if not (cells.get(DBKK_FROM) or cells.get(DBKK_TO) or cells.get(DBKK_SOURCE)):
        return True
    if not cells.get(DBKK_FROM) or not cells.get(DBKK_SOURCE):
        err(DBKK_FROM, "dbkk_incomplete", _("Thôn ĐBKK cần ngày bắt đầu và quyết định."))
        return False
    try:
        start = _date(cells[DBKK_FROM])
        end = _date(cells[DBKK_TO]) if cells.get(DBKK_TO) else None
    except ValueError:
        err(DBKK_FROM, "date_unparsed", _("Ngày không đọc được (ghi dạng 29/01/2026)."))
        return False
    if end is not None and end < start:
        err(DBKK_TO, "dates_reversed", _("Ngày kết thúc trước ngày bắt đầu."))
        return False
    row.dbkk = {"valid_from": start, "valid_to": end, "source": cells[DBKK_SOURCE][:300]}
    existing = None
    if village is not None:
        existing = next((d for d in village.designations.all() if d.valid_from == start), None)
    if existing is None:
        row.dbkk_action = "create"
    elif existing.source != row.dbkk["source"] or (end is not None and existing.valid_to != end):
        row.dbkk_action = "update"  # an empty end never clears one entered before
    return True


def _check_successors(plan: VillagePlan, villages: list[Village]) -> None:
    coded = {(v.commune_id, v.code) for v in villages if v.code}
    coded |= {(r.commune.pk, r.values.get("code", "")) for r in plan.rows}
    for r in plan.rows:
        if r.successor_code and (r.commune.pk, r.successor_code) not in coded:
            plan.errors.append(
                CellError(
                    row=r.number,
                    column=SUCCESSOR,
                    code="unknown_successor",
                    message=_("Không có thôn mã “%(code)s” trong xã.") % {"code": r.successor_code},
                )
            )


# --- Applying ---------------------------------------------------------------------------------


class VillagesRefused(Exception):
    def __init__(self, plan: VillagePlan):
        super().__init__("villages refused")
        self.plan = plan


@transaction.atomic
def villages_apply(
    upload: VillageUpload, *, may_edit: Callable[[Commune], bool] = lambda commune: True
) -> VillagePlan:
    """Plan `upload` again against the database as it now stands and write it, or raise
    VillagesRefused with the plan when any row has an error (nothing is written). Counts one
    change of the provinces touched (their reports count villages)."""
    plan = plan_villages(upload, may_edit=may_edit)
    if plan.errors:
        raise VillagesRefused(plan)
    by_code: dict[tuple[int, str], Village] = {}
    for r in plan.rows:
        village = r.village
        if village is None:
            village = Village(commune=r.commune, **r.values)
            village.refresh_search_name()
            village.save()
        elif set(r.changes) - {"successor_code"}:
            for attr, (_old, new) in r.changes.items():
                if attr != "successor_code":
                    setattr(village, attr, new)
            village.refresh_search_name()
            village.save()
        if village.code:
            by_code[(village.commune_id, village.code)] = village
        if r.dbkk_action:
            VillageDesignation.objects.update_or_create(
                village=village,
                kind=VillageDesignation.Kind.DISADVANTAGED,
                valid_from=r.dbkk["valid_from"],
                defaults={k: v for k, v in r.dbkk.items() if k != "valid_from" and v is not None},
            )
        r.village = village
    for r in plan.rows:
        if not r.successor_code:
            continue
        successor = by_code.get((r.commune.pk, r.successor_code)) or (
            Village.objects.filter(commune=r.commune, code=r.successor_code)
            .order_by("valid_to")
            .last()
        )
        if r.village.successor_id != successor.pk:
            r.village.successor = successor
            r.village.save(update_fields=["successor"])
    if plan.changes:
        bump_data_version(province_ids=plan.province_ids())
    return plan
