"""Certification decisions: the rule that allows recognising a commune (on plain values and
read from the database), the checks every decision is asked, and the writes that record,
transcribe and revoke a decision. Assessments and their workflow are written in
`criteria.services`; the pages, the admin and the import record decisions through
`dossiers.services.certification_record`, which calls `certification_create` here."""

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from communes.models import Commune, VillageRecognition
from communes.versions import bump_data_version
from criteria.models import (
    TIER_BELOW,
    TIER_LEVEL,
    Assessment,
    Certification,
    CriteriaSet,
    Tier,
    recognised_year_error,
)
from ntm.lib.years import PROGRAMME_FIRST_YEAR


def _dmy(date: datetime.date) -> str:
    # Not strftime: it does not pad years before 1000 to four digits.
    return f"{date.day:02}/{date.month:02}/{date.year:04}"


# No decision about the programme can be older than its first year (ntm.lib.years).
PROGRAMME_FIRST_DATE = datetime.date(PROGRAMME_FIRST_YEAR, 1, 1)


def validate_programme_date(value: datetime.date) -> None:
    """Refuse a decision or revocation date outside the programme: before 2010 or after the end
    of next year (a typing slip such as 9999-12-31 or 2109). The certification and revocation
    forms and the services all use this one rule."""
    last = datetime.date(timezone.localdate().year + 1, 12, 31)
    if not PROGRAMME_FIRST_DATE <= value <= last:
        raise ValidationError(
            _("Ngày %(date)s nằm ngoài thời gian của chương trình (%(first)s – %(last)s).")
            % {"date": _dmy(value), "first": _dmy(PROGRAMME_FIRST_DATE), "last": _dmy(last)},
            code="date_outside_programme",
        )


def certification_refusal(
    *,
    status: str | None,
    criteria_met: int,
    criteria_needed: int,
    tier: str = Tier.NTM,
    holds_tier_below: bool = False,
    smart_village_missing: bool = False,
) -> str | None:
    """The certification rule on plain values: None when the assessment of `tier` for the
    recognised year (its `status`, None when there is none) is approved and meets all
    `criteria_needed` criteria of its set and, for a higher tier, the commune holds the
    certification of the tier below (`holds_tier_below`, models.TIER_BELOW) in force on the
    decision's date; for the model tier where the province requires it, a smart village
    (`smart_village_missing`, see `smart_village_missing_on`); else the code of what it lacks
    (no_approved_assessment, no_standard_certification, empty_criteria_set,
    criteria_not_all_met, no_smart_village). The seeders ask this; the rest ask
    `certification_eligibility`, which says it in words."""
    if status != Assessment.Status.APPROVED:
        return "no_approved_assessment"
    if TIER_BELOW.get(tier) is not None and not holds_tier_below:
        return "no_standard_certification"
    if criteria_needed == 0:
        # An empty set (318 Phụ lục II, the 2026-2030 pilot, until an administrator enters
        # their criteria) is never "met".
        return "empty_criteria_set"
    if criteria_met < criteria_needed:
        return "criteria_not_all_met"
    if tier == Tier.MODEL and smart_village_missing:
        return "no_smart_village"
    return None


