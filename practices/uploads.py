"""Checks on uploaded photos and documents: size, and type read from the content (never from
the name). A file whose extension does not match its content is refused, so a browser or a
download never treats it as something it is not."""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image

from practices.models import Attachment

# Pillow format -> (content type, accepted extensions). WeasyPrint draws all of them.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", (".jpg", ".jpeg")),
    "PNG": ("image/png", (".png",)),
    "WEBP": ("image/webp", (".webp",)),
    "GIF": ("image/gif", (".gif",)),
}
PDF_MAGIC = b"%PDF-"
PDF = ("application/pdf", (".pdf",))


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str


def max_upload_bytes() -> int:
    return settings.NTM_PRACTICE_MAX_UPLOAD_BYTES


def _image_format(upload: UploadedFile) -> str | None:
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            fmt = image.format
            image.verify()  # reads the whole file: a truncated or forged image fails here
    except Exception:  # Pillow raises many types on garbage; all mean "not an image"
        return None
    finally:
        upload.seek(0)
    return fmt


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """The kind and content type of an acceptable upload; ValidationError (Vietnamese) if not."""
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("Tệp quá lớn (%(size)s); dung lượng tối đa là %(max)s.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("Tệp rỗng."), code="empty")
    upload.seek(0)
    head = upload.read(len(PDF_MAGIC))
    upload.seek(0)
    if head == PDF_MAGIC:
        kind, (content_type, extensions) = Attachment.Kind.DOCUMENT, PDF
    else:
        fmt = _image_format(upload)
        if fmt not in IMAGE_FORMATS:
            raise ValidationError(
                _("Chỉ nhận ảnh (JPEG, PNG, WebP, GIF) hoặc tài liệu PDF hợp lệ."),
                code="invalid_type",
            )
        kind, (content_type, extensions) = Attachment.Kind.PHOTO, IMAGE_FORMATS[fmt]
    extension = Path(upload.name or "").suffix.lower()
    if extension not in extensions:
        raise ValidationError(
            _(
                "Phần mở rộng “%(ext)s” không khớp với nội dung tệp (%(type)s); "
                "hãy dùng %(expected)s."
            )
            % {
                "ext": extension or _("(không có)"),
                "type": content_type,
                "expected": ", ".join(extensions),
            },
            code="wrong_extension",
        )
    return CheckedUpload(kind=kind, content_type=content_type)
