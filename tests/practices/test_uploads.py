import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf.generic import ArrayObject, NameObject

from practices.uploads import check_upload, display_copy
from tests.practices.conftest import (
    PDF_BYTES,
    huge_png,
    image_bytes,
    page_writer,
    pdf_bytes,
    pdf_with_annotation_hidden_in_the_open_action,
    pdf_with_annotation_trigger_js,
    pdf_with_chained_launch,
    pdf_with_document_js,
    pdf_with_link_action,
    pdf_with_link_launch,
    pdf_with_open_action_js,
    pdf_with_page_trigger_js,
    pdf_with_shared_annotations,
    pdf_with_xfa,
)


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [
        ("a.png", "PNG", "image/png"),
        ("a.JPG", "JPEG", "image/jpeg"),
        ("a.webp", "WEBP", "image/webp"),
    ],
)
def test_it_accepts_images_by_content(name, fmt, content_type):
    checked = check_upload(upload(name, image_bytes(fmt)))
    assert (checked.kind, checked.content_type) == ("photo", content_type)


def test_it_accepts_a_pdf_by_its_magic_bytes():
    checked = check_upload(upload("bao-cao.pdf", PDF_BYTES))
    assert (checked.kind, checked.content_type) == ("document", "application/pdf")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.pdf", image_bytes("PNG")),  # an image named like a PDF
        ("tai-lieu.jpg", PDF_BYTES),  # a PDF named like a photo
        ("anh.jpg", image_bytes("PNG")),  # a PNG named .jpg
        ("anh", image_bytes("PNG")),  # no extension
    ],
)
def test_it_refuses_a_wrong_extension(name, content):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload(name, content))
    assert exc.value.code == "wrong_extension"
    assert "không khớp" in exc.value.messages[0]


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00 not an image",  # an executable renamed
        b"<html><script>alert(1)</script></html>",
        image_bytes("PNG")[:60],  # a truncated PNG: Pillow's verify fails
        image_bytes("BMP"),  # a real image of a type we do not take
    ],
)
def test_it_refuses_content_that_is_neither_image_nor_pdf(content):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("anh.png", content))
    assert exc.value.code == "invalid_type"


def test_it_refuses_a_file_over_the_configured_size(settings):
    settings.NTM_PRACTICE_MAX_UPLOAD_BYTES = 1000
    big = image_bytes("PNG", size=(400, 400), color=(1, 2, 3))
    noisy = upload("anh.png", big + b"\0" * 2000)
    with pytest.raises(ValidationError) as exc:
        check_upload(noisy)
    assert exc.value.code == "too_large"
    assert "tối đa" in exc.value.messages[0]


def test_the_default_limit_is_five_megabytes():
    from django.conf import settings

    assert settings.NTM_PRACTICE_MAX_UPLOAD_BYTES == 5 * 1024 * 1024


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("a.png", b""))
    assert exc.value.code == "empty"


def test_the_default_pixel_limit_is_forty_megapixels():
    from django.conf import settings

    assert settings.NTM_PRACTICE_IMAGE_MAX_PIXELS == 40_000_000


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize("side", [13000, 12000])
def test_it_refuses_an_image_above_the_pixel_limit_from_its_header(side):
    content = huge_png(side, side)
    assert len(content) < 500_000  # small on disk, half a gigabyte decoded
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("anh.png", content))
    assert exc.value.code == "too_many_pixels"
    assert f"{side} × {side} điểm ảnh" in exc.value.messages[0]
    assert "40 triệu điểm ảnh" in exc.value.messages[0]


def test_it_refuses_an_image_past_pillows_own_bomb_guard():
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("anh.png", huge_png(20000, 20000)))
    assert exc.value.code == "too_many_pixels"
    assert "quá lớn" in exc.value.messages[0]


def test_it_reads_the_pixel_limit_from_settings(settings):
    settings.NTM_PRACTICE_IMAGE_MAX_PIXELS = 1000
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("anh.png", image_bytes("PNG", size=(40, 30))))
    assert exc.value.code == "too_many_pixels"
    assert "0.001 triệu" in exc.value.messages[0]


def test_it_refuses_a_pdf_that_only_starts_like_one():
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("bao-cao.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>"))
    assert exc.value.code == "invalid_pdf"
    assert "không phải là PDF hợp lệ" in exc.value.messages[0]


