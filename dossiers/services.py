"""Writes of dossiers: create, record a step, add a file, and the rule for recording a
certification decision against the dossier (`certification_record`: a complete dossier or an
explicit reason), which completes the dossier: every caller records a decision through it.
Certifications themselves are written by criteria.certifications.certification_create, their
only writer."""

import datetime
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts import roles
from accounts.notifications import Event, notify
from criteria.certifications import certification_check, certification_create, certifications_lock
from criteria.models import Certification, Criterion, Indicator
from dossiers.models import (
    Dossier,
    DossierFile,
    DossierStep,
    Procedure,
    ProcedureStep,
    Step,
)
from practices.uploads import check_upload


def missing(
    dossier: Dossier, procedure: Procedure | None, steps: dict, files: list[DossierFile]
) -> list[str]:
    """What the dossier still lacks under its `procedure`, in procedure order (procedure,
    steps and files already read: no query)."""
    if procedure is None:
        return [no_procedure_message(dossier.year)]
    out = []
    documents = {f.step for f in files if f.step}
    voted = []
    for item in dossier.procedure_steps(procedure):
        if item.step == Step.DECISION:
            continue
        record = steps.get(item.step)
        if record is None:
            out.append(_("Chưa ghi bước: %(step)s.") % {"step": item.get_step_display()})
            continue
        if item.needs_document and item.step not in documents:
            out.append(
                _("Chưa có tài liệu của bước: %(step)s.") % {"step": item.get_step_display()}
            )
        if item.needs_votes and record.votes_for is None:
            voted.append(item)
    posting = steps.get(Step.POSTING)
    if posting is not None and procedure.posting_days is not None:
        deadline = posting.posting_deadline(procedure.posting_days)
        if posting.end_on is None:
            out.append(_("Chưa ghi ngày kết thúc công khai."))
        elif posting.end_on < deadline:
            out.append(
                _("Thời gian công khai chưa đủ %(days)s ngày (phải đến ngày %(date)s).")
                % {"days": procedure.posting_days, "date": deadline.strftime("%d/%m/%Y")}
            )
    if voted:
        out.append(_("Chưa ghi kết quả biểu quyết của Hội đồng."))
    return out


def no_procedure_message(year: int) -> str:
    return _(
        "Chưa có trình tự xét công nhận cho năm %(year)s (quản trị viên nhập trình tự trong "
        "trang quản trị)."
    ) % {"year": year}


def dossier_create(*, commune, tier: str, year: int, user) -> Dossier:
    """A dossier for `commune` (the unit itself, never a code: codes were reused), `tier` and
    the recognised `year`, whose procedure must be known."""
    if not roles.can_open_dossier(user, commune):
        raise PermissionDenied
    if not Procedure.objects.for_year(year).exists():
        raise ValidationError(no_procedure_message(year), code="no_procedure")
    if not commune.exists_in(year):
        raise ValidationError(
            _("%(commune)s không tồn tại vào cuối năm %(year)s.")
            % {"commune": commune, "year": year},
            code="unit_not_in_year",
        )
    exists = ValidationError(
        _("Xã đã có hồ sơ hạng này cho năm %(year)s.") % {"year": year}, code="exists"
    )
    if Dossier.objects.filter(commune=commune, tier=tier, year=year).exists():
        raise exists
    dossier = Dossier(commune=commune, tier=tier, year=year, created_by=user)
    dossier.full_clean()
    try:
        with transaction.atomic():
            dossier.save()
    except IntegrityError:
        # Opened by someone else between the check and the write: the same answer.
        raise exists from None
    return dossier


@transaction.atomic
def step_record(
    *,
    dossier: Dossier,
    step: str,
    done_on: datetime.date,
    user,
    end_on: datetime.date | None = None,
    votes_for: int | None = None,
    votes_against: int | None = None,
    note: str = "",
    upload: UploadedFile | None = None,
) -> DossierStep:
    """Record (or correct) a step of the dossier's procedure other than the decision, with an
    optional document. Who may record it is accounts.roles's (the view asks first, to offer only
    those steps; asked again here).

    Under the dossier's row lock, taken by the decision too (`certification_record`): a step
    and a decision recorded at once are written one after the other, and a step is never
    written into a dossier that the decision has just completed (issue 24, N10)."""
    item = step_of(dossier, step)
    if item is not None and not roles.can_record_dossier_step(user, dossier.commune, item.recorder):
        raise PermissionDenied
    dossier_lock(dossier=dossier)
    if dossier.is_complete:
        raise ValidationError(_("Hồ sơ đã hoàn thành; không sửa được nữa."), code="complete")
    if step == Step.DECISION:
        raise ValueError("the decision is recorded by dossier_decide")
    if step_of(dossier, step) is None:
        raise ValidationError(
            _("Bước này không thuộc trình tự xét công nhận của hồ sơ."), code="not_a_step"
        )
    if end_on is not None and end_on < done_on:
        raise ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."), code="dates")
    record, _created = DossierStep.objects.update_or_create(
        dossier=dossier,
        step=step,
        defaults={
            "done_on": done_on,
            "end_on": end_on,
            "votes_for": votes_for,
            "votes_against": votes_against,
            "note": note,
            "recorded_by": user,
        },
    )
    if upload is not None:
        file_add(dossier=dossier, upload=upload, step=step, user=user)
    return record


