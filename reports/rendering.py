"""Reports computed once per data version: the page body in the cache, the PDF and workbook in
the report storage, both keyed by (kind, code, year, the parameters that change a report,
language, data version).

A download that finds its file returns it at once; otherwise one background task (django.tasks,
de-duplicated through the cache) renders it while the browser waits on a small page that polls
`?status=1` (ntm.lib.reportfiles.deliver). The cache and the storage are shared by every app
server (database cache and file-system or S3 storage), so what one server rendered, the others
serve.
"""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from communes.versions import Stamp, stamp_for
from ntm.lib import pdf, reportfiles
from reports.xlsx.report import report_workbook

# Bump when the layout of the reports changes, so files rendered by the previous release are
# not served for data that has not changed since.
FORMAT = "3"  # 2: the PDF states the day of its figures when it is not 31/12; 3: the map

# The query parameters that change what a report shows, besides `provisional` (in the variant).
# A new one must be listed here, or its variants would share one cached file.
REPORT_PARAMS = ("as_at",)


@dataclass(frozen=True)
class ReportKey:
    kind: str
    code: str
    year: int
    provisional: bool
    language: str
    params: tuple[tuple[str, str], ...]  # REPORT_PARAMS present in the request, in order
    stamp: Stamp

    @property
    def variant(self) -> str:
        """province-20-2017-approved-vi (province-20-2025-2025-06-30-approved-vi as at a day):
        one report in one language, whatever its data. Older files of a variant are removed
        when a new one is stored, so every parameter that changes the report is in it."""
        return "-".join(
            [
                self.kind,
                *([self.code] if self.code else []),
                str(self.year),
                *(value for _, value in self.params),
                "provisional" if self.provisional else "approved",
                self.language,
            ]
        )

    @property
    def digest(self) -> str:
        raw = "|".join([FORMAT, self.stamp.token, *(f"{k}={v}" for k, v in self.params)])
        return hashlib.sha256(raw.encode()).hexdigest()[:32]

    def file_name(self, extension: str) -> str:
        return reportfiles.stored_name(self.variant, self.digest, extension)

    def cache_key(self, what: str) -> str:
        return f"report:{what}:{self.variant}:{self.digest}"

    @property
    def query(self) -> dict[str, str]:
        """The request parameters that rebuild this report (for the background task)."""
        return {**({"provisional": "1"} if self.provisional else {}), **dict(self.params)}


def report_key(area, year: int, query: Mapping[str, str], *, provisional: bool) -> ReportKey:
    """The key of the report of `area` (reports.areas.Area) as asked by `query`, in the active
    language. One query: the data version of the area's province (of all, for the country)
    as the report of `year` (official or provisional) sees it."""
    return ReportKey(
        kind=area.kind,
        code=area.code,
        year=year,
        provisional=provisional,
        language=translation.get_language() or "vi",
        params=tuple((name, query[name]) for name in REPORT_PARAMS if query.get(name)),
        stamp=stamp_for(area_province_id(area), year, provisional=provisional),
    )


def area_province_id(area) -> int | None:
    """The province whose data version an area's report follows (None: the country's)."""
    return area.province_pk


def status(key: ReportKey, extension: str) -> str:
    """ "ready", "failed" or "pending" (ntm.lib.reportfiles.status)."""
    return reportfiles.status(key.file_name(extension))


def render_file(ctx: dict, extension: str) -> bytes:
    """The report of `ctx` (reports.context.report_context) as a PDF or a workbook: seconds of
    work, done by the worker (reports.tasks)."""
    if extension == "pdf":
        html = render_to_string("reports/report_pdf.html", ctx, request=None)
        return pdf.render_pdf(html)
    return report_workbook(
        ctx["figures"], area=ctx["area"], report_date=ctx["data_date"], plans=ctx["plans"]
    )
