"""Reading an assessment workbook: checks on the file itself (size, zip structure, zip bomb,
encryption) and the streamed first sheet by the one hardened reader (`ntm.lib.workbook`), header
matching in Vietnamese and English, and the parsing of single cells (the
met / not-met vocabulary, dates, numbers). No database access: `imports.planning` resolves codes,
years and criteria.

The format: the first sheet, a header row (row 1), then one row per commune and year.
"""

import datetime
import functools
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from criteria.models import Assessment, Tier
from imports.report import CellError, WorkbookError
from ntm.lib import years
from ntm.lib.numbers import parse_decimal_comma

# The generic reading (the file's checks, the streamed first sheet, the caps) lives in
# ntm/lib/workbook.py, shared with the plan import; its names stay importable from here.
from ntm.lib.workbook import (  # noqa: F401
    EMPTY_RUN_END,
    FORMULA_TAG,
    MAX_INFLATION,
    MERGE_REF,
    OLE_MAGIC,
    Limits,
    _CellParser,
    check_columns,
    check_file,
    check_row,
    is_blank,
    read_first_sheet,
)
from ntm.lib.workbook import check_columns as _check_columns  # noqa: F401
from ntm.lib.workbook import check_merged_header as _check_merged_header  # noqa: F401
from ntm.lib.workbook import open_first_sheet as _open_first_sheet  # noqa: F401
from ntm.lib.workbook import xml_rows as _xml_rows  # noqa: F401

# What reading an upload may cost besides the caps of the settings (size, rows, columns); past
# any of them the file is refused (issue 24). A province's several years of the template with
# every indicator (some 600 communes x 5 years x 80 columns) are 240,000 cells, a few hundred
# distinct strings and well under a million characters.
MAX_CELLS = 1_000_000  # cells present: rows x the columns each row really has
MAX_STRINGS = 200_000  # entries of the shared-strings table
MAX_CHARS = 5_000_000  # characters of text (the table's, and the cells', each use counted)
MAX_SECONDS = 8.0  # to read the file: no file a user sends holds a worker past 10 s

# Named columns: key -> (Vietnamese header, English header, explanation).
FIELDS = {
    "commune_code": (
        "Mã xã",
        "commune_code",
        gettext_lazy("Mã xã chính thức (5 chữ số, mã của Tổng cục Thống kê). Bắt buộc."),
    ),
    "commune_name": (
        "Tên xã",
        "commune_name",
        gettext_lazy("Tên xã, để đối chiếu với mã: tên không khớp là lỗi. Không bắt buộc."),
    ),
    "district": ("Huyện", "district", gettext_lazy("Tên huyện, chỉ để đọc; khi nhập bỏ qua.")),
    "year": ("Năm", "year", gettext_lazy("Năm đánh giá (ví dụ 2019). Bắt buộc.")),
    "status": (
        "Trạng thái",
        "status",
        gettext_lazy(
            "Dự thảo / Đã gửi duyệt / Đã phê duyệt (draft / submitted / approved); để trống: "
            "đánh giá mới là Dự thảo, đánh giá đã có giữ trạng thái. Phê duyệt cần quyền phê duyệt."
        ),
    ),
    "note": ("Ghi chú", "note", gettext_lazy("Ghi chú của đánh giá. Không bắt buộc.")),
    "certification_decision": (
        "Số QĐ công nhận",
        "certification_decision",
        gettext_lazy(
            "Số quyết định công nhận đạt chuẩn, nếu xã được công nhận trong năm của dòng. "
            "Cần đủ tất cả tiêu chí và đánh giá đã phê duyệt."
        ),
    ),
    "certification_date": (
        "Ngày công nhận",
        "certification_date",
        gettext_lazy("Ngày quyết định: dd/mm/yyyy, yyyy-mm-dd hoặc ô ngày của Excel."),
    ),
    "certification_tier": (
        "Hạng",
        "certification_tier",
        gettext_lazy(
            "NTM / NTM nâng cao / NTM kiểu mẫu / NTM hiện đại (ntm, advanced, model, modern); "
            "trống là NTM."
        ),
    ),
    "certification_dossier_reason": (
        "Lý do công nhận khi hồ sơ chưa đủ",
        "certification_dossier_reason",
        gettext_lazy(
            "Bắt buộc khi ghi quyết định mới mà hồ sơ xét công nhận của xã (hạng, năm của dòng) "
            "chưa đủ hoặc chưa lập; được lưu cùng quyết định. Quyết định đã ghi giữ lý do đã ghi."
        ),
    ),
    "certification_revoked_on": (
        "Ngày thu hồi",
        "certification_revoked_on",
        gettext_lazy(
            "Ngày thu hồi quyết định công nhận (dd/mm/yyyy), nếu quyết định đã bị thu hồi; "
            "cần có lý do thu hồi."
        ),
    ),
    "certification_revocation_reason": (
        "Lý do thu hồi",
        "certification_revocation_reason",
        gettext_lazy("Lý do thu hồi quyết định công nhận. Bắt buộc khi có ngày thu hồi."),
    ),
    "assessment_tier": (
        "Hạng đánh giá",
        "assessment_tier",
        gettext_lazy(
            "Hạng của đánh giá: NTM (chuẩn); trống là NTM. Tệp Excel chưa nhận đánh giá hạng "
            "nâng cao, kiểu mẫu, hiện đại: nhập các đánh giá này tại trang của xã."
        ),
    ),
    "commune_group": (
        "Nhóm xã",
        "commune_group",
        gettext_lazy(
            "Nhóm xã của bộ tiêu chí 2026-2030 (1, 2, 3 hoặc N1, N2, N3). Xã chưa phân nhóm "
            "được phân nhóm từ năm của dòng; nhóm khác với nhóm đã phân là lỗi."
        ),
    ),
}
REQUIRED = ("commune_code", "year")

