"""The context of a report: its figures, plans, charts and links, from plain values (area, year,
variant, day), for every rendering of it: the page, the PDF and workbook rendered by the worker
(reports.tasks) and the issued reports (issued). The request stays in the views: they read the
query string and pass what it asks for."""

import datetime
from collections.abc import Mapping
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from communes.models import year_end
from communes.versions import Stamp, stamp_for
from reports import charts, figures
from reports.areas import Area, report_day
from reports.maps import ProvinceMap
from reports.plan_progress import report_plans
from reports.rendering import area_province_id


class NoCriteriaSet(Http404):
    """No criteria set is in force in the report's year: the page says so (the PDF and the
    workbook, which have nothing to show, stay 404)."""

    def __init__(self, area: Area, year: int, message: str):
        super().__init__(message)
        self.area, self.year, self.message = area, year, message


def provisional_from(params: Mapping[str, str]) -> bool:
    """The variant `?provisional=` asks for (a request's GET, a background task's query):
    "1" provisional, "0" or absent official, anything else 404."""
    raw = params.get("provisional", "0")
    if raw not in ("0", "1"):
        raise Http404
    return raw == "1"


def query_string(*, provisional: bool, as_at: datetime.date | None) -> str:
    """The query string of a report's variant and day ("" for the official report of its own
    day), as the links between reports carry it."""
    query = {"provisional": "1"} if provisional else {}
    if as_at is not None:
        query["as_at"] = as_at.isoformat()
    return f"?{urlencode(query)}" if query else ""


# The national summary shows one row per province and no per-commune lists (near-standard,
# changes, annex), in HTML, PDF and xlsx alike: each province row links to the province's full
# report. Measured on the national dataset (8,417 communes), the lists cost 3.8 s of queries,
# and 5.3 s more to write the workbook (147 MB RSS), against under 1 s without them; a page of
# several MB or a PDF of ~250 pages would break the targets too.


def report_context(
    area: Area,
    year: int,
    *,
    provisional: bool,
    as_at: datetime.date | None = None,
    as_at_asked: bool = False,
    stamp: Stamp | None = None,
) -> dict:
    """The context every rendering of `area`'s report of `year` uses, its access already
    checked (`reports.areas.area_for`). The figures are taken as at `as_at` (None: the report's
    own day, `report_day`); the report states that day when it is not 31/12, or always when
    `as_at_asked` (the query string named it). `stamp` is the data version when the caller has
    read it (one query otherwise). NoCriteriaSet when no criteria set is in force in `year`."""
    stamp = stamp or stamp_for(area_province_id(area), year, provisional=provisional)
    as_at = as_at or report_day(area, year)
    as_at_asked = as_at_asked or as_at != year_end(year)
    kind = area.kind
    try:
        data = figures.report_figures(
            year,
            provisional,
            grouping=area.grouping,
            # The national summary has no per-commune lists (see above).
            with_communes=not area.is_national,
            as_at=as_at,
            communes=area.communes,
            # The villages and the border line: the province report's (reports.figures.villages).
            with_villages=area.is_province,
        )
    except ValidationError as exc:  # no criteria set in force that year
        raise NoCriteriaSet(area, year, exc.messages[0]) from exc
    # The PDF and workbook links carry the variant and the day; the other years' the variant.
    suffix = query_string(provisional=provisional, as_at=None)
    here = query_string(provisional=provisional, as_at=as_at if as_at_asked else None)
    return {
        "area": area,
        "year": year,
        "as_at": as_at,
        "as_at_asked": as_at_asked,
        "provisional": provisional,
        "suffix": suffix,
        "figures": data,
        # Plan against result (province and district reports; the plan's own definitions).
        "plans": [] if provisional else report_plans(kind, area.code, year, data),
        "report_date": timezone.localdate(),
        # The last change of the data shown: printed on files instead of today's date, so an
        # unchanged report stays the same file from one day to the next.
        "data_date": stamp.data_date,
        "charts": {
            "progress": charts.progress_chart(data.progress, data.criteria_count),
            "bands": charts.bands_chart(data.bands),
            "criteria": charts.criteria_chart(data.per_criterion),
        },
        # The province's map, drawn when a template reads it (one query; none in the workbook).
        "map": ProvinceMap(area.province_pk, data) if area.is_province else None,
        "urls": {
            "html": reverse(f"reports:{kind}_report", args=area.url_args(year)),
            "pdf": reverse(f"reports:{kind}_report_pdf", args=area.url_args(year)) + here,
            "xlsx": reverse(f"reports:{kind}_report_xlsx", args=area.url_args(year)) + here,
            # The other variant (approved / provisional) on the same day.
            "variant": reverse(f"reports:{kind}_report", args=area.url_args(year))
            + query_string(provisional=not provisional, as_at=as_at if as_at_asked else None),
            "previous": reverse(f"reports:{kind}_report", args=area.url_args(year - 1)) + suffix,
            "next": reverse(f"reports:{kind}_report", args=area.url_args(year + 1)) + suffix,
        },
    }
