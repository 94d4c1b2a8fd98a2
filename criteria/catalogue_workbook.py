"""The catalogue workbook: a criteria set's indicators and levels as one xlsx that goes out
(`catalogue_xlsx`) and comes back (`read_catalogue`), so a province office can type a decision's
text (51/2025/QĐ-TTg, Phụ lục I) into a spreadsheet instead of the admin, row by row.

The format, defined once here for both directions:
- sheet "Bộ tiêu chí": label / value rows; the set's facts (read-only), its code (what an upload
  is matched by) and the revision the upload records ("Văn bản sửa đổi", "Hiệu lực từ");
- sheet "Chỉ tiêu": a header row, then one row per indicator (and per year range, column "Năm",
  when the set states levels for given years): criterion number, code, wording, kind, unit,
  one column per region or commune group code and "Toàn quốc" holding the level as people write
  it ("≥ 90", "<= 5", "90", "70,5", "≥ 95 / 60" for a two-part indicator, "Đạt" for an indicator
  judged met or not, "?" for a level the set names but whose value is unknown), and "Nguồn".

Reading goes through the one hardened reader (`ntm.lib.workbook`) and touches no database; what
the rows mean is `criteria.catalogue_import`'s business."""

import datetime
import io
import re
import tempfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from communes.models import CommuneGroup, Region
from criteria.catalogue import LOADED_SOURCE
from criteria.evaluation import Catalogue
from criteria.models import CriteriaSet, Indicator, Threshold
from ntm.lib.numbers import parse_decimal_comma, plain_number
from ntm.lib.spreadsheet import safe_cell
from ntm.lib.workbook import (
    CellError,
    Limits,
    WorkbookError,
    cell_text,
    check_columns,
    is_blank,
    read_named_sheets,
)

SET_SHEET = "Bộ tiêu chí"
INDICATOR_SHEET = "Chỉ tiêu"

# What one upload may cost (ntm.lib.workbook.Limits): a set has some 50-100 indicators; the
# caps leave room for every year range and key column of the largest, and bound what the
# preview keeps in the session between its two steps.
LIMITS = Limits(
    max_bytes=2 * 1024 * 1024,
    max_rows=2000,
    max_columns=40,
    max_cells=100_000,
    max_strings=20_000,
    max_chars=400_000,
    seconds=8.0,
)

# Columns of the indicator sheet (the key columns sit between UNIT/YEARS and NATIONAL).
CRITERION = "Tiêu chí"
CODE = "Mã chỉ tiêu"
NAME = "Nội dung"
KIND = "Loại"
UNIT = "Đơn vị"
YEARS = "Năm"
NATIONAL = "Toàn quốc"
SOURCE = "Nguồn"
FIXED_COLUMNS = (CRITERION, CODE, NAME, KIND, UNIT, YEARS, NATIONAL, SOURCE)
REQUIRED_COLUMNS = (CRITERION, CODE)

# Labels of the set sheet that an upload reads; the others are the set's facts, read-only.
SET_CODE = "Mã bộ tiêu chí"
CITATION = "Văn bản sửa đổi"
REVISION_FROM = "Hiệu lực từ"

MET = "Đạt"
UNKNOWN = "?"
SYMBOL = {">=": "≥", "<=": "≤", "=": "="}
OPERATOR = {"≥": ">=", ">=": ">=", "≤": "<=", "<=": "<=", "=": "=", "==": "="}
NUMBER = r"[0-9]+(?:[.,][0-9]+)?"
LEVEL = re.compile(
    rf"^(?P<op>≥|>=|≤|<=|==|=)?\s*(?P<value>{NUMBER})\s*(?:/\s*(?P<second>{NUMBER}))?$"
)
YEAR_RANGE = re.compile(r"^(?P<start>\d{4})?\s*(?P<dash>[–-])?\s*(?P<end>\d{4})?$")
DECIMAL_LIMIT = Decimal("9999999.99")  # Threshold.value: 9 digits, 2 decimals


def fold(text: str) -> str:
    """A header or label as compared: case, spaces and a trailing colon do not matter."""
    return "".join(str(text).split()).rstrip(":").casefold()