MET_WORDS = {"x", "1", "đạt", "true", "yes", "có"}
NOT_MET_WORDS = {"", "0", "không đạt", "chưa đạt", "false", "no", "không"}
MET_CHOICES = ("x", "Đạt", "Chưa đạt")  # the template's drop-down list

# The status and tier columns take each choice's code and label (Assessment.Status, Tier: the
# labels in Vietnamese, as the workbooks are written) and these other spellings. The template's
# drop-down and the export write the tiers short.
TIER_SHORT = {
    Tier.NTM: "NTM",
    Tier.ADVANCED: "NTM nâng cao",
    Tier.MODEL: "NTM kiểu mẫu",
    Tier.MODERN: "NTM hiện đại",
}
STATUS_ALIASES = {"gửi duyệt": Assessment.Status.SUBMITTED, "phê duyệt": Assessment.Status.APPROVED}
TIER_ALIASES = {
    **{short: tier for tier, short in TIER_SHORT.items()},
    "nâng cao": Tier.ADVANCED,
    "kiểu mẫu": Tier.MODEL,
    "hiện đại": Tier.MODERN,
    "đạt chuẩn ntm hiện đại": Tier.MODERN,
    "xã ntm hiện đại": Tier.MODERN,
}


def source_label(choice: models.Choices) -> str:
    """A choice's label as the source writes it (Vietnamese), whatever the active language."""
    with translation.override(None):
        return str(choice.label)


def _vocabulary(choices: type[models.Choices], aliases: Mapping[str, str]) -> dict[str, str]:
    words = {normalise(c.value): c.value for c in choices}
    words |= {normalise(source_label(c)): c.value for c in choices}
    return words | {normalise(word): str(value) for word, value in aliases.items()}


@functools.cache
def status_words() -> dict[str, str]:
    """What a status cell may say (as `normalise` reads it) -> Assessment.Status value."""
    return _vocabulary(Assessment.Status, STATUS_ALIASES)


@functools.cache
def tier_words() -> dict[str, str]:
    """What a tier cell may say (as `normalise` reads it) -> Tier value."""
    return _vocabulary(Tier, TIER_ALIASES)


