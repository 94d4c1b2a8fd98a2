"""Checks on uploaded photos and documents: size, and type read from the content (never from
the name). A file whose extension does not match its content is refused, so a browser or a
download never treats it as something it is not.

Images are measured from their header before any pixel is decoded, and refused above
`settings.NTM_PRACTICE_IMAGE_MAX_PIXELS`: a 500 KB PNG of 13000 x 13000 pixels decodes to half a
gigabyte. Pages and PDFs show a re-encoded display copy (`display_copy`), never the original.

PDFs are parsed with pypdf: a file that only starts like a PDF is refused, and so is one that
carries JavaScript, an XFA form, or an action that launches a program, opens another file or
sends or fetches form data (document open, page, annotation and form-field triggers). The check
is bounded (pages, objects looked at), so a crafted file cannot hold a worker."""

import io
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from practices.models import Attachment

# Pillow format -> (content type, accepted extensions). WeasyPrint draws all of them.
IMAGE_FORMATS = {
    "JPEG": ("image/jpeg", (".jpg", ".jpeg")),
    "PNG": ("image/png", (".png",)),
    "WEBP": ("image/webp", (".webp",)),
    "GIF": ("image/gif", (".gif",)),
}
# Served inline (with nosniff): the types a check above gave; everything else is a download.
INLINE_CONTENT_TYPES = frozenset(content_type for content_type, _ext in IMAGE_FORMATS.values())
PDF_MAGIC = b"%PDF-"
PDF = ("application/pdf", (".pdf",))
# Longest side of the display copy, in pixels: sharp on a page and in an A4 PDF.
DISPLAY_MAX_SIDE = 1600
# The copy pages show in their grid (a column of about 360 px, sharp on 1.3x screens); a click
# opens the display copy. About 30 KB instead of the display copy's 200-400 KB.
THUMBNAIL_MAX_SIDE = 480
DISPLAY_CONTENT_TYPES = {".jpg": "image/jpeg", ".png": "image/png"}
# Actions that run code, start another program, or fetch or send something when the document is
# opened or a field or link is used: JavaScript (also /JS without /S), Launch, remote and
# embedded go-to (GoToR, GoToE: another file), SubmitForm and ImportData (send or fetch form
# data), Rendition and RichMediaExecute (media that can carry scripts). A plain /URI link is
# allowed: it is a hyperlink the reader's viewer asks about before opening, common in reports.
ACTIVE_ACTIONS = frozenset(
    {
        "/JavaScript",
        "/Launch",
        "/GoToR",
        "/GoToE",
        "/SubmitForm",
        "/ImportData",
        "/Rendition",
        "/RichMediaExecute",
    }
)
# Bounds on the walk through actions and form fields, against crafted cycles.
MAX_DEPTH = 32
# Bounds on the whole check: a PDF whose pages share one huge /Annots array made the walk
# pages x annotations long (four uploads pinned four workers for 38 s). Objects already seen are
# not walked again, and a document with more pages or objects to look at than this is refused
# as too complex to check rather than checked for minutes.
MAX_PDF_PAGES = 2_000
MAX_PDF_OBJECTS = 100_000
# And a time budget for the walk, in seconds (checked every thousand objects): no file a user
# sends may hold a worker past 10 s, whatever the objects cost to parse.
PDF_CHECK_SECONDS = 8.0


class _TooComplex(Exception):
    pass


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str


def max_upload_bytes() -> int:
    return settings.NTM_PRACTICE_MAX_UPLOAD_BYTES


def max_image_pixels() -> int:
    return settings.NTM_PRACTICE_IMAGE_MAX_PIXELS


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    limit = f"{max_image_pixels() / 1_000_000:g}"
    if width is None or height is None:
        message = _(
            "Ảnh quá lớn: vượt giới hạn %(max)s triệu điểm ảnh. Hãy thu nhỏ ảnh rồi tải lên lại."
        ) % {"max": limit}
    else:
        message = _(
            "Ảnh quá lớn: %(width)s × %(height)s điểm ảnh, vượt giới hạn %(max)s triệu điểm "
            "ảnh. Hãy thu nhỏ ảnh (ví dụ cạnh dài 4000 điểm ảnh) rồi tải lên lại."
        ) % {"width": width, "height": height, "max": limit}
    return ValidationError(message, code="too_many_pixels")