def certification_eligibility(
    *,
    year: int,
    status: str | None,
    criteria_met: int,
    criteria_needed: int,
    tier: str = Tier.NTM,
    holds_tier_below: bool = False,
    smart_village_missing: bool = False,
) -> None:
    """`certification_refusal` as a ValidationError with its message. `certification_check`
    reads the values from the database for the form, the admin and the seeders; the import
    checks its planned rows before anything is written."""
    refusal = certification_refusal(
        status=status,
        criteria_met=criteria_met,
        criteria_needed=criteria_needed,
        tier=tier,
        holds_tier_below=holds_tier_below,
        smart_village_missing=smart_village_missing,
    )
    if refusal == "no_smart_village":
        raise ValidationError(
            _(
                "Xã chưa có thôn được công nhận thôn thông minh còn hiệu lực: quy định của tỉnh "
                "yêu cầu ít nhất một thôn thông minh để công nhận xã NTM kiểu mẫu."
            ),
            code=refusal,
        )
    if refusal == "no_approved_assessment":
        if tier == Tier.NTM:
            message = _("Xã chưa có đánh giá đã phê duyệt cho năm %(year)s.") % {"year": year}
        else:
            message = _("Xã chưa có đánh giá đã phê duyệt cho năm %(year)s (hạng: %(tier)s).") % {
                "tier": Tier(tier).label,
                "year": year,
            }
        raise ValidationError(message, code=refusal)
    if refusal == "no_standard_certification":
        raise _tier_below_missing(tier)
    if refusal == "empty_criteria_set":
        raise ValidationError(
            _("Bộ tiêu chí của đánh giá chưa có tiêu chí nào: chưa thể xét công nhận."),
            code=refusal,
        )
    if refusal == "criteria_not_all_met":
        raise ValidationError(
            _(
                "Chưa đủ điều kiện công nhận: đánh giá đã phê duyệt năm %(year)s đạt "
                "%(met)s/%(needed)s tiêu chí."
            )
            % {"year": year, "met": criteria_met, "needed": criteria_needed},
            code=refusal,
        )


def holds_tier_below_on(*, commune: Commune, tier: str, day: datetime.date) -> bool:
    """Whether `commune` holds the certification of the tier below `tier` (models.TIER_BELOW)
    in force on `day`; False for a tier with none below. One query, none for the standard."""
    below = TIER_BELOW.get(tier)
    return (
        below is not None
        and Certification.objects.in_force_on(day).filter(commune=commune, tier=below).exists()
    )


def smart_village_missing_on(*, commune: Commune, tier: str, day: datetime.date) -> bool:
    """Whether the model tier is refused for want of a smart village (thôn thông minh): only
    where the province's data says its rules require one (Province.model_tier_needs_smart_village,
    off by default; the 2021-2025 model commune needs one, ntm-reference §18.4), and no village
    of `commune` holds a smart-village recognition in force on `day`. No query for other tiers
    or provinces without the rule (the province comes with the commune when selected), one
    otherwise."""
    if tier != Tier.MODEL or not commune.province.model_tier_needs_smart_village:
        return False
    return not (
        VillageRecognition.objects.in_force_on(day)
        .filter(village__commune=commune, kind=VillageRecognition.Kind.SMART)
        .exists()
    )


def _tier_below_missing(tier: str) -> ValidationError:
    below = TIER_BELOW[tier]
    return ValidationError(
        _("Xã chưa có quyết định công nhận đạt chuẩn nông thôn mới còn hiệu lực.")
        if below == Tier.NTM
        else _("Xã chưa có quyết định công nhận “%(tier)s” còn hiệu lực.")
        % {"tier": Tier(below).label},
        code="no_standard_certification",
    )


def certification_check(
    *,
    commune: Commune,
    year: int,
    criteria_set: CriteriaSet | None = None,
    tier: str = Certification.Tier.NTM,
    decision_date: datetime.date | None = None,
) -> Assessment:
    """The approved assessment of `tier` that allows recognising `commune` for `year` (the
    recognised year, not the decision's), or ValidationError: `certification_eligibility` on
    the values read here. Without `criteria_set`, the assessment's own set (2021 may be under
    2016-2020 or 2021-2025) is the one that must be met in full. A higher tier also needs the
    certification of the tier below (models.TIER_BELOW) in force on `decision_date` (default
    31/12 of `year`)."""
    assessment = (
        Assessment.objects.filter(
            commune=commune, year=year, tier=tier, status=Assessment.Status.APPROVED
        )
        .select_related("criteria_set")
        .first()
    )
    day = decision_date or datetime.date(year, 12, 31)
    holds_tier_below = assessment is not None and holds_tier_below_on(
        commune=commune, tier=tier, day=day
    )
    if assessment is not None:
        if criteria_set is None:
            criteria_set = assessment.criteria_set
        elif assessment.criteria_set_id != criteria_set.pk:
            raise ValidationError(
                _("Đánh giá năm %(year)s theo bộ tiêu chí khác (%(set)s).")
                % {"year": year, "set": assessment.criteria_set},
                code="other_criteria_set",
            )
    certification_eligibility(
        year=year,
        status=assessment.status if assessment else None,
        criteria_met=assessment.criteria_met if assessment else 0,
        criteria_needed=criteria_set.criteria.count() if assessment else 0,
        tier=tier,
        holds_tier_below=holds_tier_below,
        smart_village_missing=assessment is not None
        and smart_village_missing_on(commune=commune, tier=tier, day=day),
    )
    return assessment


