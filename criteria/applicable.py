"""What applies to a commune in a year: the criteria set in force (`criteria_set_for_year`) and
the key that picks its thresholds (`threshold_key`: region, province, commune group, and the
318 designation). Reads only; the writers in `criteria.services` and
`criteria.certifications`, the forms, the import, the reports and the seeders all ask here."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from communes.models import Commune, CommuneDesignation, CommuneGroupAssignment, year_end
from criteria.evaluation import ThresholdKey
from criteria.models import Assessment, CriteriaSet, CriteriaSetAmendment


def criteria_set_for_year(
    year: int, level: str = CriteriaSet.Level.COMMUNE, *, code: str | None = None
) -> CriteriaSet:
    """The set of the period covering `year`, or the set `code` a user chose where periods
    overlap (CriteriaSet.objects.for_year lists what may be chosen)."""
    allowed = CriteriaSet.objects.for_year(year, level)
    criteria_set = allowed.filter(code=code).first() if code else allowed.first()
    if criteria_set is None and code:
        raise ValidationError(
            _("Bộ tiêu chí %(code)s không áp dụng cho năm %(year)s.")
            % {"code": code, "year": year},
            code="criteria_set_not_in_year",
        )
    if criteria_set is None:
        raise ValidationError(
            _("Không có bộ tiêu chí nào áp dụng cho năm %(year)s.") % {"year": year},
            code="no_criteria_set",
        )
    return criteria_set


def revision_for(
    criteria_set: CriteriaSet, year: int, assessment: Assessment | None = None
) -> CriteriaSetAmendment | None:
    """The revision of `criteria_set` an assessment of `year` is shown and judged under: a
    submitted or approved one keeps its own (loading indicators or levels later changes nothing
    it shows); a draft, a reopened one or a new one follows the revision in force that year
    (CriteriaSetAmendment.objects.in_force). One query at most."""
    if assessment is not None and assessment.status != Assessment.Status.DRAFT:
        return assessment.revision
    return CriteriaSetAmendment.objects.in_force(criteria_set, year)


def designation_for_thresholds(
    commune: Commune, year: int, criteria_set: CriteriaSet
) -> CommuneDesignation | None:
    """The designation that keys `commune` by the set's designated region in `year` (on 31/12,
    as units are taken), or None; one query, none for a set without the rule.

    318/QĐ-TTg, for the 2021-2025 standard and advanced sets: xã đặc biệt khó khăn and xã an
    toàn khu of poor districts and of districts that left poverty in 2018-2020 are judged
    against the Trung du và miền núi phía Bắc levels wherever they are (ntm-reference §3,
    §15.1; CriteriaSet.designated_region)."""
    if criteria_set.designated_region_id is None:
        return None
    return (
        CommuneDesignation.objects.on_northern_mountain_levels(year_end(year))
        .filter(commune=commune)
        .order_by("-valid_from")
        .first()
    )


def designated_communes(
    communes: Iterable[Commune], year: int, criteria_set: CriteriaSet
) -> set[int]:
    """The ids of `communes` that `designation_for_thresholds` keys by the set's designated
    region in `year`, in one query (none for a set without the rule): for bulk paths."""
    if criteria_set.designated_region_id is None:
        return set()
    return set(
        CommuneDesignation.objects.on_northern_mountain_levels(year_end(year))
        .filter(commune__in=[c.pk for c in communes])
        .values_list("commune_id", flat=True)
    )


def threshold_key(
    commune: Commune,
    year: int,
    criteria_set: CriteriaSet,
    *,
    designated: bool | None = None,
    groups: Mapping[int, int] | None = None,
) -> ThresholdKey:
    """The threshold key of a commune in a year under `criteria_set`.
    `commune.district.province` (or, for a unit without a district, `commune.province`)
    should be loaded.

    The region is the province's, or the set's designated region for a designated commune
    (`designation_for_thresholds`; `designated` gives the answer when the caller has it, as
    bulk paths do through `designated_communes`). The commune's group is looked up (one query)
    only for a set keyed by group, unless `groups`
    (`CommuneGroupAssignment.objects.groups_in_year`) gives it. So a
    region-based set without the rule costs no query."""
    # Same province either way; whichever the caller's select_related() loaded, no query.
    if commune.district_id and not Commune._meta.get_field("province").is_cached(commune):
        province = commune.district.province
    else:
        province = commune.province
    region_id = province.region_id
    if criteria_set.designated_region_id is not None:
        if designated is None:
            designated = designation_for_thresholds(commune, year, criteria_set) is not None
        if designated:
            region_id = criteria_set.designated_region_id
    group = None
    if criteria_set.threshold_basis != CriteriaSet.ThresholdBasis.REGION:
        if groups is not None:
            group = groups.get(commune.pk)
        else:
            assignment = CommuneGroupAssignment.objects.for_commune_in_year(commune, year)
            group = assignment.group_id if assignment else None
    return ThresholdKey(
        year=year, province_id=province.pk, region_id=region_id, commune_group_id=group
    )
