import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from practices.models import Category, Practice
from practices.services import practice_publish


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads and cached PDFs go to temporary folders, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.REPORT_CACHE_DIR = tmp_path / "reports"


def image_bytes(fmt="PNG", size=(40, 30), color=(25, 135, 84)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return buf.getvalue()


def pdf_bytes(writer: PdfWriter | None = None) -> bytes:
    """A real one-page PDF (pypdf), or the document `writer` holds."""
    if writer is None:
        writer = PdfWriter()
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


PDF_BYTES = pdf_bytes()


# PDFs that can run code, each through another door pdf_is_active checks.


def page_writer() -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    return writer


def _js(code="app.alert(1)") -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject(code)}
    )


def _launch() -> DictionaryObject:
    return DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )


def pdf_with_open_action_js() -> bytes:
    writer = page_writer()
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(_js())
    return pdf_bytes(writer)


def pdf_with_document_js() -> bytes:
    writer = page_writer()
    writer.add_open_action(JavaScript("this.print({bUI:true});"))  # the /Names tree
    return pdf_bytes(writer)


def pdf_with_chained_launch() -> bytes:
    writer = page_writer()
    go_to = DictionaryObject(
        {
            NameObject("/S"): NameObject("/GoTo"),
            NameObject("/D"): ArrayObject([NumberObject(0), NameObject("/Fit")]),
            NameObject("/Next"): _launch(),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = go_to
    return pdf_bytes(writer)


def pdf_with_page_trigger_js() -> bytes:
    writer = page_writer()
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js()})
    return pdf_bytes(writer)


def pdf_with_link_launch() -> bytes:
    writer = page_writer()
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 100, 100)]),
            NameObject("/A"): _launch(),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    return pdf_bytes(writer)


def pdf_with_annotation_trigger_js() -> bytes:
    writer = page_writer()
    widget = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Widget"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 100, 100)]),
            NameObject("/AA"): DictionaryObject({NameObject("/E"): _js()}),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(widget)])
    return pdf_bytes(writer)


def huge_png(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of the given size, small on disk: 13000 x 13000 pixels is
    about 20 KB (rows of zeros compress well), written row by row so the test never holds the
    decoded image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte + packed pixels
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def png_upload(name="anh.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/png")


def make_practice(
    province,
    title,
    *,
    year=2026,
    status=Practice.Status.PUBLISHED,
    category=None,
    district=None,
    criteria=(),
    communes=(),
    created_by=None,
    **fields,
) -> Practice:
    practice = Practice(
        province=province,
        title=title,
        year=year,
        category=category or Category.objects.order_by("order").first(),
        district=district,
        summary=fields.pop("summary", "Tóm tắt cách làm."),
        contact=fields.pop("contact", "UBND xã, ĐT 0000"),
        created_by=created_by,
        **fields,
    )
    practice.refresh_search_text()
    practice.save()
    practice.criteria.set(criteria)
    practice.communes.set(communes)
    if status == Practice.Status.PUBLISHED:
        practice_publish(practice=practice, user=created_by)
    return practice


@pytest.fixture
def categories(db):
    return list(Category.objects.order_by("order"))


def edit(practice, *, user, **changes):
    """`practice_update` stating every field as it stands, but for `changes`."""
    from practices.services import practice_update

    fields = {
        "title": practice.title,
        "category": practice.category,
        "year": practice.year,
        "summary": practice.summary,
        "contact": practice.contact,
        "district": practice.district,
        "communes": list(practice.communes.all()),
        "criteria": list(practice.criteria.all()),
        "results": practice.results,
        "households": practice.households,
        "investment_million_vnd": practice.investment_million_vnd,
        "income_million_vnd": practice.income_million_vnd,
        "partners": practice.partners,
    }
    return practice_update(practice=practice, user=user, **(fields | changes))


def _link(action: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (0, 0, 100, 100)]),
            NameObject("/A"): action,
        }
    )


def pdf_with_link_action(kind: str, **entries) -> bytes:
    """One page with a link whose action is `/S kind` (GoToR, SubmitForm, URI...)."""
    writer = page_writer()
    action = DictionaryObject({NameObject("/S"): NameObject(f"/{kind}")})
    action.update({NameObject(f"/{k}"): TextStringObject(v) for k, v in entries.items()})
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(_link(action))])
    return pdf_bytes(writer)


def pdf_with_xfa() -> bytes:
    writer = page_writer()
    writer.root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): TextStringObject("<xdp:xdp><script>app.alert(1)</script>"),
        }
    )
    return pdf_bytes(writer)


def pdf_with_annotation_hidden_in_the_open_action() -> bytes:
    """A JavaScript link whose annotation is first listed in the open action's array: looked at
    there as an action (harmless), it must still be checked as an annotation."""
    writer = page_writer()
    link = writer._add_object(_link(_js()))
    writer.root_object[NameObject("/OpenAction")] = ArrayObject([link, NameObject("/Fit")])
    writer.pages[0][NameObject("/Annots")] = ArrayObject([link])
    return pdf_bytes(writer)


def pdf_with_shared_annotations(pages: int, annotations: int) -> bytes:
    """`pages` pages sharing one /Annots array of `annotations` harmless links (N4: the walk
    was pages x annotations long)."""
    writer = PdfWriter()
    go_to = DictionaryObject({NameObject("/S"): NameObject("/GoTo")})
    links = ArrayObject(writer._add_object(_link(go_to)) for _ in range(annotations))
    shared = writer._add_object(links)
    for _ in range(pages):
        page = writer.add_blank_page(width=595, height=842)
        page[NameObject("/Annots")] = shared
    return pdf_bytes(writer)