def dossier_lock(*, dossier: Dossier) -> None:
    """Lock the dossier's row for the rest of the transaction and read again what completes
    it (a page opened before the decision was recorded holds a copy that is not complete).
    SQLite locks nothing here; it has one writer at a time."""
    locked = Dossier.objects.select_for_update(of=("self",)).order_by().get(pk=dossier.pk)
    dossier.certification_id, dossier.completed_at = locked.certification_id, locked.completed_at
    dossier.__dict__.pop("decided", None)


def step_of(
    dossier: Dossier, step: str, procedure: Procedure | None = None
) -> ProcedureStep | None:
    """The procedure's step `step` of the dossier, or None when its procedure has no such step
    (the district's appraisal for a 2026 dossier, or for a unit without a district)."""
    if procedure is None:
        procedure = dossier.procedure()
    return next((s for s in dossier.procedure_steps(procedure) if s.step == step), None)


def file_add(
    *,
    dossier: Dossier,
    upload: UploadedFile,
    user,
    step: str = "",
    criterion: Criterion | None = None,
    indicator: Indicator | None = None,
    caption: str = "",
) -> DossierFile:
    """Store a checked photo or PDF (the practices' checks; ValidationError, nothing written):
    a step's document, or evidence for a criterion or for one of its indicators (the
    criterion may then be left out: it is the indicator's)."""
    if not roles.can_add_dossier_evidence(user, dossier.commune):
        raise PermissionDenied
    if indicator is not None:
        if criterion is None:
            criterion = indicator.criterion
        elif indicator.criterion_id != criterion.pk:
            raise ValidationError(
                _("Chỉ tiêu %(indicator)s không thuộc tiêu chí %(criterion)s.")
                % {"indicator": indicator.code, "criterion": criterion.number},
                code="indicator_of_other_criterion",
            )
    checked = check_upload(upload)
    item = DossierFile(
        dossier=dossier,
        step=step,
        criterion=criterion,
        indicator=indicator,
        original_name=(upload.name or "")[:200],
        content_type=checked.content_type,
        size=upload.size,
        caption=caption,
        uploaded_by=user,
    )
    item.file.save(upload.name, upload, save=False)
    item.save()
    return item


def dossier_gaps(*, commune, tier: str, year: int) -> tuple[Dossier | None, list[str]]:
    """The commune's dossier for `tier` and recognised `year` and what it still lacks (for a
    commune without one: that it is missing). A complete dossier lacks nothing."""
    # Completion read now (annotated): the caller may record the decision next and still
    # see the dossier it is completing as not yet complete.
    dossier = (
        Dossier.objects.with_completion().filter(commune=commune, tier=tier, year=year).first()
    )
    if dossier is None:
        return None, [
            _("Chưa lập hồ sơ xét công nhận (hạng %(tier)s, năm %(year)s).")
            % {"tier": Certification.Tier(tier).label, "year": year}
        ]
    if dossier.is_complete:
        return dossier, []
    steps = {s.step: s for s in dossier.steps.all()}
    return dossier, missing(dossier, dossier.procedure(), steps, list(dossier.files.all()))


def certification_dossier_check(
    *, commune, tier: str, year: int, reason: str
) -> tuple[Dossier | None, str]:
    """The rule: certifying a commune needs its complete dossier for the tier and recognised
    year, or an explicit reason. Returns the dossier (None without one) and the reason to keep
    on the certification ("" when the dossier is complete); ValidationError listing what is
    missing when no reason is given. Every page that records a decision asks this."""
    dossier, lacking = dossier_gaps(commune=commune, tier=tier, year=year)
    if not lacking:
        return dossier, ""
    if not reason.strip():
        raise ValidationError(
            _("Hồ sơ chưa đủ; cần ghi lý do công nhận khi hồ sơ chưa đủ. Còn thiếu: %(missing)s")
            % {"missing": " ".join(lacking)},
            code="reason_required",
        )
    return dossier, reason.strip()


