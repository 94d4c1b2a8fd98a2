import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from practices.uploads import check_upload
from tests.practices.conftest import PDF_BYTES, image_bytes


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
