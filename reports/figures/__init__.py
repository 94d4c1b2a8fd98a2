"""The figures of every report, computed in the database.

Definitions (issue "Reports"): over the programme communes that exist on the report's date
(`as_at`, 31/12 of the year unless asked otherwise: issue 12),
- certified: a certification (any tier) dated on or before that day and not revoked by then;
- average: criteria met in each commune's approved assessment for the year (or, when it has
  none, its latest earlier approved one, "carried forward"), summed and divided by the number of
  programme communes; a commune never assessed counts 0.
The provisional variant also counts submitted assessments.

Units and certifications are taken as they stand on `as_at`; assessments by their year (the
assessments of 2025 close the 2021-2025 period on the old units as at 30/06/2025). A commune
that ended is counted up to its last day and then listed among the units that left; a unit
formed later inherits no criteria count and no certification, and its lineage is shown as
information only.

Every report names each set it used with the communes judged by it, gives per-criterion rows
per set (never matched across sets by number), and says how many criterion results rest on a
manual decision or on an unconfirmed threshold.

Across a change of set or of units (issue 23): the year before is compared (columns, criteria
gained and lost) only when it was judged under the report's set; the progress line breaks at a
change of set and on 01/07/2025; a tier is shown only when a set of it is in force in the year
(or communes hold it or have a dossier for it); "near the standard" and the revocation rule
are properties of the set (CriteriaSet.near_standard_missing, revocation_*), said to be
unconfirmed where the catalogue has none.

Which assessment counts (criteria.standing): the approved standard assessment of the year, or
the latest earlier one under the set of the year; a commune assessed only under another set is
"chưa đánh giá theo bộ tiêu chí mới" and counts 0.

The package's modules: `counts` (headline counts, bands, progress), `grouping` (the table by
area), `per_criterion`, `basis` (what counted results rest on), `tiers` (tiers, dossiers, late
recognitions), `units` (units by kind, units ended and formed), `commune_rows` and `report`
(`report_figures`, which gathers them). The names below are the figures' entry points, used by
the pages, the plans, the commands and the tests.
"""

from reports.figures.counts import Headline, headline, programme_communes, years_with_data
from reports.figures.report import ReportFigures, report_figures

__all__ = [
    "Headline",
    "ReportFigures",
    "headline",
    "programme_communes",
    "report_figures",
    "years_with_data",
]
