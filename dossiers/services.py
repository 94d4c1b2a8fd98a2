"""Writes of dossiers: create, record a step, add a file. The decision step records the
certification through criteria.services, the only writer of certifications."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.models import Criterion, Indicator
from criteria.services import certification_create
from dossiers.models import DOCUMENT_STEPS, Dossier, DossierFile, DossierStep, Step
from practices.uploads import check_upload


def missing(dossier: Dossier, steps: dict, files: list[DossierFile]) -> list[str]:
    """What the dossier still lacks, in procedure order (steps and files already read)."""
    out = []
    documents = {f.step for f in files if f.step}
    for step in Step:
        if step == Step.DECISION:
            continue
        if step not in steps:
            out.append(_("Chưa ghi bước: %(step)s.") % {"step": step.label})
        elif step in DOCUMENT_STEPS and step not in documents:
            out.append(_("Chưa có tài liệu của bước: %(step)s.") % {"step": step.label})
    posting = steps.get(Step.POSTING)
    if posting is not None and dossier.posting_days is not None:
        if posting.end_on is None:
            out.append(_("Chưa ghi ngày kết thúc công khai."))
        elif posting.end_on < posting.posting_deadline:
            out.append(
                _("Thời gian công khai chưa đủ %(days)s ngày (phải đến ngày %(date)s).")
                % {
                    "days": dossier.posting_days,
                    "date": posting.posting_deadline.strftime("%d/%m/%Y"),
                }
            )
    council = steps.get(Step.COUNCIL)
    if council is not None and council.votes_for is None:
        out.append(_("Chưa ghi kết quả biểu quyết của Hội đồng."))
    return out


def dossier_create(*, commune, tier: str, year: int, user) -> Dossier:
    if Dossier.objects.filter(commune=commune, tier=tier, year=year).exists():
        raise ValidationError(_("Xã đã có hồ sơ hạng này cho năm %(year)s.") % {"year": year})
    dossier = Dossier(commune=commune, tier=tier, year=year, created_by=user)
    dossier.full_clean()
    dossier.save()
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
    """Record (or correct) a step other than the decision, with an optional document."""
    if dossier.is_complete:
        raise ValidationError(_("Hồ sơ đã hoàn thành; không sửa được nữa."), code="complete")
    if step == Step.DECISION:
        raise ValueError("the decision is recorded by dossier_decide")
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
    """Record the certification decision and complete the dossier. With steps or documents
    missing it needs `reason`, kept on the dossier."""
    if dossier.is_complete:
        raise ValidationError(_("Hồ sơ đã hoàn thành."), code="complete")
    steps = {s.step: s for s in dossier.steps.all()}
    lacking = missing(dossier, steps, list(dossier.files.all()))
    if lacking and not reason.strip():
        raise ValidationError(
            _("Hồ sơ chưa đủ; cần ghi lý do công nhận khi hồ sơ chưa đủ."), code="reason_required"
        )
    certification = certification_create(
        commune=dossier.commune,
        tier=dossier.tier,
        decision_number=decision_number,
        decision_date=decision_date,
        authority=authority,
        user=user,
    )
    DossierStep.objects.create(
        dossier=dossier,
        step=Step.DECISION,
        done_on=decision_date,
        recorded_by=user,
        note=decision_number,
    )
    dossier.certification = certification
    dossier.completed_at = timezone.now()
    dossier.incomplete_reason = reason.strip() if lacking else ""
    dossier.save(update_fields=["certification", "completed_at", "incomplete_reason"])
    return dossier