CRITERION_HEADER = re.compile(r"^(?:c|tc)\s*(\d{1,2})$")
INDICATOR_HEADER = re.compile(r"^\d{1,2}\.\d{1,2}$")
BLANK_ROWS_LISTED = 20


class BadValue(ValueError):
    """A cell that cannot be read as its column asks; `code` names the kind of problem."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class Row:
    number: int  # the row number Excel shows
    values: dict[str, object]  # column key -> raw cell value


@dataclass
class Sheet:
    headers: dict[str, str]  # column key -> header as written
    columns: dict[int, str] = field(default_factory=dict)  # column number (from 1) -> key
    rows: list[Row] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)  # the first BLANK_ROWS_LISTED
    blank_count: int = 0  # empty rows between data rows
    errors: list[CellError] = field(default_factory=list)

    def cell(self, number: int, key: str) -> str:
        """The reference ("F12") of the cell of row `number` under `key`, "" for none."""
        column = next((c for c, k in self.columns.items() if k == key), None)
        return f"{get_column_letter(column)}{number}" if column else ""

    @cached_property
    def criterion_numbers(self) -> list[int]:
        return sorted(int(k[1:]) for k in self.headers if k.startswith("c") and k[1:].isdigit())

    @cached_property
    def indicator_codes(self) -> list[str]:
        return [k for k in self.headers if INDICATOR_HEADER.match(k)]


def normalise(text: object) -> str:
    if isinstance(text, float):
        text = repr(text)
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


_HEADER_NAMES = {
    normalise(name): key for key, (vi, en, _doc) in FIELDS.items() for name in (vi, en)
}


def column_key(header: object) -> str | None:
    """The key a header names ('commune_code', 'c5', '2.1'), or None for an unknown one."""
    text = normalise(header)
    if text in _HEADER_NAMES:
        return _HEADER_NAMES[text]
    if match := CRITERION_HEADER.match(text):
        return f"c{int(match.group(1))}"
    if INDICATOR_HEADER.match(text):
        return text
    return None


# --- The file -------------------------------------------------------------------------------


def upload_limits() -> Limits:
    """The caps of an upload: the settings' (size, rows, columns) and this module's."""
    return Limits(
        max_bytes=settings.NTM_IMPORT_MAX_BYTES,
        max_rows=settings.NTM_IMPORT_MAX_ROWS,
        max_columns=settings.NTM_IMPORT_MAX_COLUMNS,
        max_cells=MAX_CELLS,
        max_strings=MAX_STRINGS,
        max_chars=MAX_CHARS,
        seconds=MAX_SECONDS,
    )


def read_upload(path: Path) -> Sheet:
    """Read a workbook once, within `upload_limits()` (raises WorkbookError)."""
    return read_sheet(Path(path), limits=upload_limits())


def read_source(
    *,
    file: Path | str | IO[bytes] | None = None,
    rows: Iterable[Mapping[str, object]] | None = None,
) -> Sheet:
    """The sheet of a workbook (a path or an open binary file) or of `rows` (dicts keyed by
    header, in either language, as the tests and the benchmark build them), within the caps of
    the settings."""
    if rows is not None:
        rows = list(rows)
        headers = list(rows[0]) if rows else []
        raw = [(1, dict(enumerate(headers, start=1)), set())] + [
            (number, {i: r.get(h) for i, h in enumerate(headers, start=1)}, set())
            for number, r in enumerate(rows, start=2)
        ]
        return build_sheet(
            raw,
            max_rows=settings.NTM_IMPORT_MAX_ROWS,
            max_columns=settings.NTM_IMPORT_MAX_COLUMNS,
        )
    if file is None:
        raise WorkbookError("no_file", _("Chưa chọn tệp."))
    if isinstance(file, str | Path):
        return read_upload(Path(file))
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            tmp.write(chunk)
        tmp.flush()
        return read_upload(Path(tmp.name))


def read_sheet(path: Path, *, limits: Limits) -> Sheet:
    """Check and read the first sheet, row by row (`ntm.lib.workbook.read_first_sheet`). Raises
    WorkbookError for a problem with the whole file (including a file past `limits`: more data
    rows, columns, cells, characters or time than they allow); cell-level problems (a formula
    without a value) are collected in `Sheet.errors`."""
    return read_first_sheet(
        path,
        limits=limits,
        build=functools.partial(
            build_sheet, max_rows=limits.max_rows, max_columns=limits.max_columns
        ),
    )


def build_sheet(
    rows: Iterable[tuple[int, dict[int, object], set[int]]],
    *,
    max_rows: int,
    max_columns: int,
) -> Sheet:
    """The sheet from `(row number, {column: value}, {columns with a formula but no value})`
    in row order, columns counted from 1. Row 1 is the header."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        raise WorkbookError("empty_sheet", _("Trang tính đầu tiên trống: cần một dòng tiêu đề."))
    number, values, _formulas = first
    header_values = values if number == 1 else {}  # no row 1: every required column missing
    check_columns(header_values, max_columns)
    sheet = _header(header_values)
    keys = sheet.columns
    last_data = 1
    for number, values, formulas in rows:
        if number - last_data > EMPTY_RUN_END:
            break  # a long run of empty rows: the sheet's data has ended
        check_columns(values, max_columns)
        row_values = {key: values.get(col) for col, key in keys.items()}
        row_formulas = [key for col, key in keys.items() if col in formulas]
        if not row_formulas and all(is_blank(v) for v in row_values.values()):
            continue
        check_row(number, max_rows)
        # Blank rows count only when data follows them; trailing ones are just the sheet's end.
        if number > last_data + 1:
            sheet.blank_count += number - last_data - 1
            room = BLANK_ROWS_LISTED - len(sheet.blank_rows)
            sheet.blank_rows.extend(range(last_data + 1, min(number, last_data + 1 + room)))
        last_data = number
        sheet.rows.append(Row(number=number, values=row_values))
        for key in row_formulas:
            sheet.errors.append(
                CellError(
                    row=number,
                    column=sheet.headers[key],
                    cell=sheet.cell(number, key),
                    code="formula_without_value",
                    message=_(
                        "Ô chứa công thức chưa có giá trị tính sẵn: hãy mở tệp bằng "
                        "Excel và lưu lại, hoặc dán giá trị thay cho công thức."
                    ),
                )
            )
    return sheet


