"""Writes of plans: the page's form and the workbook import.

The workbook is read by the app's one hardened reader (`ntm.lib.workbook`: size, zip bomb,
encryption, the first sheet streamed with caps on rows and columns), its numbers by the one
decimal parser (`ntm.lib.numbers`: "6,5" is 6.5; "NaN", "inf" and "1e1" are not numbers), and
each row by the plan's own rules (`Plan.check_area`, `Plan.check_targets`)."""

import contextlib
import math
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import District, Province
from communes.versions import bump_data_version
from ntm.lib.numbers import parse_decimal_comma
from ntm.lib.workbook import (
    EMPTY_RUN_END,
    Limits,
    RawRow,
    WorkbookError,
    check_columns,
    check_row,
    is_blank,
    read_first_sheet,
)
from ntm.lib.years import parse_year
from plans.models import Plan, year_criteria

# Accepted headers (lower case, spaces as "_") -> field.
HEADERS = {
    "year": "year",
    "năm": "year",
    "district_code": "district",
    "district": "district",
    "mã_huyện": "district",
    "target_certified": "target_certified",
    "số_xã_đạt_chuẩn": "target_certified",
    "target_average": "target_average",
    "bình_quân_tiêu_chí": "target_average",
}
REQUIRED = ("year", "target_certified", "target_average")
# A plan workbook holds a line per year and area: a province with a dozen former districts
# over a five-year period is about 70 rows of a few cells. The caps leave room for that many
# times over and bound what a hostile file can cost (the reader stops at the first cell past
# them) and how long the page listing its errors can grow.
MAX_BYTES = 1024 * 1024
MAX_ROWS = 500
MAX_COLUMNS = 30
ERRORS_LISTED = 50
# What reading the file may cost besides (issue 24): every cell of every row, a few thousand
# distinct strings, a few hundred thousand characters, seconds.
LIMITS = Limits(
    max_bytes=MAX_BYTES,
    max_rows=MAX_ROWS,
    max_columns=MAX_COLUMNS,
    max_cells=(MAX_ROWS + 1) * MAX_COLUMNS,
    max_strings=5_000,
    max_chars=500_000,
    seconds=8.0,
)
SHOWN_CHARS = 40  # of a cell's text quoted in an error