def certifications_lock(*, commune: Commune) -> None:
    """Lock the commune's row for the rest of the transaction, so that its certifications are
    written one decision at a time: of two decisions recorded at once, the second waits and
    then sees the first (issue 24, N10). On SQLite, which locks nothing here, the database has
    one writer anyway and the unique constraint refuses the second (`certification_create`)."""
    list(
        Commune.objects.select_for_update(of=("self",))
        .filter(pk=commune.pk)
        .order_by()
        .values_list("pk")
    )


def _refuse_double(*, commune: Commune, tier: str, criteria_set: CriteriaSet) -> None:
    """One unrevoked recognition of a tier under a set (the constraint
    certification_one_in_force_per_set): a second one is refused, naming the first. A
    recognition under another set (the next period's re-recognition) is not a double."""
    held = (
        Certification.objects.filter(
            commune=commune, tier=tier, criteria_set=criteria_set, revoked_on__isnull=True
        )
        .order_by("decision_date", "pk")
        .first()
    )
    if held is not None:
        raise ValidationError(
            _(
                "Xã đã được công nhận hạng “%(tier)s” theo bộ tiêu chí %(set)s (quyết định "
                "%(number)s ngày %(date)s), chưa bị thu hồi: không ghi thêm quyết định thứ hai. "
                "Nếu quyết định đó ghi nhầm, hãy thu hồi nó trước."
            )
            % {
                "tier": Tier(tier).label,
                "set": criteria_set.code,
                "number": held.decision_number,
                "date": _dmy(held.decision_date),
            },
            code="already_certified",
        )


def certification_conditions_check(conditions: Mapping[str, object]) -> None:
    """The 18/2022 conditions of a decision (Certification.CONDITIONS field names): one
    recorded as not met refuses the recognition, one left out stays unrecorded. Asked by
    `certification_create` and by the admin's form (for a field error before the save)."""
    known = {name for pair in Certification.CONDITIONS for name in pair}
    if unknown := set(conditions) - known:
        raise ValueError(f"unknown conditions {sorted(unknown)}")
    if any(conditions.get(flag) is False for flag, _note in Certification.CONDITIONS):
        raise ValidationError(
            _(
                "Chưa đủ điều kiện công nhận theo Quyết định 18/2022/QĐ-TTg "
                "(điều kiện ghi là chưa đạt)."
            ),
            code="condition_not_met",
        )


@transaction.atomic
def certification_create(
    *,
    commune: Commune,
    tier: str,
    decision_number: str,
    decision_date,
    authority: str,
    recognised_year: int | None = None,
    user=None,
    conditions: Mapping[str, object] | None = None,
    dossier_reason: str = "",
) -> Certification:
    """`recognised_year` defaults to the decision's year (see models.recognised_year_error).
    `conditions`: the 18/2022 conditions and their notes (Certification.CONDITIONS field
    names); one recorded as not met refuses the recognition, one left out stays unrecorded.
    `dossier_reason`: why it was certified without a complete dossier. The pages, the admin
    and the import record decisions through dossiers.services.certification_record (the
    entry point, which asks for it); only the demo's seed calls this directly.
    `user` None is the operator at the shell; a user is asked `roles.can_certify` again."""
    recognised_year = _decision_check(
        commune=commune, user=user, decision_date=decision_date, recognised_year=recognised_year
    )
    conditions = dict(conditions or {})
    certification_conditions_check(conditions)
    certifications_lock(commune=commune)
    assessment = certification_check(
        commune=commune, year=recognised_year, tier=tier, decision_date=decision_date
    )
    # The rule has just checked the set is met in full.
    conditions.setdefault("criteria_all_met", True)
    cert = Certification(
        commune=commune,
        tier=tier,
        criteria_set=assessment.criteria_set,
        decision_number=decision_number,
        decision_date=decision_date,
        recognised_year=recognised_year,
        authority=authority,
        dossier_reason=dossier_reason,
        created_by=user,
        **conditions,
    )
    return _certification_save(cert, user=user)