def _header(header_row: dict[int, object]) -> Sheet:
    keys: dict[int, str] = {}
    headers: dict[str, str] = {}
    unknown, duplicate = [], []
    for index in sorted(header_row):
        header = header_row[index]
        if is_blank(header):
            continue
        key = column_key(header)
        if key is None:
            unknown.append(str(header).strip())
        elif key in headers:
            duplicate.append(str(header).strip())
        else:
            keys[index] = key
            headers[key] = str(header).strip()
    if unknown:
        raise WorkbookError(
            "unknown_column",
            _("Không nhận ra cột: %(columns)s.") % {"columns": ", ".join(unknown)}
            + " "
            + _("Xem trang “Hướng dẫn” của tệp mẫu."),
        )
    if duplicate:
        raise WorkbookError(
            "duplicate_column", _("Cột bị lặp: %(columns)s.") % {"columns": ", ".join(duplicate)}
        )
    missing = [FIELDS[k][0] for k in REQUIRED if k not in headers]
    if missing:
        raise WorkbookError(
            "missing_column",
            _("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)},
        )
    return Sheet(headers=headers, columns=keys)


# --- Storing a parsed sheet -------------------------------------------------------------------


def _encode(value: object) -> object:
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"time": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"seconds": value.total_seconds()}
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(value: object) -> object:
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return datetime.date.fromisoformat(value["date"])
        if "time" in value:
            return datetime.time.fromisoformat(value["time"])
        return datetime.timedelta(seconds=value["seconds"])
    return value


