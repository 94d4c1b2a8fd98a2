"""Before a row is read: blank rows, and the commune-years located (the commune exists that
year, is in the caller's scope and in the programme, a criteria set covers the year, no row
repeats another), with the catalogue of each year's set."""

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.roles import Scope
from communes.models import Commune
from criteria.applicable import criteria_set_for_year, designated_communes, revision_for
from criteria.evaluation import Catalogue
from imports import workbook
from imports.planning.rows import DESCRIPTIVE, IDENTITY, ErrorLog, LocatedRow
from imports.report import BLANK, RowOutcome
from imports.workbook import Row


def is_blank(row: Row) -> bool:
    return all(
        workbook.is_blank(v)
        for k, v in row.values.items()
        if k not in IDENTITY and k not in DESCRIPTIVE
    )


def blank_outcome(row: Row) -> RowOutcome:
    """A row naming a commune and year but giving nothing for it (an untouched template row):
    reported, never an assessment, and not validated (a code or year typo does not matter)."""
    values = row.values
    try:
        code = workbook.parse_code(values.get("commune_code"))
    except ValueError:
        code = str(values.get("commune_code") or "")
    try:
        year = workbook.parse_year(values.get("year"))
    except ValueError:
        year = None
    name = values.get("commune_name")
    return RowOutcome(
        row=row.number,
        commune_code=code,
        commune_name="" if workbook.is_blank(name) else str(name).strip(),
        year=year,
        action=BLANK,
        criteria_met=0,
        criteria_total=0,
    )


def _catalogues(years: set[int]) -> dict[int, Catalogue | None]:
    """The catalogue of the set covering each year (None for none) at the revision in force
    that year, loaded once per set and revision."""
    catalogues: dict[int, Catalogue | None] = {}
    loaded: dict[tuple, Catalogue] = {}
    for year in sorted(years):
        try:
            criteria_set = criteria_set_for_year(year)
        except ValidationError:
            catalogues[year] = None
            continue
        revision = revision_for(criteria_set, year)
        key = (criteria_set.pk, revision.pk if revision else None)
        if key not in loaded:
            loaded[key] = Catalogue.load(criteria_set, revision=revision)
        catalogues[year] = loaded[key]
    return catalogues


def locate(parsed: list[tuple[Row, str, int]], scope: Scope, errors: ErrorLog) -> list[LocatedRow]:
    communes_by_code: dict[str, list[Commune]] = {}
    # A code names a unit with a year (codes were reused in 2019, 2024 and 2025): the unit of
    # the code that exists on 31/12 of the row's year, as Commune.objects.with_code(code, year)
    # picks it (current first), for all rows in one query.
    for commune in (
        Commune.objects.filter(code__in={code for _r, code, _y in parsed})
        .select_related("province", "district")
        .order_by(F("valid_to").desc(nulls_first=True))
    ):
        communes_by_code.setdefault(commune.code, []).append(commune)
    catalogues = _catalogues({year for _r, _c, year in parsed})

    located: list[LocatedRow] = []
    seen: dict[tuple[int, int], int] = {}
    for row, code, year in parsed:
        candidates = [c for c in communes_by_code.get(code, []) if c.exists_in(year)]
        if not candidates:
            errors.add(
                row,
                "commune_code",
                "unknown_commune",
                _("Không có xã nào mang mã %(code)s trong năm %(year)s.")
                % {"code": code, "year": year},
            )
            continue
        commune = candidates[0]
        if not scope.covers_commune(commune):
            errors.add(
                row,
                "commune_code",
                "out_of_scope",
                _("Xã mã %(code)s không thuộc phạm vi quản lý của bạn (%(scope)s).")
                % {"code": code, "scope": scope.province or ""},
            )
            continue
        if not commune.in_programme:
            errors.add(
                row,
                "commune_code",
                "not_in_programme",
                _("%(commune)s không thuộc chương trình nông thôn mới.") % {"commune": commune},
            )
            continue
        catalogue = catalogues[year]
        if catalogue is None:
            errors.add(
                row,
                "year",
                "no_criteria_set",
                _("Năm %(year)s không thuộc giai đoạn của bộ tiêu chí nào.") % {"year": year},
            )
            continue
        if (commune.pk, year) in seen:
            errors.add(
                row,
                "commune_code",
                "duplicate_row",
                _("Trùng xã %(code)s năm %(year)s với dòng %(other)s.")
                % {"code": code, "year": year, "other": seen[(commune.pk, year)]},
            )
            continue
        seen[(commune.pk, year)] = row.number
        located.append(LocatedRow(row=row, commune=commune, year=year, catalogue=catalogue))
    return located


def designated_by_year(located: list[LocatedRow]) -> dict[int, set[int]]:
    """The designated communes of each year whose set has the 318 rule: one query per such
    year (none for the other sets)."""
    by_year: dict[int, list[LocatedRow]] = {}
    for r in located:
        by_year.setdefault(r.year, []).append(r)
    return {
        year: designated_communes([r.commune for r in rows], year, rows[0].catalogue.criteria_set)
        for year, rows in by_year.items()
    }
