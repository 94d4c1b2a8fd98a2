"""The report page's body, rendered once per data version and kept in the cache: the report
page serves it, and the province home page shows the map drawn in it."""

import datetime

from django.core.cache import cache
from django.template.loader import render_to_string

from reports import rendering
from reports.areas import Area
from reports.context import report_context

# What the report body draws; the cache keeps its HTML instead.
DRAWN = ("area", "figures", "charts", "plans", "map")


def cached_page_context(
    area: Area,
    year: int,
    query,
    *,
    provisional: bool,
    as_at: datetime.date,
    as_at_asked: bool,
    request=None,
) -> dict:
    """The cheap parts of the report's context with its rendered `body` and `map_html` (the
    province's map alone, "" elsewhere), from the cache when the data version has not
    changed: the version and one cache read. Otherwise computed (report_context; raises
    NoCriteriaSet) and stored."""
    key = rendering.report_key(area, year, query, provisional=provisional)
    cache_key = key.cache_key("html")
    ctx = cache.get(cache_key)
    if ctx is None:
        ctx = report_context(
            area,
            year,
            provisional=provisional,
            as_at=as_at,
            as_at_asked=as_at_asked,
            stamp=key.stamp,
        )
        body = render_to_string("reports/_report_body.html", ctx, request=request)
        map_html = render_to_string("reports/_map.html", ctx, request=request) if ctx["map"] else ""
        ctx = {k: v for k, v in ctx.items() if k not in DRAWN} | {
            "body": body,
            "map_html": map_html,
        }
        cache.set(cache_key, ctx)
    return ctx