def sheet_to_data(sheet: Sheet) -> dict:
    """The parsed sheet as JSON-ready data (what an upload keeps instead of the workbook)."""
    keys = list(sheet.headers)
    return {
        "headers": sheet.headers,
        "columns": {str(col): key for col, key in sheet.columns.items()},
        "blank_rows": sheet.blank_rows,
        "blank_count": sheet.blank_count,
        "errors": [asdict(e) for e in sheet.errors],
        "keys": keys,
        "rows": [[r.number] + [_encode(r.values.get(k)) for k in keys] for r in sheet.rows],
    }


def sheet_from_data(data: dict) -> Sheet:
    keys = data["keys"]
    sheet = Sheet(
        headers=data["headers"],
        columns={int(col): key for col, key in data["columns"].items()},
        blank_rows=data["blank_rows"],
        blank_count=data["blank_count"],
        errors=[CellError.from_data(e) for e in data["errors"]],
    )
    sheet.rows = [
        Row(number=row[0], values={k: _decode(v) for k, v in zip(keys, row[1:], strict=True)})
        for row in data["rows"]
    ]
    return sheet


# --- Cells ----------------------------------------------------------------------------------


def parse_met(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = normalise(value) if value is not None else ""
    if text in MET_WORDS:
        return True
    if text in NOT_MET_WORDS:
        return False
    raise BadValue(
        "invalid_met",
        _(
            "Giá trị “%(value)s” không hợp lệ: ghi x (hoặc Đạt, 1) khi đạt; để trống (hoặc "
            "Chưa đạt, 0) khi chưa đạt."
        )
        % {"value": value},
    )


def parse_code(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if value is not None else ""
    ascii_digits = text.isascii() and text.isdigit()  # "²".isdigit() is True
    if isinstance(value, int) or ascii_digits:
        text = text.zfill(5)
    if not (len(text) == 5 and ascii_digits):
        raise BadValue(
            "invalid_code", _("Mã xã “%(value)s” không hợp lệ: cần 5 chữ số.") % {"value": value}
        )
    return text


def parse_year(value: object) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if value is not None else ""
    year = years.parse_year(text)
    if year is None:
        raise BadValue("invalid_year", _("Năm “%(value)s” không hợp lệ.") % {"value": value})
    return year


def parse_date(value: object) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue(
        "invalid_date",
        _("Ngày “%(value)s” không hợp lệ: ghi dd/mm/yyyy (ví dụ 31/10/2019).") % {"value": value},
    )


def parse_decimal(value: object, *, percent: bool = False) -> Decimal:
    """A number cell, or text by the rules of `ntm.lib.numbers.parse_decimal_comma` ("85,5";
    "85%" for a percentage)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    if not isinstance(value, bool):
        try:
            return parse_decimal_comma(str(value), percent=percent)
        except ValueError:
            pass
    raise BadValue("value_not_number", _("Cần một số, không phải “%(value)s”.") % {"value": value})


def parse_status(value: object) -> str:
    text = normalise(value)
    if text in status_words():
        return status_words()[text]
    raise BadValue(
        "invalid_status",
        _("Trạng thái “%(value)s” không hợp lệ: Dự thảo, Đã gửi duyệt hoặc Đã phê duyệt.")
        % {"value": value},
    )


def parse_group(value: object) -> str:
    """A commune group code (N1, N2, N3) from "1", "N1", "Nhóm 1" or "Xã nhóm 1"."""
    text = normalise(value).removeprefix("xã").strip().removeprefix("nhóm").strip()
    text = text.removeprefix("n")
    if text in {"1", "2", "3"}:
        return f"N{text}"
    raise BadValue(
        "invalid_group", _("Nhóm xã “%(value)s” không hợp lệ: 1, 2 hoặc 3.") % {"value": value}
    )


def parse_tier(value: object) -> str:
    text = normalise(value)
    if text in tier_words():
        return tier_words()[text]
    raise BadValue(
        "invalid_tier",
        _("Hạng “%(value)s” không hợp lệ: NTM, NTM nâng cao, NTM kiểu mẫu hoặc NTM hiện đại.")
        % {"value": value},
    )
