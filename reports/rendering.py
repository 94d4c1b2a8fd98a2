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
from dataclasses import dataclass

from django.http import QueryDict
from django.utils import translation

from communes.versions import Stamp, stamp_for
from ntm.lib import reportfiles

# Bump when the layout of the reports changes, so files rendered by the previous release are
# not served for data that has not changed since.
FORMAT = "2"  # 2: the PDF states the day of its figures when it is not 31/12

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


def report_key(area, year: int, query: QueryDict, *, provisional: bool) -> ReportKey:
    """The key of the report of `area` (reports.views.Area) as asked by `query`, in the active
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


# --- Background rendering -------------------------------------------------------------------


# Renders a user may have waiting at once (N5: one district official queued 300 in 8.7 s and
# the province's download waited 6 min). The next download waits, queuing nothing, until one
# is done; the page's polls queue it then.
QUEUED_PER_USER = 4

# The queue serves the reports' own files (31/12 or the report's day, approved, as the
# province keeps them ready) before the variants one person asks for.
PRIORITY_STANDARD, PRIORITY_VARIANT = 10, 0


def enqueue_once(key: ReportKey, extension: str, *, owner: int | None = None) -> None:
    """Queue the rendering of `key`'s file unless it is queued already (by any app server).
    `owner` (a user's id) may have QUEUED_PER_USER renders waiting: past that,
    reportfiles.QueueFull and nothing is queued."""
    from reports.tasks import render_report_file

    standard = not key.params and not key.provisional
    reportfiles.enqueue_once(
        key.file_name(extension),
        render_report_file.using(priority=PRIORITY_STANDARD if standard else PRIORITY_VARIANT),
        owner=owner,
        limit=QUEUED_PER_USER,
        kind=key.kind,
        code=key.code,
        year=key.year,
        query=key.query,
        language=key.language,
        extension=extension,
    )


def status(key: ReportKey, extension: str) -> str:
    """ "ready", "failed" or "pending" (ntm.lib.reportfiles.status)."""
    return reportfiles.status(key.file_name(extension))
