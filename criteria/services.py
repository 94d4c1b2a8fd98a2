"""Writes to assessments and their workflow. Views, imports and seeds all come through here,
so the criteria-met count has one code path. What applies to a commune in a year (the set in
force, the threshold key) is read in `criteria.applicable`; certification decisions are
checked and written in `criteria.certifications`."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import roles
from accounts.notifications import Event, notify
from communes.models import Commune
from communes.versions import bump_data_version
from criteria.applicable import (
    criteria_set_for_year,
    designated_communes,
    revision_for,
    threshold_key,
)
from criteria.evaluation import (
    LATEST,
    Catalogue,
    Evaluation,
    IndicatorEntry,
    evaluate_assessment,
)
from criteria.history import revision
from criteria.models import (
    TIER_LEVEL,
    Assessment,
    CriteriaSetAmendment,
    CriterionResult,
    IndicatorValue,
)


class StaleAssessment(Exception):
    """Someone else saved the assessment since the form was opened."""

    def __init__(self, current: Assessment):
        super().__init__("stale assessment")
        self.current = current


@dataclass
class AssessmentInput:
    """Everything one save or one import row says about a commune-year."""

    entries: Mapping[int, IndicatorEntry]  # by indicator id
    criterion_flags: Mapping[int, bool] | None = None  # by criterion id, when no indicators
    criterion_notes: Mapping[int, str] | None = None
    note: str | None = None


def _raise_on_errors(evaluation: Evaluation) -> None:
    if evaluation.errors:
        raise ValidationError(
            {code: ValidationError(msg, code="invalid") for code, msg in evaluation.errors.items()}
        )


@transaction.atomic
@revision()
def assessment_create(
    *,
    commune: Commune,
    year: int,
    user=None,
    status: str = Assessment.Status.DRAFT,
    criteria_set_code: str | None = None,
    tier: str = Assessment.Tier.NTM,
) -> Assessment:
    """A new assessment of `commune` in `year` at `tier`, under a set of that tier's level."""
    if not commune.in_programme:
        # The import's rule and message (imports.planning), so both paths refuse the same units.
        raise ValidationError(
            _("%(commune)s không thuộc chương trình nông thôn mới.") % {"commune": commune},
            code="commune_not_in_programme",
        )
    if not commune.exists_in(year):
        raise ValidationError(
            _("Xã %(name)s không tồn tại trong năm %(year)s.")
            % {"name": commune.name, "year": year},
            code="commune_not_in_year",
        )
    criteria_set = criteria_set_for_year(year, TIER_LEVEL[tier], code=criteria_set_code)
    assessment = Assessment.objects.create(
        commune=commune,
        year=year,
        tier=tier,
        criteria_set=criteria_set,
        revision=revision_for(criteria_set, year),
        status=status,
        created_by=user,
    )
    _changed(assessment, approved_figures=status == Assessment.Status.APPROVED)
    return assessment


def _changed(assessment: Assessment, *, approved_figures: bool) -> None:
    """Count a change of the figures of the assessment's province (communes.versions):
    `approved_figures` when the change touches an approved assessment (before or after), so
    the official reports can show it; otherwise only the provisional ones can (a draft saved,
    sent or returned), and the official reports stay cached."""
    province_id = (
        assessment.commune.province_id
        if Assessment._meta.get_field("commune").is_cached(assessment)
        else Commune.objects.filter(pk=assessment.commune_id).values_list("province_id").get()[0]
    )
    bump_data_version(
        province_ids=[province_id],
        since_year=assessment.year,
        provisional_only=not approved_figures,
    )