@pytest.mark.parametrize(
    "build",
    [
        pdf_with_open_action_js,
        pdf_with_document_js,
        pdf_with_chained_launch,
        pdf_with_page_trigger_js,
        pdf_with_link_launch,
        pdf_with_annotation_trigger_js,
        pdf_with_annotation_hidden_in_the_open_action,
        pdf_with_xfa,
        lambda: pdf_with_link_action("GoToR", F="other.pdf"),
        lambda: pdf_with_link_action("GoToE"),
        lambda: pdf_with_link_action("SubmitForm", F="http://example.invalid/collect"),
        lambda: pdf_with_link_action("ImportData", F="data.fdf"),
    ],
)
def test_it_refuses_a_pdf_that_can_run_code(build):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("bao-cao.pdf", build()))
    assert exc.value.code == "active_pdf"
    assert "JavaScript" in exc.value.messages[0]


def test_it_accepts_a_pdf_whose_open_action_only_goes_to_a_page():
    writer = page_writer()
    writer.root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    checked = check_upload(upload("bao-cao.pdf", pdf_bytes(writer)))
    assert checked.kind == "document"


def test_it_accepts_a_plain_web_link():
    content = pdf_with_link_action("URI", URI="https://nongthonmoi.gov.vn/")
    assert check_upload(upload("bao-cao.pdf", content)).kind == "document"


def test_pages_sharing_one_annotation_array_are_checked_once():
    """N4: 400 pages sharing 2,000 annotations were 800,000 steps; now about 2,400."""
    content = pdf_with_shared_annotations(pages=400, annotations=2_000)
    assert check_upload(upload("bao-cao.pdf", content)).kind == "document"


def test_a_pdf_with_too_much_to_check_is_refused(monkeypatch):
    from practices import uploads

    monkeypatch.setattr(uploads, "MAX_PDF_OBJECTS", 500)
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("bao-cao.pdf", pdf_with_shared_annotations(pages=2, annotations=600)))
    assert exc.value.code == "complex_pdf"


def test_a_pdf_that_takes_too_long_to_check_is_refused(monkeypatch):
    from practices import uploads

    monkeypatch.setattr(uploads, "PDF_CHECK_SECONDS", -1.0)  # every check is past the budget
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("bao-cao.pdf", pdf_with_shared_annotations(pages=2, annotations=1500)))
    assert exc.value.code == "complex_pdf"


def test_a_pdf_with_too_many_pages_is_refused(monkeypatch):
    from practices import uploads

    monkeypatch.setattr(uploads, "MAX_PDF_PAGES", 3)
    with pytest.raises(ValidationError) as exc:
        check_upload(upload("bao-cao.pdf", pdf_with_shared_annotations(pages=4, annotations=1)))
    assert exc.value.code == "complex_pdf"
    assert "3 trang" in exc.value.messages[0]


def test_the_display_copy_fits_1600_pixels_and_keeps_the_proportions():
    source = io.BytesIO(image_bytes("JPEG", size=(3000, 2000)))
    copy = display_copy(source)
    assert copy.name == "display.jpg"
    with Image.open(io.BytesIO(copy.read())) as image:
        assert (image.format, image.size) == ("JPEG", (1600, 1067))


def test_a_small_photo_is_reencoded_without_its_metadata():
    exif = Image.Exif()
    exif[0x010F] = "Máy ảnh của xã"  # Make
    buf = io.BytesIO()
    Image.new("RGB", (300, 200), (1, 2, 3)).save(buf, format="JPEG", exif=exif)
    copy = display_copy(io.BytesIO(buf.getvalue()))
    with Image.open(io.BytesIO(copy.read())) as image:
        assert image.size == (300, 200)
        assert not image.getexif()


def test_a_transparent_image_keeps_its_transparency_as_png():
    buf = io.BytesIO()
    Image.new("RGBA", (2000, 400), (0, 0, 0, 0)).save(buf, format="PNG")
    copy = display_copy(io.BytesIO(buf.getvalue()))
    with Image.open(io.BytesIO(copy.read())) as image:
        assert (copy.name, image.mode, image.size) == ("display.png", "RGBA", (1600, 320))