# --- The level as written ---------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    """A level cell read: `met` for "Đạt", `unknown` for "?", else a number (and a second one
    for a two-part indicator) with the comparison written, "" when the cell gave none."""

    value: Decimal | None = None
    value_secondary: Decimal | None = None
    comparison: str = ""
    met: bool = False
    unknown: bool = False


def level_text(indicator: Indicator, threshold: Threshold | None) -> str:
    """What the export writes for `threshold` of `indicator` ("" for none)."""
    if threshold is None:
        return ""
    if threshold.value is None:
        return UNKNOWN
    text = f"{SYMBOL.get(indicator.comparison, '≥')} {plain_number(threshold.value)}"
    if threshold.value_secondary is not None:
        text += f" / {plain_number(threshold.value_secondary)}"
    return text


def parse_level(text: str) -> Level | None:
    """A level as people write it; None for an empty cell. ValueError when it does not parse."""
    text = " ".join(text.split())
    if not text:
        return None
    if text.casefold() == MET.casefold():
        return Level(met=True)
    if text == UNKNOWN:
        return Level(unknown=True)
    match = LEVEL.match(text)
    if match is None:
        raise ValueError(text)
    value = parse_decimal_comma(match["value"])
    second = parse_decimal_comma(match["second"]) if match["second"] else None
    for number in (value, second):
        if number is not None and (number > DECIMAL_LIMIT or number.as_tuple().exponent < -2):
            raise ValueError(text)
    return Level(
        value=value, value_secondary=second, comparison=OPERATOR.get(match["op"] or "", "")
    )


def years_text(year_from: int | None, year_to: int | None) -> str:
    if year_from is None and year_to is None:
        return ""
    if year_from == year_to:
        return str(year_from)
    return f"{year_from or ''}–{year_to or ''}"


def parse_years(text: str) -> tuple[int | None, int | None]:
    """ "" (every year), "2020", "2022–2025", "2026–" or "–2025"; ValueError otherwise."""
    text = text.strip()
    if not text:
        return None, None
    match = YEAR_RANGE.match(text)
    if match is None or not (match["start"] or match["end"]):
        raise ValueError(text)
    start = int(match["start"]) if match["start"] else None
    end = int(match["end"]) if match["end"] else None
    if not match["dash"]:
        return start, start
    if start is not None and end is not None and end < start:
        raise ValueError(text)
    return start, end


def kind_text(kind: str) -> str:
    return str(Indicator.Kind(kind).label)


def parse_kind(text: str) -> str:
    """An Indicator.Kind from its label ("Tỷ lệ (%)", "Đạt/không đạt") or its code; ValueError
    otherwise."""
    folded = fold(text)
    for kind in Indicator.Kind:
        if folded in (fold(kind.label), kind.value):
            return kind.value
    raise ValueError(text)


# --- Writing ----------------------------------------------------------------------------------


def key_columns(criteria_set: CriteriaSet) -> list[tuple[str, int]]:
    """The level columns of the set after its threshold basis: (code, id) of every region or
    every commune group."""
    model = (
        CommuneGroup
        if criteria_set.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP
        else Region
    )
    return list(model.objects.values_list("code", "pk"))


def key_of(criteria_set: CriteriaSet, threshold: Threshold) -> int | None | bool:
    """The key id of a threshold in the set's basis (None: nationwide); False for a row the
    workbook does not hold (a province's own level, or a key of the other basis)."""
    if threshold.province_id is not None:
        return False
    if criteria_set.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP:
        return False if threshold.region_id else threshold.commune_group_id
    return False if threshold.commune_group_id else threshold.region_id


def set_facts(criteria_set: CriteriaSet) -> list[tuple[str, object]]:
    """The set sheet's rows: the facts of the set, read-only."""
    return [
        (SET_CODE, criteria_set.code),
        (_("Tên bộ tiêu chí"), criteria_set.name_vi),
        (_("Căn cứ pháp lý"), criteria_set.legal_basis),
        (_("Bộ tiêu chí có hiệu lực từ"), criteria_set.effective_from),
        (_("Bộ tiêu chí có hiệu lực đến"), criteria_set.effective_to),
        (_("Năm đầu"), criteria_set.first_year),
        (_("Năm cuối"), criteria_set.last_year),
        (_("Ngưỡng phân theo"), criteria_set.get_threshold_basis_display()),
        (_("Gần đạt chuẩn: thiếu tối đa (tiêu chí)"), criteria_set.near_standard_missing),
        (_("Căn cứ thu hồi công nhận"), criteria_set.revocation_basis),
        (_("Thu hồi khi tỷ lệ tiêu chí không đạt từ (%)"), criteria_set.revocation_percent),
        (
            _("Hoặc từ (%) nếu có tiêu chí trọng yếu không đạt"),
            criteria_set.revocation_key_percent,
        ),
        (_("Tiêu chí trọng yếu khi thu hồi"), criteria_set.revocation_key_criteria),
    ]


def catalogue_xlsx(criteria_set: CriteriaSet) -> bytes:
    """The set as it stands now (`Catalogue.load`: rows not withdrawn) as the catalogue
    workbook. A province's own levels are not in it (nor touched by an upload). A few queries."""
    catalogue = Catalogue.load(criteria_set)
    keys = key_columns(criteria_set)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SET_SHEET)
    ws.column_dimensions["A"].width = 45
    ws.column_dimensions["B"].width = 60
    for label, value in set_facts(criteria_set):
        ws.append([safe_cell(ws, label), safe_cell(ws, "" if value is None else value)])
    ws.append([])
    ws.append(
        [
            safe_cell(
                ws,
                _(
                    "Khi nhập lại: bộ tiêu chí được nhận ra theo mã; các thông tin khác ở trên "
                    "chỉ để đọc. Ghi văn bản và ngày hiệu lực của lần sửa đổi mà tệp này ghi "
                    "nhận ở hai dòng dưới."
                ),
            )
        ]
    )
    ws.append([safe_cell(ws, CITATION), safe_cell(ws, "")])
    ws.append([safe_cell(ws, REVISION_FROM), safe_cell(ws, "")])

    ws = wb.create_sheet(INDICATOR_SHEET)
    headers = [CRITERION, CODE, NAME, KIND, UNIT, YEARS, *(c for c, _pk in keys), NATIONAL, SOURCE]
    for index, width in enumerate((9, 11, 60, 16, 14, 11), start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.append([safe_cell(ws, h) for h in headers])
    for criterion in catalogue.criteria:
        for ind in catalogue.indicators[criterion.pk]:
            for (year_from, year_to), by_key in _level_rows(catalogue, ind):
                # The loader's marker (LOADED_SOURCE) is no line of a legal text.
                sources = {t.source for t in by_key.values() if t.source} - {LOADED_SOURCE}
                levels = [level_text(ind, by_key.get(pk)) for _code, pk in keys]
                national = level_text(ind, by_key.get(None))
                if not ind.is_numeric and not national:
                    national = MET
                row = [
                    criterion.number,
                    ind.code,
                    ind.name_vi,
                    kind_text(ind.kind),
                    ind.unit,
                    years_text(year_from, year_to),
                    *levels,
                    national,
                    sources.pop() if len(sources) == 1 else "",
                ]
                ws.append([safe_cell(ws, v) for v in row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _level_rows(catalogue: Catalogue, indicator: Indicator):
    """The indicator's levels grouped by year range, the undated first; one empty row for an
    indicator without levels."""
    groups: dict[tuple[int | None, int | None], dict[int | None, Threshold]] = {}
    for t in catalogue.thresholds.get(indicator.pk, []):
        key = key_of(catalogue.criteria_set, t)
        if key is False:
            continue
        groups.setdefault((t.year_from, t.year_to), {}).setdefault(key, t)
    if not groups:
        return [((None, None), {})]
    return sorted(groups.items(), key=lambda item: (item[0][0] or 0, item[0][1] or 9999))


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class Upload:
    """A catalogue workbook as read: every cell as text, so it can wait in the session between
    the preview and the apply. No database access made it."""

    set_code: str = ""
    set_code_row: int = 0
    citation: str = ""
    effective_from: datetime.date | None = None
    headers: list[tuple[int, str]] = field(default_factory=list)  # (column number, header)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # by header
    errors: list[CellError] = field(default_factory=list)

    def to_data(self) -> dict:
        """For the session: the rows as lists in the headers' order (the headers once)."""
        data = asdict(self)
        data["effective_from"] = self.effective_from.isoformat() if self.effective_from else None
        names = [header for _column, header in self.headers]
        data["rows"] = [[number, [cells.get(h, "") for h in names]] for number, cells in self.rows]
        return data

    @classmethod
    def from_data(cls, data: dict) -> "Upload":
        day = data.get("effective_from")
        return cls(
            set_code=data["set_code"],
            set_code_row=data["set_code_row"],
            citation=data["citation"],
            effective_from=datetime.date.fromisoformat(day) if day else None,
            headers=[tuple(h) for h in data["headers"]],
            rows=[
                (number, dict(zip([h for _c, h in data["headers"]], values, strict=True)))
                for number, values in data["rows"]
            ],
            errors=[CellError.from_data(e) for e in data["errors"]],
        )


def formula_error(row: int, column: str, cell: str) -> CellError:
    return CellError(
        row=row,
        column=column,
        cell=cell,
        code="formula",
        message=_("Ô chứa công thức: hãy dán giá trị thay cho công thức."),
    )


def parse_date(text: str) -> datetime.date:
    """ "2026-02-15" (a date cell) or "15/02/2026"; ValueError otherwise."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return datetime.datetime.strptime(text, "%d/%m/%Y").date()


def _read_set_sheet(rows, upload: Upload) -> None:
    labels = {fold(SET_CODE): "code", fold(CITATION): "citation", fold(REVISION_FROM): "from"}
    for number, values, formulas in rows:
        check_columns(values, LIMITS.max_columns)
        if 1 in formulas or 2 in formulas:
            upload.errors.append(formula_error(number, SET_SHEET, f"B{number}"))
            continue
        label = labels.get(fold(cell_text(values.get(1))))
        value = cell_text(values.get(2))
        if label == "code":
            upload.set_code, upload.set_code_row = value, number
        elif label == "citation":
            upload.citation = value[:200]
        elif label == "from" and value:
            try:
                upload.effective_from = parse_date(value)
            except ValueError:
                upload.errors.append(
                    CellError(
                        row=number,
                        column=REVISION_FROM,
                        cell=f"B{number}",
                        code="date_unparsed",
                        message=_("Ngày “%(value)s” không đọc được (ghi dạng 15/02/2026).")
                        % {"value": value},
                    )
                )


def _read_indicator_sheet(rows, upload: Upload) -> None:
    rows = iter(rows)
    first = next(rows, None)
    if first is None or first[0] != 1:
        raise WorkbookError(
            "empty_sheet",
            _("Trang “%(name)s” cần dòng tiêu đề ở dòng 1.") % {"name": INDICATOR_SHEET},
        )
    _number, header_values, _formulas = first
    upload.headers = [
        (column, cell_text(value))
        for column, value in sorted(header_values.items())
        if not is_blank(value)
    ]
    by_column = dict(upload.headers)
    for number, values, formulas in rows:
        if number > LIMITS.max_rows + 1:
            raise WorkbookError(
                "row_cap",
                _("Tệp có quá nhiều dòng: tối đa %(n)s dòng chỉ tiêu.") % {"n": LIMITS.max_rows},
            )
        for column in sorted(formulas):
            header = by_column.get(column, get_column_letter(column))
            upload.errors.append(
                formula_error(number, header, f"{get_column_letter(column)}{number}")
            )
        check_columns(values, LIMITS.max_columns)
        cells = {h: cell_text(values.get(c)) for c, h in upload.headers}
        extra = column_past_headers(values, by_column)
        if extra is None:
            if any(cells.values()):
                upload.rows.append((number, cells))
        else:
            upload.errors.append(
                CellError(
                    row=number,
                    column=get_column_letter(extra),
                    cell=f"{get_column_letter(extra)}{number}",
                    code="unknown_group_column",
                    message=_("Ô có dữ liệu ở cột không có tiêu đề."),
                )
            )


def column_past_headers(values: dict[int, object], by_column: dict[int, str]) -> int | None:
    """A column with data but no header, or None."""
    extra = [c for c, v in values.items() if c not in by_column and not is_blank(v)]
    return min(extra) if extra else None


def read_catalogue(path: Path) -> Upload:
    """The two sheets of an uploaded catalogue workbook, checked and bounded by the hardened
    reader (every formula refused, cached value or not). WorkbookError for the file as a whole."""
    upload = Upload()
    read_named_sheets(
        path,
        limits=LIMITS,
        every_formula=True,
        builds={
            SET_SHEET: lambda rows: _read_set_sheet(rows, upload),
            INDICATOR_SHEET: lambda rows: _read_indicator_sheet(rows, upload),
        },
    )
    return upload


def read_catalogue_upload(file) -> Upload:
    """`read_catalogue` of an uploaded file (a temporary copy, removed after reading)."""
    if getattr(file, "size", 0) > LIMITS.max_bytes:
        check_file_size = WorkbookError(
            "file_too_large",
            _("Tệp quá lớn; giới hạn là %(limit)s MB.") % {"limit": LIMITS.max_bytes // 2**20},
        )
        raise check_file_size
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        for chunk in file.chunks():
            tmp.write(chunk)
        tmp.flush()
        return read_catalogue(Path(tmp.name))