def _image_format(upload: BinaryIO) -> str | None:
    """The Pillow format of an image within the pixel limit, None if it is not an image.
    `Image.open` reads only the header, so the size is known before anything is decoded."""
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            fmt = image.format
            width, height = image.size
            if width * height > max_image_pixels():
                raise _too_many_pixels(width, height)
            image.verify()  # reads the whole file: a truncated or forged image fails here
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        # Pillow's own guard (Image.MAX_IMAGE_PIXELS, left at its default: lowering it for the
        # whole process would hide the size from the message above), refused all the same.
        raise _too_many_pixels() from exc
    except Exception:  # Pillow raises many types on garbage; all mean "not an image"
        return None
    finally:
        upload.seek(0)
    return fmt


class _ActiveContentWalk:
    """One bounded walk over the places a PDF can hold an action: the catalog's open action and
    triggers, the document-level JavaScript name tree, XFA forms, form fields, and every page
    and annotation. Each indirect object is looked at once, and at most MAX_PDF_OBJECTS of
    them (`_TooComplex` beyond). "Once" is per role (action, trigger holder, field, list): an
    object first met as something harmless (say an annotation listed in an open action's
    array) is still checked when it is met as an annotation."""

    def __init__(self) -> None:
        self.seen: set[tuple[int, int, str]] = set()
        self.budget = MAX_PDF_OBJECTS
        self.deadline = time.monotonic() + PDF_CHECK_SECONDS

    def _spend(self) -> None:
        self.budget -= 1
        if self.budget < 0 or (self.budget % 1000 == 0 and time.monotonic() > self.deadline):
            raise _TooComplex

    def resolve(self, obj, role: str):
        """The object behind `obj`, or None when it is an indirect object already walked in
        this role."""
        self._spend()
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation, role)
            if key in self.seen:
                return None
            self.seen.add(key)
            return obj.get_object()
        return obj

    def action_is_active(self, action, depth: int = 0) -> bool:
        """Whether an action dictionary (or a /Next chain or array of them) is active."""
        if depth > MAX_DEPTH:
            return True  # a chain this long is built to hide something
        action = self.resolve(action, "action")
        if isinstance(action, ArrayObject):
            return any(self.action_is_active(item, depth + 1) for item in action)
        if not isinstance(action, DictionaryObject):
            return False  # e.g. an /OpenAction that is a destination array
        if "/JS" in action or action.get("/S") in ACTIVE_ACTIONS:
            return True
        return "/Next" in action and self.action_is_active(action["/Next"], depth + 1)

    def has_active_trigger(self, holder) -> bool:
        """An /A action or any /AA (additional actions: open, close, focus, key...) that is
        active, on a catalog, page, annotation or form field."""
        holder = self.resolve(holder, "holder")
        if not isinstance(holder, DictionaryObject):
            return False
        if "/A" in holder and self.action_is_active(holder["/A"]):
            return True
        triggers = self.resolve(holder.get("/AA"), "triggers")
        if isinstance(triggers, DictionaryObject):
            return any(self.action_is_active(action) for action in triggers.values())
        return False

    def field_is_active(self, field, depth: int = 0) -> bool:
        if depth > MAX_DEPTH:
            return True  # a field tree this deep is built to hide something
        field = self.resolve(field, "field")
        if not isinstance(field, DictionaryObject):
            return False
        if self.has_active_trigger(field):
            return True
        kids = self.resolve(field.get("/Kids"), "list") or []
        return any(self.field_is_active(kid, depth + 1) for kid in kids)

    def document_is_active(self, reader: PdfReader) -> bool:
        catalog = self.resolve(reader.trailer["/Root"], "catalog")
        if self.action_is_active(catalog.get("/OpenAction")) or self.has_active_trigger(catalog):
            return True
        names = self.resolve(catalog.get("/Names"), "names")
        if isinstance(names, DictionaryObject) and "/JavaScript" in names:
            return True
        acroform = self.resolve(catalog.get("/AcroForm"), "acroform")
        if isinstance(acroform, DictionaryObject):
            if "/XFA" in acroform:
                return True  # XFA forms carry their own scripts
            fields = self.resolve(acroform.get("/Fields"), "list") or []
            if any(self.field_is_active(field) for field in fields):
                return True
        for page in reader.pages:
            if self.has_active_trigger(page):
                return True
            for annotation in self.resolve(page.get("/Annots"), "list") or []:
                if self.has_active_trigger(annotation):
                    return True
        return False