@dataclass(frozen=True)
class PlanRow:
    line: int
    year: int
    district: District | None
    target_certified: int | None
    target_average: Decimal | None


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _shown(value) -> str:
    """A cell quoted in an error, cut short: the page of errors stays small."""
    text = _text(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def _header_key(title) -> str:
    return "_".join(_text(title).lower().split())


class _BadCell(ValueError):
    """A cell that cannot be read as its column asks; `code` names the problem."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _year(value) -> int:
    year = parse_year(_text(value))
    if year is None:
        raise _BadCell("invalid_year", _("năm “%(v)s” không hợp lệ") % {"v": _shown(value)})
    return year


def _district(value, districts: dict[str, District]) -> District | None:
    """None for the province; a former district of the province by its code ("981", 981)."""
    code = _text(value)
    if not code:
        return None
    district = districts.get(code.zfill(3)) if len(code) <= 3 else None
    if district is None:
        raise _BadCell(
            "unknown_district", _("không có huyện mã “%(v)s” trong tỉnh") % {"v": _shown(code)}
        )
    return district


def _count(value) -> int | None:
    """A number of communes: a whole number cell or ASCII digits, in the column's range."""
    if is_blank(value):
        return None
    number = None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit() and len(text) <= 5:
            number = int(text)
    if number is None or not 0 <= number <= 32767:  # PositiveSmallIntegerField
        raise _BadCell(
            "invalid_count",
            _("số xã “%(v)s” phải là số nguyên không âm") % {"v": _shown(value)},
        )
    return number


def _average(value) -> Decimal | None:
    """A number cell, or text by `parse_decimal_comma` ("6,5"): never a cell holding NaN or an
    infinity, nor text such as "NaN", "inf" or "1e1"; from 0 to 30 with at most two decimals
    (rounding would change the figure typed: refused, never rounded)."""
    if is_blank(value):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError(value)
        if isinstance(value, int | float):
            if not math.isfinite(value):
                raise ValueError(value)
            average = Decimal(str(value))
        else:
            average = parse_decimal_comma(str(value))
    except (ValueError, ArithmeticError):
        raise _BadCell(
            "value_not_number", _("bình quân “%(v)s” không phải là số") % {"v": _shown(value)}
        ) from None
    if not 0 <= average <= 30:
        raise _BadCell(
            "average_out_of_range",
            _("bình quân “%(v)s” phải từ 0 đến 30") % {"v": _shown(value)},
        )
    if average != average.quantize(Decimal("0.01")):
        raise _BadCell(
            "too_many_decimals",
            _("bình quân “%(v)s” có quá hai chữ số thập phân") % {"v": _shown(value)},
        )
    return average.quantize(Decimal("0.01"))


def _read_sheet(rows: Iterator[RawRow]) -> tuple[dict[str, int], list[tuple[int, dict, list]]]:
    """The columns (field -> column number) and the non-blank data rows (number, field ->
    value, fields holding a formula without a value), within the caps."""
    first = next(rows, None)
    header = first[1] if first is not None and first[0] == 1 else {}
    check_columns(header, MAX_COLUMNS)
    columns: dict[str, int] = {}
    for column in sorted(header):
        key = HEADERS.get(_header_key(header[column]))
        if key and key not in columns:
            columns[key] = column
    missing = [h for h in REQUIRED if h not in columns]
    if missing:
        raise WorkbookError(
            "missing_columns",
            _(
                "Thiếu cột: %(cols)s. Dòng đầu cần có: year, district code, target_certified, "
                "target_average."
            )
            % {"cols": ", ".join(missing)},
        )
    out, last = [], 1
    for number, values, formulas in rows:
        if number - last > EMPTY_RUN_END:
            break  # a long run of empty rows: the sheet's data has ended
        check_columns(values, MAX_COLUMNS)
        cells = {key: values.get(column) for key, column in columns.items()}
        blank_formulas = [key for key, column in columns.items() if column in formulas]
        if not blank_formulas and all(is_blank(v) for v in cells.values()):
            continue
        check_row(number, MAX_ROWS)
        last = number
        out.append((number, cells, blank_formulas))
    return columns, out


@contextlib.contextmanager
def _on_disk(file: IO[bytes] | bytes | Path) -> Iterator[Path]:
    """The upload as a path (the reader opens a zip by path): Django's temporary file when the
    upload has one, else a copy of at most MAX_BYTES + 1 bytes (the reader refuses more)."""
    if isinstance(file, Path):
        yield file
        return
    if hasattr(file, "temporary_file_path"):
        yield Path(file.temporary_file_path())
        return
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        if isinstance(file, bytes):
            tmp.write(file)
        else:
            for chunk in iter(lambda: file.read(1 << 20), b""):
                tmp.write(chunk)
                if tmp.tell() > MAX_BYTES:
                    break
        tmp.flush()
        yield Path(tmp.name)


def read_plan_rows(file: IO[bytes] | bytes | Path, *, province: Province) -> list[PlanRow]:
    """The rows of the first sheet. ValidationError when any row is wrong, one error per
    problem ("Dòng 5: ..."), each with its code, the first ERRORS_LISTED of them; or one error
    for the file as a whole (too large, not a workbook, over a cap: the reader's codes)."""
    try:
        with _on_disk(file) as path:
            _columns, rows = read_first_sheet(path, limits=LIMITS, build=_read_sheet)
    except WorkbookError as exc:
        raise ValidationError(exc.message, code=exc.code) from exc
    districts = {d.code: d for d in District.objects.filter(province=province)}
    criteria_by_year: dict[int, object] = {}
    errors: list[ValidationError] = []
    out: list[PlanRow] = []
    seen: dict[tuple[int, str], int] = {}

    for line, cells, formulas in rows:
        problems: list[tuple[str, str]] = []  # (code, message)
        if formulas:
            problems.append(
                (
                    "formula_without_value",
                    _(
                        "Ô chứa công thức chưa có giá trị tính sẵn: hãy mở tệp bằng "
                        "Excel và lưu lại, hoặc dán giá trị thay cho công thức."
                    ),
                )
            )
        values = {}
        for key, parse in (
            ("year", _year),
            ("district", lambda v: _district(v, districts)),
            ("target_certified", _count),
            ("target_average", _average),
        ):
            try:
                values[key] = parse(cells.get(key))
            except _BadCell as bad:
                problems.append((bad.code, bad.message))
        year, district = values.get("year"), values.get("district")
        certified, average = values.get("target_certified"), values.get("target_average")
        if is_blank(cells["target_certified"]) and is_blank(cells["target_average"]):
            problems.append(("no_target", _("cần ít nhất số xã hoặc bình quân tiêu chí")))
        if year is not None and not problems:
            plan = Plan(province=province, year=year, district=district, target_average=average)
            if year not in criteria_by_year:
                criteria_by_year[year] = year_criteria(year)
            try:
                plan.check_area()
                plan.check_targets(criteria_by_year[year])
            except ValidationError as exc:
                # The plan's messages are sentences; here they follow "Dòng n: ".
                problems.extend((e.code, e.messages[0].rstrip(".")) for e in _flat(exc))
        if not problems:
            key = (year, district.code if district else "")
            if key in seen:
                problems.append(
                    ("duplicate_row", _("trùng với dòng %(line)s") % {"line": seen[key]})
                )
            seen[key] = line
        if problems:
            errors.extend(
                ValidationError(
                    _("Dòng %(line)s: %(problems)s.") % {"line": line, "problems": message},
                    code=code,
                )
                for code, message in problems
            )
            continue
        out.append(
            PlanRow(
                line=line,
                year=year,
                district=district,
                target_certified=certified,
                target_average=average,
            )
        )
    if errors:
        if len(errors) > ERRORS_LISTED:
            more = len(errors) - ERRORS_LISTED
            errors = errors[:ERRORS_LISTED] + [
                ValidationError(
                    _("… và %(n)s lỗi khác.") % {"n": more},
                    code="more_errors",
                )
            ]
        raise ValidationError(errors)
    if not out:
        raise ValidationError(_("Tệp không có dòng kế hoạch nào."), code="empty")
    return out


def _flat(exc: ValidationError) -> list[ValidationError]:
    if hasattr(exc, "error_dict"):
        return [e for errors in exc.error_dict.values() for e in errors]
    return exc.error_list


@transaction.atomic
def plans_import(
    *, province: Province, rows: list[PlanRow], user, replace: bool = False
) -> ImportResult:
    """Write the rows as NTM-tier plans of `province`. An existing plan for the same year and
    district is updated only with `replace`; otherwise ValidationError and nothing is written."""
    existing = {
        (p.year, p.district_id): p
        # Lock the plan rows only (PostgreSQL refuses FOR UPDATE on the nullable side of the
        # outer joins that the default ordering adds).
        for p in Plan.objects.select_for_update(of=("self",))
        .filter(
            province=province,
            tier="ntm",
            commune_group__isnull=True,
            year__in={r.year for r in rows},
        )
        .order_by()
    }
    clashes = [r for r in rows if (r.year, r.district and r.district.pk) in existing]
    if clashes and not replace:
        raise ValidationError(
            [
                ValidationError(
                    _("Dòng %(line)s: đã có kế hoạch năm %(year)s cho %(area)s.")
                    % {
                        "line": r.line,
                        "year": r.year,
                        "area": r.district or _("cả tỉnh"),
                    },
                    code="exists",
                )
                for r in clashes
            ]
        )
    created = updated = 0
    for r in rows:
        plan = existing.get((r.year, r.district and r.district.pk))
        if plan is None:
            plan = Plan(province=province, year=r.year, district=r.district, created_by=user)
            created += 1
        else:
            updated += 1
        # A blank cell leaves the plan's figure as it was: only what the sheet states changes.
        if r.target_certified is not None:
            plan.target_certified = r.target_certified
        if r.target_average is not None:
            plan.target_average = r.target_average
        plan.full_clean()
        plan.save()
    # Plans are printed in the reports next to the results.
    bump_data_version(
        province_ids=[province.pk], since_year=min((r.year for r in rows), default=None)
    )
    return ImportResult(created=created, updated=updated)
