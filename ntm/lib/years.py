"""The years the app knows about, and the one way a year is read from a URL.

A year in a path goes through the `<year:...>` converter (registered in ntm/urls.py), a year in
a query string through `year_from_query`, and a day in a query string (`?as_at=`) through
`date_from_query`. All accept four ASCII digits within YEAR_MIN..YEAR_MAX as the year and
nothing else: `str.isdigit()` also accepts "²" or "٢٠١٧", which `int()` then refuses, and a
year outside the range breaks `datetime.date` further down (year 0, year 10000). Anything else is
404, as a year the app does not have.
"""

import datetime
import re
from collections.abc import Mapping

from django.core.exceptions import BadRequest
from django.http import Http404, HttpRequest

# The first year of the programme: the national target programme on new rural development
# began with Quyết định 800/QĐ-TTg of 04/06/2010. No decision, recognised year or programme
# figure is older; every "programme year" bound is this one.
PROGRAMME_FIRST_YEAR = 2010

# A plausibility bound for storage and URLs, not a programme bound: a year in a path or a query
# string (older is a year the app does not have, 404) and the practices' CHECK constraint
# (practice_year_plausible), which is why it stays wider than the programme.
YEAR_MIN, YEAR_MAX = 1990, 2100

_YEAR = re.compile(r"[0-9]{4}")


def parse_year(raw: str) -> int | None:
    """`raw` as a year in range, or None."""
    if not _YEAR.fullmatch(raw):
        return None
    year = int(raw)
    return year if YEAR_MIN <= year <= YEAR_MAX else None


def year_from_query(request: HttpRequest, name: str = "year") -> int | None:
    """The year in `?<name>=`: None when absent or empty, 404 when it is not a year in range."""
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    year = parse_year(raw)
    if year is None:
        raise Http404
    return year


def id_from_query(request: HttpRequest, name: str) -> int | None:
    """A primary key in `?<name>=`: None when absent or empty, 404 when not ASCII digits."""
    raw = request.GET.get(name, "")
    if raw == "":
        return None
    if not re.fullmatch(r"[0-9]{1,18}", raw):
        raise Http404
    return int(raw)


class YearConverter:
    """`<year:year>`: four ASCII digits in YEAR_MIN..YEAR_MAX, else the URL does not match."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = parse_year(value)
        if year is None:
            raise ValueError(value)
        return year

    def to_url(self, value: int) -> str:
        return str(value)


_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


def date_from_query(
    request: HttpRequest, name: str = "as_at", *, year: int | None = None
) -> datetime.date | None:
    """The date in `?<name>=YYYY-MM-DD` (a report "as at" a day): None when absent or empty.

    404 when it is not an ASCII ISO date that exists with a year in YEAR_MIN..YEAR_MAX (as a
    bad year); 400 when it is a real date outside `year`, the year of the page it qualifies
    (the 2025 report as at a day of 2017 is a request that makes no sense, not a missing page).
    """
    return date_from_params(request.GET, name, year=year)


def date_from_params(
    params: Mapping[str, str], name: str = "as_at", *, year: int | None = None
) -> datetime.date | None:
    """`date_from_query` of query parameters held outside a request (a background task's)."""
    raw = params.get(name, "")
    if raw == "":
        return None
    match = _DATE.fullmatch(raw)
    if match is None or parse_year(match[1]) is None:
        raise Http404
    try:
        day = datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:  # 2025-02-30
        raise Http404 from exc
    if year is not None and day.year != year:
        raise BadRequest(f"{name} must lie in {year}")
    return day