def _decision_check(
    *, commune: Commune, user, decision_date: datetime.date, recognised_year: int | None
) -> int:
    """What every decision is asked before anything else (`certification_create`,
    `certification_transcribe`): the user may certify in the commune, the date lies in the
    programme and the recognised year fits it. Returns the recognised year (default: the
    decision's year)."""
    if user is not None and not roles.can_certify(user, commune):
        raise PermissionDenied
    validate_programme_date(decision_date)
    if recognised_year is None:
        recognised_year = decision_date.year
    if message := recognised_year_error(recognised_year, decision_date):
        raise ValidationError(message, code="recognised_year")
    return recognised_year


def _refuse_doubles(cert: Certification) -> None:
    """`_refuse_double`, then the same decision number recorded twice for the tier."""
    _refuse_double(commune=cert.commune, tier=cert.tier, criteria_set=cert.criteria_set)
    if Certification.objects.filter(
        commune=cert.commune, tier=cert.tier, decision_number=cert.decision_number
    ).exists():
        raise ValidationError(_("Quyết định này đã được ghi nhận."), code="duplicate")


def _certification_save(cert: Certification, *, user) -> Certification:
    """Write a decision already checked, under `certifications_lock`: no double, no number
    twice, the model's own rules; then count the change of the province's figures."""
    _refuse_doubles(cert)
    cert._history_user = user
    cert.full_clean()
    try:
        with transaction.atomic():
            cert.save()
    except IntegrityError:
        # A decision written by someone else between the checks and this write (where the
        # lock locks nothing: SQLite): the same words as the sequential refusal.
        _refuse_doubles(cert)
        raise
    bump_data_version(province_ids=[cert.commune.province_id], since_year=cert.recognised_year)
    return cert


def transcription_statements_check(*, basis: str, no_assessment_reason: str) -> None:
    """What a transcribed decision states in place of an assessment: the legal basis of the set
    it applied and why the app holds no assessment (the database's
    transcribed_has_basis_and_reason says the same)."""
    errors = {}
    if not basis.strip():
        errors["basis"] = ValidationError(
            _("Ghi căn cứ của quyết định (bộ tiêu chí đã áp dụng)."), code="basis_required"
        )
    if not no_assessment_reason.strip():
        errors["no_assessment_reason"] = ValidationError(
            _("Ghi lý do ứng dụng không có kết quả đánh giá của quyết định này."),
            code="reason_required",
        )
    if errors:
        raise ValidationError(errors)