@revision()
@transaction.atomic
def assessment_save(
    *,
    assessment: Assessment,
    data: AssessmentInput,
    user=None,
    expected_version: int | None = None,
    catalogue: Catalogue | None = None,
    allow_approved: bool = False,
) -> Evaluation:
    """Record indicator entries, re-evaluate every criterion and the criteria-met count.

    Refuses an approved assessment (unless `allow_approved`) and a stale `expected_version`.
    Writes only rows that changed, so the history shows real changes.
    """
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if expected_version is not None and locked.version != expected_version:
        raise StaleAssessment(locked)
    if locked.status == Assessment.Status.APPROVED and not allow_approved:
        raise ValidationError(
            _("Đánh giá đã được phê duyệt và bị khóa; cán bộ tỉnh cần mở lại trước khi sửa."),
            code="locked",
        )
    catalogue = catalogue or Catalogue.load(
        locked.criteria_set, revision=revision_for(locked.criteria_set, locked.year)
    )
    evaluation = evaluate_assessment(
        catalogue,
        threshold_key(locked.commune, locked.year, catalogue.criteria_set),
        data.entries,
        data.criterion_flags,
    )
    _raise_on_errors(evaluation)

    existing_values = {v.indicator_id: v for v in locked.values.all()}
    for ind_id, outcome in evaluation.outcomes.items():
        entry = outcome.entry
        fields = {
            "value": entry.value,
            "value_secondary": entry.value_secondary,
            "met": outcome.met,
            "manual": outcome.manual,
            "manual_reason": entry.manual_reason.strip() if outcome.manual else "",
            "threshold_status": outcome.threshold_status,
        }
        row = existing_values.get(ind_id)
        if row is None:
            IndicatorValue.objects.create(assessment=locked, indicator_id=ind_id, **fields)
        elif any(getattr(row, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(row, k, v)
            row.save()

    notes = data.criterion_notes or {}
    existing_results = {r.criterion_id: r for r in locked.results.all()}
    for crit_id, met in evaluation.criteria_met.items():
        note = notes.get(crit_id)
        row = existing_results.get(crit_id)
        if row is None:
            CriterionResult.objects.create(
                assessment=locked, criterion_id=crit_id, met=met, note=note or ""
            )
        elif row.met != met or (note is not None and row.note != note):
            row.met = met
            if note is not None:
                row.note = note
            row.save()

    locked.criteria_met = evaluation.total
    # Judged now, under the revision the values were evaluated against.
    locked.revision = _judged_under(catalogue, locked.year)
    locked.version += 1
    if data.note is not None:
        locked.note = data.note
    locked._history_user = user
    locked.save()
    _changed(locked, approved_figures=locked.status == Assessment.Status.APPROVED)
    assessment.refresh_from_db()
    return evaluation


def _judged_under(catalogue: Catalogue, year: int) -> CriteriaSetAmendment | None:
    """The revision an assessment evaluated with `catalogue` is judged under: the catalogue's
    own, or for one loaded as the set stands now, the revision in force that year."""
    if catalogue.revision == LATEST:
        return revision_for(catalogue.criteria_set, year)
    return catalogue.revision


def assessments_bulk_create(
    *,
    rows: Sequence[tuple[Commune, int, str, AssessmentInput]],
    catalogue: Catalogue,
    user=None,
) -> list[Assessment]:
    """Create many new assessments (commune, year, status, input) in a few queries.

    For seeds and imports into empty years: the same evaluation as `assessment_save`, written
    with bulk_create (so no per-row history entries). Call inside a transaction.
    """
    evaluations = []
    assessments = []
    criteria_set = catalogue.criteria_set
    designated = {  # one query per year, none for a set without the 318 rule
        year: designated_communes([c for c, y, *_rest in rows if y == year], year, criteria_set)
        for year in {y for _c, y, *_rest in rows}
    }
    revisions = {year: _judged_under(catalogue, year) for year in designated}
    for commune, year, status, data in rows:
        evaluation = evaluate_assessment(
            catalogue,
            threshold_key(commune, year, criteria_set, designated=commune.pk in designated[year]),
            data.entries,
            data.criterion_flags,
        )
        _raise_on_errors(evaluation)
        evaluations.append(evaluation)
        now = timezone.now()
        assessments.append(
            Assessment(
                commune=commune,
                year=year,
                criteria_set=catalogue.criteria_set,
                revision=revisions[year],
                status=status,
                criteria_met=evaluation.total,
                note=data.note or "",
                created_by=user,
                approved_by=user if status == Assessment.Status.APPROVED else None,
                approved_at=now if status == Assessment.Status.APPROVED else None,
            )
        )
    Assessment.objects.bulk_create(assessments)
    values, results = [], []
    for assessment, evaluation, (_c, _y, _s, data) in zip(
        assessments, evaluations, rows, strict=True
    ):
        notes = data.criterion_notes or {}
        for ind_id, o in evaluation.outcomes.items():
            values.append(
                IndicatorValue(
                    assessment=assessment,
                    indicator_id=ind_id,
                    value=o.entry.value,
                    value_secondary=o.entry.value_secondary,
                    met=o.met,
                    manual=o.manual,
                    manual_reason=o.entry.manual_reason.strip() if o.manual else "",
                    threshold_status=o.threshold_status,
                )
            )
        for crit_id, met in evaluation.criteria_met.items():
            results.append(
                CriterionResult(
                    assessment=assessment,
                    criterion_id=crit_id,
                    met=met,
                    note=notes.get(crit_id, ""),
                )
            )
    IndicatorValue.objects.bulk_create(values, batch_size=2000)
    CriterionResult.objects.bulk_create(results, batch_size=2000)
    bump_data_version(
        province_ids={commune.province_id for commune, *_rest in rows},
        since_year=min((year for _c, year, *_rest in rows), default=None),
    )
    return assessments


# --- Workflow -------------------------------------------------------------------------------


def _check(user, predicate, assessment: Assessment) -> None:
    """The access rule the page asked, asked again (defence in depth): accounts.roles. `user`
    None is the operator at the shell (imports, seeds)."""
    if user is not None and not predicate(user, assessment):
        raise PermissionDenied


def _transition(assessment: Assessment, allowed_from: set[str], message: str) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status not in allowed_from:
        raise ValidationError(message, code="bad_transition")
    return locked


@revision()
@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    _check(user, roles.can_submit, assessment)
    a = _transition(
        assessment,
        {Assessment.Status.DRAFT},
        _("Chỉ gửi duyệt được đánh giá ở trạng thái dự thảo."),
    )
    a.status = Assessment.Status.SUBMITTED
    a.submitted_by, a.submitted_at = user, timezone.now()
    a.version += 1
    a._history_user = user
    a.save()
    _changed(a, approved_figures=False)
    _notify(a, Event.SUBMITTED, user)
    return a


@revision()
@transaction.atomic
def assessment_approve(*, assessment: Assessment, user) -> Assessment:
    _check(user, roles.can_review, assessment)
    a = _transition(
        assessment, {Assessment.Status.SUBMITTED}, _("Chỉ phê duyệt được đánh giá đã gửi duyệt.")
    )
    a.status = Assessment.Status.APPROVED
    a.approved_by, a.approved_at = user, timezone.now()
    a.return_reason = ""
    a.version += 1
    a._history_user = user
    a.save()
    _changed(a, approved_figures=True)
    _notify(a, Event.APPROVED, user)
    return a


@revision()
@transaction.atomic
def assessment_return(*, assessment: Assessment, user, reason: str) -> Assessment:
    """Send a submitted assessment back to draft with a reason that the submitter sees."""
    a = _back_to_draft(
        assessment,
        user,
        reason,
        {Assessment.Status.SUBMITTED},
        _("Chỉ trả lại được đánh giá đã gửi duyệt."),
    )
    _notify(a, Event.RETURNED, user)
    return a


@revision()
@transaction.atomic
def assessment_reopen(*, assessment: Assessment, user, reason: str) -> Assessment:
    """Unlock an approved assessment (province staff), with a reason kept in its history."""
    return _back_to_draft(
        assessment,
        user,
        reason,
        {Assessment.Status.APPROVED},
        _("Chỉ mở lại được đánh giá đã phê duyệt."),
    )


def _back_to_draft(
    assessment: Assessment, user, reason: str, allowed_from: set[str], message: str
) -> Assessment:
    _check(user, roles.can_review, assessment)
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do."), code="reason_required")
    a = _transition(assessment, allowed_from, message)
    was_approved = a.status == Assessment.Status.APPROVED  # reopened: it leaves the figures
    a.status = Assessment.Status.DRAFT
    a.return_reason = reason.strip()
    a.approved_by, a.approved_at = None, None
    a.version += 1
    a._history_user = user
    a.save()
    _changed(a, approved_figures=was_approved)
    return a


def _notify(assessment: Assessment, event: Event, user) -> None:
    """Mail the people `event` concerns once the transaction commits (accounts.notifications):
    the province's reviewers of a submission, the author and the commune's officials of a
    return or an approval. The version names this transition, so a retried task mails once."""
    with translation.override(settings.LANGUAGE_CODE):
        label = str(assessment)
    notify(
        event=event,
        key=f"{assessment.pk}:v{assessment.version}",
        commune=assessment.commune,
        path=assessment.get_absolute_url(),
        actor=user,
        author_ids=(assessment.submitted_by_id, assessment.created_by_id),
        details={"assessment": label, "reason": assessment.return_reason},
    )