def dossier_complete(*, dossier: Dossier, certification: Certification, user) -> Dossier:
    """Recording the decision completes the dossier: its last step, and the link to it."""
    DossierStep.objects.update_or_create(
        dossier=dossier,
        step=Step.DECISION,
        defaults={
            "done_on": certification.decision_date,
            "note": certification.decision_number,
            "recorded_by": user,
        },
    )
    dossier.certification = certification
    dossier.completed_at = timezone.now()
    dossier.save(update_fields=["certification", "completed_at"])
    return dossier


@transaction.atomic
def certification_record(
    *,
    commune,
    tier: str,
    decision_number: str,
    decision_date: datetime.date,
    authority: str,
    user,
    recognised_year: int | None = None,
    conditions: Mapping[str, object] | None = None,
    dossier_reason: str = "",
    notify_officials: bool = True,
) -> Certification:
    """Record a certification decision made by the province: the one entry point for a
    decision on an assessment, called by the commune page, the dossier page (`dossier_decide`),
    the admin (`CertificationAdmin.save_model`) and the workbook import. Asks
    `certification_dossier_check`, then criteria.certifications.certification_create (the
    certification rules, its only writer; the history records `user`), then completes the
    dossier, if any, and mails the commune's officials (`notify_officials`; the workbook
    import transcribes decisions, often years old, and mails no one)."""
    year = recognised_year if recognised_year is not None else decision_date.year
    # The commune's decisions one at a time (criteria.certifications), and its dossier's steps
    # (`dossier_lock`) wait for this decision, so the dossier read below stays as read.
    certifications_lock(commune=commune)
    for dossier in Dossier.objects.filter(commune=commune, tier=tier, year=year):
        dossier_lock(dossier=dossier)
    try:
        dossier, reason = certification_dossier_check(
            commune=commune, tier=tier, year=year, reason=dossier_reason
        )
    except ValidationError:
        # The certification's own rule speaks first: a commune that may not be certified is
        # told why, not asked for a reason.
        certification_check(commune=commune, year=year, tier=tier, decision_date=decision_date)
        raise
    certification = certification_create(
        commune=commune,
        tier=tier,
        decision_number=decision_number,
        decision_date=decision_date,
        authority=authority,
        recognised_year=recognised_year,
        user=user,
        conditions=conditions,
        dossier_reason=reason,
    )
    if dossier is not None and dossier.certification_id is None:
        dossier_complete(dossier=dossier, certification=certification, user=user)
    if notify_officials:
        _notify_certified(certification, user=user)
    return certification


def _notify_certified(certification: Certification, *, user) -> None:
    """Mail the commune's officials once the decision is committed (accounts.notifications)."""
    commune = certification.commune
    with translation.override(settings.LANGUAGE_CODE):
        details = {
            "commune": commune.name,
            "tier": certification.get_tier_display(),
            "year": str(certification.recognised_year),
            "decision": certification.decision_number,
            "date": certification.decision_date.strftime("%d/%m/%Y"),
            "authority": certification.authority,
        }
    notify(
        event=Event.CERTIFIED,
        key=str(certification.pk),
        commune=commune,
        path=commune.get_absolute_url(),
        actor=user,
        details=details,
    )


@transaction.atomic
def dossier_decide(
    *,
    dossier: Dossier,
    decision_number: str,
    decision_date: datetime.date,
    authority: str,
    user,
    reason: str = "",
) -> Dossier:
    """The decision recorded from the dossier's page: it recognises the dossier's year. Of
    two decisions recorded at once, the second finds the dossier complete (`dossier_lock`)."""
    if not roles.can_certify(user, dossier.commune):
        raise PermissionDenied
    certifications_lock(commune=dossier.commune)
    dossier_lock(dossier=dossier)
    if dossier.is_complete:
        raise ValidationError(_("Hồ sơ đã hoàn thành."), code="complete")
    certification_record(
        commune=dossier.commune,
        tier=dossier.tier,
        decision_number=decision_number,
        decision_date=decision_date,
        authority=authority,
        recognised_year=dossier.year,
        user=user,
        dossier_reason=reason,
    )
    dossier.refresh_from_db()
    return dossier
