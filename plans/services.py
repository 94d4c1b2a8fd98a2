"""Writes of plans: the page's form and the workbook import."""

import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from communes.models import District, Province
from communes.versions import bump_data_version
from ntm.lib.years import parse_year
from plans.models import Plan

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


def read_plan_rows(content: bytes, *, province: Province) -> list[PlanRow]:
    """The rows of the first sheet; ValidationError with every problem found (Vietnamese, with
    the line number) when any row is wrong."""
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on a file that is not xlsx
        raise ValidationError(
            _("Không đọc được tệp: cần tệp Excel .xlsx."), code="not_xlsx"
        ) from exc
    rows = wb.worksheets[0].iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = {}
    for i, title in enumerate(header):
        key = HEADERS.get(_text(title).lower().replace(" ", "_"))
        if key:
            columns[key] = i
    missing = [h for h in REQUIRED if h not in columns]
    if missing:
        raise ValidationError(
            _(
                "Thiếu cột: %(cols)s. Dòng đầu cần có: year, district code, target_certified, "
                "target_average."
            )
            % {"cols": ", ".join(missing)},
            code="missing_columns",
        )
    districts = {d.code: d for d in District.objects.filter(province=province)}
    errors, out, seen = [], [], {}
    for line, values in enumerate(rows, start=2):
        cell = {k: _text(values[i]) if i < len(values) else "" for k, i in columns.items()}
        if not any(cell.values()):
            continue
        problems = []
        year = cell["year"]
        if parse_year(year) is None:
            problems.append(_("năm “%(v)s” không hợp lệ") % {"v": year})
        district = None
        code = cell.get("district", "")
        if code:
            district = districts.get(code.zfill(3))
            if district is None:
                problems.append(_("không có huyện mã “%(v)s” trong tỉnh") % {"v": code})
        certified = cell["target_certified"]
        if certified and not (certified.isascii() and certified.isdigit()):
            problems.append(_("số xã “%(v)s” phải là số nguyên không âm") % {"v": certified})
        average = cell["target_average"].replace(",", ".")
        value = None
        if average:
            try:
                value = Decimal(average).quantize(Decimal("0.01"))
            except InvalidOperation:
                problems.append(
                    _("bình quân “%(v)s” không phải là số") % {"v": cell["target_average"]}
                )
            else:
                if not 0 <= value <= 30:
                    problems.append(_("bình quân “%(v)s” phải từ 0 đến 30") % {"v": average})
        if not certified and not average:
            problems.append(_("cần ít nhất số xã hoặc bình quân tiêu chí"))
        if not problems:
            key = (int(year), code.zfill(3) if code else "")
            if key in seen:
                problems.append(_("trùng với dòng %(line)s") % {"line": seen[key]})
            seen[key] = line
        if problems:
            errors.append(
                ValidationError(
                    _("Dòng %(line)s: %(problems)s.")
                    % {"line": line, "problems": "; ".join(problems)},
                    code="bad_row",
                )
            )
            continue
        out.append(
            PlanRow(
                line=line,
                year=int(year),
                district=district,
                target_certified=int(certified) if certified else None,
                target_average=value,
            )
        )
    if errors:
        raise ValidationError(errors)
    if not out:
        raise ValidationError(_("Tệp không có dòng kế hoạch nào."), code="empty")
    return out


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
