"""What the assessment page shows and allows, decided apart from the request.

`assessment_page` picks the assessment (or, before it exists, the set a new one would stand on
and the approved assessment it may start from), this commune's catalogue and thresholds, and
what the user may do; `AssessmentPage.context` is what the template draws. The view
(`pages.assessments.assessment_edit`) reads the request, saves through `criteria.services` and
answers.

Queries do not grow with the catalogue: the catalogue is loaded in three, the saved values,
results and the three history tables in one each.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse

from accounts import roles
from communes.models import Commune, CommuneDesignation, CommuneGroupAssignment
from criteria import applicable
from criteria.evaluation import Catalogue, ThresholdKey, evaluate_assessment
from criteria.forms import AssessmentForm
from criteria.history import assessment_history
from criteria.models import TIER_LEVEL, Assessment, CriteriaSet, CriteriaSetAmendment, Tier
from practices.learning import practices_for_commune

HISTORY_PAGE_SIZE = 20


@dataclass
class AssessmentPage:
    """One assessment's page: `assessment` is None until it is created, `criteria_set` the set
    it stands (or would stand) on."""

    commune: Commune
    year: int
    tier: str
    assessment: Assessment | None
    criteria_set: CriteriaSet
    catalogue: Catalogue
    key: ThresholdKey
    revision: CriteriaSetAmendment | None
    designation: CommuneDesignation | None
    assignment: CommuneGroupAssignment | None
    by_group: bool
    may_change: bool
    editable: bool
    locked: bool
    # Where periods overlap, the sets the user may pick with ?set=<code> (new assessments).
    set_choices: list[CriteriaSet]
    # The approved assessment of the same set a new form may start from.
    previous: Assessment | None
    values: dict
    results: dict
    # Indicators prefilled from `previous` and not confirmed yet.
    carried: frozenset

    def form(self, data=None, *, carried: frozenset) -> AssessmentForm:
        assessment = self.assessment
        return AssessmentForm(
            data,
            catalogue=self.catalogue,
            key=self.key,
            values=self.values,
            results=self.results,
            note=assessment.note if assessment else "",
            version=assessment.version if assessment else 0,
            disabled=not self.editable,
            carried=carried,
        )

    def context(
        self, form: AssessmentForm, *, user, carried: frozenset, stale, reading: bool, history_page
    ) -> dict:
        """The template's context for `form` (the saved values, or the user's refused input);
        `reading` is a GET, `stale` the differences when someone saved first."""
        assessment, catalogue, tier = self.assessment, self.catalogue, self.tier
        typed = form.to_input()
        evaluation = evaluate_assessment(catalogue, self.key, typed.entries, typed.criterion_flags)
        if assessment is not None and not self.editable:
            # A page that cannot be edited shows what was recorded, not a recount: a threshold
            # edited since the approval changes no mark and no total (the script recounts only
            # while editing).
            evaluation.criteria_met = {
                c.pk: self.results[c.pk].met if c.pk in self.results else False
                for c in catalogue.criteria
            }
        met_total = (
            assessment.criteria_met if assessment is not None and not self.editable else None
        )
        can_review = assessment is not None and roles.can_review(user, assessment)
        state = assessment.status if assessment else None
        history = assessment_history(assessment, catalogue) if assessment else []
        can_submit = state == Assessment.Status.DRAFT and roles.can_submit(user, assessment)
        commune, criteria_set = self.commune, self.criteria_set
        return {
            "commune": commune,
            "year": self.year,
            # The higher tier's name in titles ("Xã nông thôn mới nâng cao"); empty for the
            # standard tier, whose page is unchanged.
            "tier_title": "" if tier == Tier.NTM else CriteriaSet.Level(TIER_LEVEL[tier]).label,
            "urls": assessment_urls(commune.code, self.year, tier),
            "assessment": assessment,
            "form": form,
            "groups": form.groups(evaluation),
            "error_summary": form.error_summary() if not stale else [],
            "met_total": evaluation.total if met_total is None else met_total,
            "n_criteria": len(catalogue.criteria),
            "criteria_set": criteria_set,
            "revision": self.revision,
            "set_choices": self.set_choices if len(self.set_choices) > 1 else [],
            "previous": self.previous,
            "prefilled": bool(carried) and reading,
            "carried_count": len(carried),
            "by_group": self.by_group,
            "commune_group": self.assignment.group if self.assignment else None,
            "commune_group_note": self.assignment.note if self.assignment else "",
            "province": commune.province,
            "region": criteria_set.designated_region
            if self.designation
            else commune.province.region,
            "designation": self.designation,
            "editable": self.editable,
            "locked": self.locked,
            "stale": stale,
            "returned": state == Assessment.Status.DRAFT and bool(assessment.return_reason),
            "can_submit": can_submit,
            "can_approve": state == Assessment.Status.SUBMITTED and can_review,
            "can_return": state == Assessment.Status.SUBMITTED and can_review,
            "can_reopen": state == Assessment.Status.APPROVED and can_review,
            "history": Paginator(history, HISTORY_PAGE_SIZE).get_page(history_page),
            # Published practices helping the standard criteria still missed (two queries).
            "learn_from": practices_for_commune(commune, self.year) if tier == Tier.NTM else [],
        }


def assessment_urls(code: str, year: int, tier: str) -> dict[str, str]:
    """The page and workflow addresses of the assessment of `code` in `year` at `tier`."""
    names = ("edit", "submit", "approve", "return", "reopen")
    if tier == Tier.NTM:
        return {n: reverse(f"pages:assessment_{n}", args=[code, year]) for n in names}
    return {n: reverse(f"pages:tier_assessment_{n}", args=[code, year, tier]) for n in names}


def assessment_page(
    *,
    user,
    commune: Commune,
    year: int,
    tier: str,
    set_code: str | None,
    prefill: bool,
    reading: bool,
) -> AssessmentPage | None:
    """The page of `commune`'s assessment of `year` at `tier` for `user`: the saved one, or a
    new one under a set of the tier's level in force that year (`set_code` where several are;
    prefilled from the latest approved assessment of the same set with `prefill`). `reading`
    is a GET.

    None when there is nothing to show and the user may not start one here (the page then says
    why); Http404 for what no form can be asked for: a new assessment the user may not create,
    of a unit outside the programme, or under a `set_code` that does not apply to the year."""
    assessment = (
        Assessment.objects.select_related("criteria_set", "revision", "submitted_by", "approved_by")
        .filter(commune=commune, year=year, tier=tier)
        .first()
    )
    if assessment is not None:
        assessment.commune = commune  # the access predicates read it
    may_change = roles.can_change_assessments(user, commune, year)
    set_choices = []
    previous = None
    values, results, carried = {}, {}, frozenset()
    if assessment is None:
        if reading and not (
            roles.can_create_assessment(user, commune, year) and commune.in_programme
        ):
            return None
        if not roles.can_create_assessment(user, commune, year):
            raise Http404
        if not commune.in_programme:
            # No form for a unit that assessment_create refuses (wards, townships).
            raise Http404
        # Where periods overlap (2021 and early 2022, early 2026) the user picks the set with
        # ?set=<code>; the form posts back to the same address, so the choice is kept.
        level = TIER_LEVEL[tier]
        try:
            criteria_set = applicable.criteria_set_for_year(year, level, code=set_code)
        except ValidationError:
            if reading and not set_code:
                return None
            raise Http404 from None  # a ?set= that does not apply to the year is a bad address
        set_choices = list(CriteriaSet.objects.for_year(year, level))
        if reading:
            # Same set only: indicators of another set are other questions.
            previous = (
                Assessment.objects.approved()
                .filter(commune=commune, year__lt=year, tier=tier, criteria_set=criteria_set)
                .order_by("-year")
                .first()
            )
            if previous is not None and prefill:
                values = {v.indicator_id: v for v in previous.values.all()}
                carried = frozenset(
                    pk
                    for pk, v in values.items()
                    if v.value is not None or v.value_secondary is not None or v.met is not None
                )
    else:
        criteria_set = assessment.criteria_set

    # 318/QĐ-TTg: a designated commune is judged against the northern-mountain levels (one
    # query, only under a set with that rule); the page says so.
    designation = applicable.designation_for_thresholds(commune, year, criteria_set)
    key = applicable.threshold_key(commune, year, criteria_set, designated=designation is not None)
    # This commune's thresholds only, as at the revision the assessment stands on.
    revision = applicable.revision_for(criteria_set, year, assessment)
    catalogue = Catalogue.load(criteria_set, for_key=key, revision=revision)
    by_group = criteria_set.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP
    # The assignment rather than the group: its note says what it rests on ("minh họa"). The
    # one that gave the key its group (`applicable.threshold_key`): the same definition.
    assignment = (
        CommuneGroupAssignment.objects.select_related("group").for_commune_in_year(commune, year)
        if by_group and key.commune_group_id
        else None
    )
    if assessment is not None:
        values = {v.indicator_id: v for v in assessment.values.all()}
        results = {r.criterion_id: r for r in assessment.results.all()}
    return AssessmentPage(
        commune=commune,
        year=year,
        tier=tier,
        assessment=assessment,
        criteria_set=criteria_set,
        catalogue=catalogue,
        key=key,
        revision=revision,
        designation=designation,
        assignment=assignment,
        by_group=by_group,
        may_change=may_change,
        editable=assessment is None or roles.can_edit_assessment(user, assessment),
        locked=assessment is not None and assessment.status == Assessment.Status.APPROVED,
        set_choices=set_choices,
        previous=previous,
        values=values,
        results=results,
        carried=carried,
    )