def pdf_is_active(reader: PdfReader) -> bool:
    """Whether the document can run code or fetch or send something (ACTIVE_ACTIONS, XFA).
    Raises `_TooComplex` past MAX_PDF_OBJECTS objects looked at."""
    return _ActiveContentWalk().document_is_active(reader)


def _check_pdf(upload: BinaryIO) -> None:
    """Raise ValidationError unless the file parses as a PDF with pages and no active content."""
    upload.seek(0)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ValidationError(
                _("Tệp PDF được đặt mật khẩu; hãy tải lên bản không có mật khẩu."),
                code="encrypted_pdf",
            )
        pages = len(reader.pages)
        if pages == 0:
            raise ValueError("no pages")
        if pages > MAX_PDF_PAGES:
            raise _TooComplex
        active = pdf_is_active(reader)
    except ValidationError:
        raise
    except _TooComplex:
        raise ValidationError(
            _(
                "Tệp PDF quá phức tạp để kiểm tra (quá %(pages)s trang hoặc quá nhiều đối "
                "tượng); hãy tách hoặc in lại thành PDF (Print to PDF) rồi tải lên."
            )
            % {"pages": MAX_PDF_PAGES},
            code="complex_pdf",
        ) from None
    except Exception as exc:  # pypdf raises many types on garbage; all mean "not a PDF"
        raise ValidationError(
            _(
                "Tệp không phải là PDF hợp lệ (hỏng hoặc giả mạo); hãy xuất lại tệp PDF rồi "
                "tải lên."
            ),
            code="invalid_pdf",
        ) from exc
    finally:
        upload.seek(0)
    if active:
        raise ValidationError(
            _(
                "Tệp PDF có chứa mã JavaScript, biểu mẫu XFA hoặc lệnh mở chương trình, tệp "
                "khác hay gửi dữ liệu nên không được nhận; hãy in lại thành PDF (Print to PDF) "
                "rồi tải lên."
            ),
            code="active_pdf",
        )


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
    if kind == Attachment.Kind.DOCUMENT:
        _check_pdf(upload)  # after the cheap checks: parsing costs more
    return CheckedUpload(kind=kind, content_type=content_type)


def display_copy(source: BinaryIO, max_side: int = DISPLAY_MAX_SIDE) -> ContentFile:
    """A copy of a checked image for pages and PDFs: longest side at most `max_side`,
    turned upright, without metadata (no GPS position of the phone that took it); JPEG, or
    PNG when the image has transparency. JPEGs are decoded at reduced scale (Pillow's draft),
    so a 40-megapixel photo costs a fraction of its full size in memory."""
    source.seek(0)
    try:
        with Image.open(source) as image:
            if image.width * image.height > max_image_pixels():
                raise _too_many_pixels(image.width, image.height)
            # A JPEG decodes at 1/2, 1/4 or 1/8 scale if that still leaves twice the final
            # size (thumbnail's own draft asks for a square, which this skips for most photos).
            scale = max_side / max(image.size)
            if scale < 1:
                image.draft(None, (int(image.width * scale * 2), int(image.height * scale * 2)))
            image.thumbnail((max_side, max_side))
            image = ImageOps.exif_transpose(image)
            transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            out = io.BytesIO()
            if transparent:
                image.convert("RGBA").save(out, format="PNG", optimize=True)
                name = "display.png"
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
                name = "display.jpg"
    except ValidationError:
        raise
    except Image.DecompressionBombError as exc:
        raise _too_many_pixels() from exc
    except Exception as exc:  # passed verify() but does not decode: a damaged image
        raise ValidationError(
            _("Chỉ nhận ảnh (JPEG, PNG, WebP, GIF) hoặc tài liệu PDF hợp lệ."),
            code="invalid_type",
        ) from exc
    finally:
        source.seek(0)
    return ContentFile(out.getvalue(), name=name)


def file_response(field, content_type: str, *, filename: str, download: bool) -> FileResponse:
    """Serve an uploaded file (practice attachments, dossier documents and evidence). Only an
    image of a type checked at upload may be shown inline, and is never sniffed as anything
    else; everything else (PDFs too) is a download, so a browser never runs what a file
    carries."""
    try:
        handle = field.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=download or content_type not in INLINE_CONTENT_TYPES,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response