def transcription_check(
    *,
    commune: Commune,
    tier: str,
    criteria_set: CriteriaSet,
    recognised_year: int,
    decision_date: datetime.date,
    basis: str,
    no_assessment_reason: str,
    tier_below_not_recorded: bool = False,
) -> None:
    """The rule for a decision issued outside the app whose assessment the app does not hold
    (Certification.Kind.TRANSCRIBED), or ValidationError: its basis and the reason it has no
    assessment are stated; its set is one of the tier's level usable in the recognised year
    (the 2021-2025 advanced set, even with no criteria loaded); and, for a higher tier, the
    commune holds the certification of the tier below in force on the decision's date, unless
    the decision states that one was issued outside the app too and is not entered
    (`tier_below_not_recorded`: no decision number is invented for it). The admin form and
    `certification_transcribe` both ask it. One or two queries."""
    transcription_statements_check(basis=basis, no_assessment_reason=no_assessment_reason)
    if (
        not CriteriaSet.objects.for_year(recognised_year, TIER_LEVEL[tier])
        .filter(pk=criteria_set.pk)
        .exists()
    ):
        raise ValidationError(
            {
                "criteria_set": ValidationError(
                    _("Bộ tiêu chí %(set)s không áp dụng cho hạng “%(tier)s” năm %(year)s.")
                    % {"set": criteria_set.code, "tier": Tier(tier).label, "year": recognised_year},
                    code="criteria_set_not_in_year",
                )
            }
        )
    if (
        TIER_BELOW.get(tier) is not None
        and not tier_below_not_recorded
        and not holds_tier_below_on(commune=commune, tier=tier, day=decision_date)
    ):
        raise _tier_below_missing(tier)


@transaction.atomic
def certification_transcribe(
    *,
    commune: Commune,
    tier: str,
    criteria_set: CriteriaSet,
    decision_number: str,
    decision_date: datetime.date,
    authority: str,
    basis: str,
    no_assessment_reason: str,
    recognised_year: int | None = None,
    tier_below_not_recorded: bool = False,
    user=None,
) -> Certification:
    """Record a decision issued outside the app, without an assessment
    (Certification.Kind.TRANSCRIBED): the checks of every decision (`_decision_check`, one at a
    time per commune, no double, no number twice) and `transcription_check`. It counts in the
    reports like any decision in force; the lineage profiles mark it."""
    recognised_year = _decision_check(
        commune=commune, user=user, decision_date=decision_date, recognised_year=recognised_year
    )
    certifications_lock(commune=commune)
    transcription_check(
        commune=commune,
        tier=tier,
        criteria_set=criteria_set,
        recognised_year=recognised_year,
        decision_date=decision_date,
        basis=basis,
        no_assessment_reason=no_assessment_reason,
        tier_below_not_recorded=tier_below_not_recorded,
    )
    cert = Certification(
        commune=commune,
        kind=Certification.Kind.TRANSCRIBED,
        tier=tier,
        criteria_set=criteria_set,
        decision_number=decision_number,
        decision_date=decision_date,
        recognised_year=recognised_year,
        authority=authority,
        basis=basis.strip(),
        no_assessment_reason=no_assessment_reason.strip(),
        tier_below_not_recorded=tier_below_not_recorded,
        created_by=user,
    )
    return _certification_save(cert, user=user)


@transaction.atomic
def certification_revoke(*, certification: Certification, revoked_on, reason: str, user=None):
    """Revoke once: the row is locked and read again, so of two revocations at the same time
    (or one made from a page opened before the other) one succeeds and the other is refused,
    and the first one's date and reason stay (issue 24, N10). A user is asked
    `roles.can_revoke_certification` again (None: the operator at the shell)."""
    if user is not None and not roles.can_revoke_certification(user, certification.commune):
        raise PermissionDenied
    already = ValidationError(_("Quyết định đã bị thu hồi trước đó."), code="already_revoked")
    if certification.revoked_on is not None:
        raise already
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do thu hồi."), code="reason_required")
    validate_programme_date(revoked_on)
    current = (
        Certification.objects.select_for_update(of=("self",)).order_by().get(pk=certification.pk)
    )
    if current.revoked_on is not None:
        raise already
    if revoked_on < current.decision_date:
        raise ValidationError(
            _("Ngày thu hồi phải sau ngày quyết định công nhận."), code="revoked_before_decision"
        )
    current.revoked_on = revoked_on
    current.revocation_reason = reason.strip()
    current._history_user = user
    current.save()
    certification.revoked_on, certification.revocation_reason = (
        current.revoked_on,
        current.revocation_reason,
    )
    bump_data_version(province_ids=[certification.commune.province_id], since_year=revoked_on.year)
    return certification
