"""Exporting a province's assessments for a range of years in the import format, so that an
export imported again gives the same criteria met, statuses, notes and certifications.

What the format does not carry (and an export therefore leaves out): indicator values and
manual decisions (the criterion results computed from them are exported), criterion notes,
revoked certifications, and a second certification of the same commune in the same year.
"""

from django.utils.translation import gettext as _

from communes.models import Province
from criteria.models import Assessment, Certification, CriterionResult
from imports.services import criteria_sets_for_years
from imports.template import TIER_CHOICES, SheetRow, build_workbook

STATUS_LABELS = {"draft": "Dự thảo", "submitted": "Đã gửi duyệt", "approved": "Đã phê duyệt"}
TIER_LABELS = dict(zip(("ntm", "advanced", "model"), TIER_CHOICES, strict=True))


def export_rows(province: Province, first: int, last: int) -> list[SheetRow]:
    """Rows for every assessment of the province in the years: three queries."""
    assessments = list(
        Assessment.objects.standard()
        .filter(commune__province=province, year__range=(first, last))
        .select_related("commune__district")
        .order_by("year", "commune__district__code", "commune__code")
    )
    met: dict[int, dict[int, bool]] = {}
    for assessment_id, number, is_met in CriterionResult.objects.filter(
        assessment__in=[a.pk for a in assessments]
    ).values_list("assessment_id", "criterion__number", "met"):
        met.setdefault(assessment_id, {})[number] = is_met
    decisions = {}
    for cert in Certification.objects.filter(
        commune__province=province,
        decision_date__year__range=(first, last),
        revoked_on__isnull=True,
    ).order_by("decision_date"):
        decisions.setdefault((cert.commune_id, cert.decision_date.year), cert)
    rows = []
    for a in assessments:
        cert = decisions.get((a.commune_id, a.year))
        rows.append(
            SheetRow(
                commune=a.commune,
                year=a.year,
                met=met.get(a.pk, {}),
                status=STATUS_LABELS[a.status],
                note=a.note,
                decision=cert.decision_number if cert else "",
                decision_date=cert.decision_date if cert else None,
                tier=TIER_LABELS[cert.tier] if cert else "",
            )
        )
    return rows


def export_workbook(province: Province, first: int, last: int) -> bytes:
    sets = list({s.pk: s for s in criteria_sets_for_years(first, last).values()}.values())
    title = _("Đánh giá nông thôn mới – tỉnh %(province)s – %(first)s-%(last)s") % {
        "province": province.name,
        "first": first,
        "last": last,
    }
    return build_workbook(export_rows(province, first, last), sets, title)
