"""The only writers of practices and their attachments. Every write that changes what a
province's compendium shows counts a change of its `PracticeVersion` in the same transaction
(`count_compendium_change`), so the stored compendium PDF is never served stale."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import Commune, District, Province
from communes.versions import count_change
from criteria.models import Criterion
from practices.models import Attachment, Category, Practice, PracticeVersion
from practices.uploads import (
    DISPLAY_MAX_SIDE,
    THUMBNAIL_MAX_SIDE,
    check_upload,
    display_copy,
)


def count_compendium_change(*, province_ids: Iterable[int] | None) -> None:
    """One change of the published practices of `province_ids` (every province when None:
    a category renamed in the admin). Call it inside the writer's transaction."""
    count_change(PracticeVersion, province_ids=province_ids)


def _published_changed(practice: Practice) -> None:
    """A change to `practice` shows in its compendium only while it is published."""
    if practice.is_published:
        count_compendium_change(province_ids=[practice.province_id])


def _check_place(province, district, communes) -> None:
    if district is not None and district.province_id != province.pk:
        raise ValidationError({"district": _("Huyện không thuộc tỉnh của mô hình.")})
    for commune in communes:
        if district is not None and commune.district_id != district.pk:
            raise ValidationError(
                {"communes": _("Xã %(name)s không thuộc huyện đã chọn.") % {"name": commune.name}}
            )
        if commune.district.province_id != province.pk:
            raise ValidationError(
                {
                    "communes": _("Xã %(name)s không thuộc tỉnh của mô hình.")
                    % {"name": commune.name}
                }
            )


@transaction.atomic
def practice_create(
    *,
    province: Province,
    user,
    title: str,
    category: Category,
    year: int,
    summary: str,
    contact: str,
    district: District | None = None,
    communes: Iterable[Commune] = (),
    criteria: Iterable[Criterion] = (),
    results: str = "",
    households: int | None = None,
    investment_million_vnd: Decimal | None = None,
    income_million_vnd: Decimal | None = None,
    partners: str = "",
    upload: UploadedFile | None = None,
    caption: str = "",
) -> Practice:
    """A new practice, always a draft (province staff publish it with `practice_publish`),
    with its first attachment when `upload` is given."""
    communes, criteria = list(communes), list(criteria)
    _check_place(province, district, communes)
    practice = Practice(
        province=province,
        created_by=user,
        status=Practice.Status.DRAFT,
        title=title,
        category=category,
        district=district,
        year=year,
        summary=summary,
        results=results,
        households=households,
        investment_million_vnd=investment_million_vnd,
        income_million_vnd=income_million_vnd,
        contact=contact,
        partners=partners,
    )
    practice.refresh_search_text()
    practice.full_clean()
    practice.save()
    practice.communes.set(communes)
    practice.criteria.set(criteria)
    if upload is not None:
        attachment_add(practice=practice, upload=upload, caption=caption, user=user)
    return practice


@transaction.atomic
def practice_update(
    *,
    practice: Practice,
    user,
    title: str,
    category: Category,
    year: int,
    summary: str,
    contact: str,
    district: District | None,
    communes: Iterable[Commune],
    criteria: Iterable[Criterion],
    results: str,
    households: int | None,
    investment_million_vnd: Decimal | None,
    income_million_vnd: Decimal | None,
    partners: str,
) -> Practice:
    """Every field of the practice as the edit form states it (nothing is left as it was by
    omission: each argument is required)."""
    communes, criteria = list(communes), list(criteria)
    _check_place(practice.province, district, communes)
    practice.title = title
    practice.category = category
    practice.district = district
    practice.year = year
    practice.summary = summary
    practice.results = results
    practice.households = households
    practice.investment_million_vnd = investment_million_vnd
    practice.income_million_vnd = income_million_vnd
    practice.contact = contact
    practice.partners = partners
    practice.refresh_search_text()
    practice.full_clean()
    practice.save()
    practice.communes.set(communes)
    practice.criteria.set(criteria)
    _published_changed(practice)
    return practice


@transaction.atomic
def practice_publish(*, practice: Practice, user) -> Practice:
    if practice.is_published:
        raise ValidationError(_("Mô hình này đã được công bố."), code="already_published")
    practice.status = Practice.Status.PUBLISHED
    practice.published_at = timezone.now()
    practice.published_by = user
    practice.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    count_compendium_change(province_ids=[practice.province_id])
    return practice


@transaction.atomic
def practice_unpublish(*, practice: Practice, user) -> Practice:
    """Back to draft, e.g. to correct it; it leaves the lists of others and the compendium."""
    if not practice.is_published:
        raise ValidationError(_("Mô hình này chưa được công bố."), code="not_published")
    practice.status = Practice.Status.DRAFT
    practice.published_at = None
    practice.published_by = None
    practice.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    count_compendium_change(province_ids=[practice.province_id])
    return practice


@transaction.atomic
def attachment_add(
    *, practice: Practice, upload: UploadedFile, caption: str = "", user=None
) -> Attachment:
    """Store a checked photo or PDF (raises ValidationError on a bad file, nothing written).
    A photo gets its display copy at once; the original is kept as uploaded, for download."""
    checked = check_upload(upload)
    attachment = Attachment(
        practice=practice,
        kind=checked.kind,
        original_name=(upload.name or "")[:200],
        content_type=checked.content_type,
        size=upload.size,
        caption=caption,
        uploaded_by=user,
    )
    display = display_copy(upload) if attachment.is_photo else None
    thumbnail = display_copy(upload, THUMBNAIL_MAX_SIDE) if attachment.is_photo else None
    try:
        attachment.file.save(upload.name, upload, save=False)
        if display is not None:
            attachment.display.save(display.name, display, save=False)
            attachment.thumbnail.save(thumbnail.name, thumbnail, save=False)
        attachment.save()
        _published_changed(practice)
    except Exception:
        _delete_files(attachment)
        raise
    return attachment


def _delete_files(attachment: Attachment) -> None:
    for field in (attachment.file, attachment.display, attachment.thumbnail):
        if field:
            field.delete(save=False)


def attachment_create_display_copy(*, attachment: Attachment) -> bool:
    """Give a photo stored before display copies (or thumbnails) existed the copies it lacks.
    The original is only read. False if there is nothing to do (a document, copies already
    there, or the original is missing); ValidationError if the original is above the pixel
    limit or damaged."""
    missing = [
        (name, side)
        for name, side in (("display", DISPLAY_MAX_SIDE), ("thumbnail", THUMBNAIL_MAX_SIDE))
        if not getattr(attachment, name)
    ]
    if not attachment.is_photo or not missing:
        return False
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        return False
    with handle:
        copies = [(name, display_copy(handle, side)) for name, side in missing]
    for name, copy in copies:
        getattr(attachment, name).save(copy.name, copy, save=False)
    try:
        with transaction.atomic():
            attachment.save(update_fields=[name for name, _copy in copies])
            _published_changed(attachment.practice)
    except Exception:
        for name, _copy in copies:
            getattr(attachment, name).delete(save=False)
        raise
    return True


@transaction.atomic
def attachment_delete(*, attachment: Attachment) -> None:
    storage = attachment.file.storage
    names = [
        field.name for field in (attachment.file, attachment.display, attachment.thumbnail) if field
    ]
    attachment.delete()
    _published_changed(attachment.practice)

    def delete_files() -> None:  # once the row is gone for good
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
