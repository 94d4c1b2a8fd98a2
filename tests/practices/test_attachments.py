import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from practices.models import Attachment
from practices.services import attachment_add
from tests.practices.conftest import (
    PDF_BYTES,
    huge_png,
    image_bytes,
    make_practice,
    pdf_with_open_action_js,
    png_upload,
)

pytestmark = pytest.mark.django_db


def add_url(practice):
    return reverse("practices:attachment_add", args=[practice.pk])


@pytest.fixture
def practice(world):
    return make_practice(world.province, "Có ảnh", district=world.district_a)


def test_province_staff_upload_a_photo(client, world, practice):
    client.force_login(world.province_staff)
    response = client.post(add_url(practice), {"file": png_upload(), "caption": "Ảnh 1"})
    assert response.status_code == 302
    assert practice.attachments.get().caption == "Ảnh 1"


def test_a_pdf_is_stored_as_a_document(client, world, practice):
    client.force_login(world.province_staff)
    client.post(add_url(practice), {"file": SimpleUploadedFile("bc.pdf", PDF_BYTES)})
    assert practice.attachments.get().kind == "document"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anh.pdf", image_bytes(), "không khớp"),
        ("virus.png", b"MZ\x90\x00" * 10, "Chỉ nhận ảnh"),
    ],
)
def test_bad_files_are_refused_with_a_message(client, world, practice, name, content, message):
    client.force_login(world.province_staff)
    response = client.post(add_url(practice), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused(client, world, practice, settings):
    settings.NTM_PRACTICE_MAX_UPLOAD_BYTES = 100
    client.force_login(world.province_staff)
    response = client.post(add_url(practice), {"file": png_upload()})
    assert response.status_code == 400 and "quá lớn" in response.content.decode()
    assert not Attachment.objects.exists()


def test_it_rejects_get(client, world, practice):
    client.force_login(world.province_staff)
    assert client.get(add_url(practice)).status_code == 405


def test_a_reader_cannot_upload(client, world, practice):
    client.force_login(world.official_b)
    assert client.post(add_url(practice), {"file": png_upload()}).status_code == 404
    assert not Attachment.objects.exists()


def test_files_are_served_only_within_scope(client, world, practice):
    attachment = attachment_add(practice=practice, upload=png_upload(), user=world.province_staff)
    url = attachment.get_absolute_url()
    assert url.startswith("/practices/attachments/")
    response = client.get(url)
    assert response.status_code == 302  # anonymous: to the login page
    client.force_login(world.official_b)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == image_bytes()
    client.force_login(world.other_province_staff)
    assert client.get(url).status_code == 404


def test_files_of_a_draft_are_hidden_from_other_districts(client, world):
    draft = make_practice(
        world.province,
        "Nháp",
        status="draft",
        district=world.district_a,
        created_by=world.official_a,
    )
    attachment = attachment_add(practice=draft, upload=png_upload(), user=world.official_a)
    client.force_login(world.official_b)
    assert client.get(attachment.get_absolute_url()).status_code == 404
    client.force_login(world.official_a)
    assert client.get(attachment.get_absolute_url()).status_code == 200


def test_delete_removes_row_and_file(client, world, practice, django_capture_on_commit_callbacks):
    attachment = attachment_add(practice=practice, upload=png_upload(), user=world.province_staff)
    path = attachment.file.path
    url = reverse("practices:attachment_delete", args=[attachment.pk])
    client.force_login(world.province_staff)
    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    assert not Attachment.objects.exists()
    import os

    assert not os.path.exists(path)


def test_a_reader_cannot_delete(client, world, practice):
    attachment = attachment_add(practice=practice, upload=png_upload(), user=world.province_staff)
    client.force_login(world.official_a)
    url = reverse("practices:attachment_delete", args=[attachment.pk])
    assert client.post(url).status_code == 404
    assert Attachment.objects.count() == 1


def media_files(settings) -> list:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_photo_above_the_pixel_limit_is_refused_and_nothing_stored(
    client, world, practice, settings
):
    client.force_login(world.province_staff)
    upload = SimpleUploadedFile("ruong-bac-thang.png", huge_png(13000, 13000))
    response = client.post(add_url(practice), {"file": upload})
    assert response.status_code == 400
    assert "13000 × 13000 điểm ảnh" in response.content.decode()
    assert not Attachment.objects.exists()
    assert media_files(settings) == []


def test_a_large_photo_gets_a_display_copy_and_keeps_its_original(client, world, practice):
    original = image_bytes("JPEG", size=(3000, 2000))
    client.force_login(world.province_staff)
    upload = SimpleUploadedFile("cho-phien.jpg", original)
    assert client.post(add_url(practice), {"file": upload}).status_code == 302
    attachment = practice.attachments.get()
    with attachment.file.open("rb") as f:
        assert f.read() == original
    assert attachment.size == len(original)
    with attachment.display.open("rb") as f, Image.open(f) as image:
        assert image.size == (1600, 1067)
    with attachment.thumbnail.open("rb") as f, Image.open(f) as image:
        assert image.size == (480, 320)
    # The page shows the thumbnail, a click away from the display copy, and links the original.
    page = client.get(practice.get_absolute_url()).content.decode()
    assert f'<a href="{attachment.get_display_url()}"><img' in page
    assert f'src="{attachment.get_thumbnail_url()}"' in page
    assert f'src="{attachment.get_display_url()}"' not in page
    assert f'<a class="attachment-original" href="{attachment.get_absolute_url()}">' in page
    assert "tải ảnh gốc" in page
    assert f'src="{attachment.get_absolute_url()}"' not in page


def test_the_display_copy_is_served_inline_and_not_sniffed(client, world, practice):
    attachment = attachment_add(
        practice=practice, upload=png_upload("cay-na.png"), user=world.province_staff
    )
    client.force_login(world.official_b)
    response = client.get(attachment.get_display_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert 'filename="cay-na.jpg"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (40, 30)


def test_the_thumbnail_is_served_inline(client, world, practice):
    attachment = attachment_add(
        practice=practice,
        upload=SimpleUploadedFile("cho.jpg", image_bytes("JPEG", size=(1200, 900))),
        user=world.province_staff,
    )
    client.force_login(world.official_b)
    response = client.get(attachment.get_thumbnail_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (480, 360)


def test_the_original_photo_is_a_download(client, world, practice):
    attachment = attachment_add(practice=practice, upload=png_upload(), user=world.province_staff)
    client.force_login(world.province_staff)
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_older_photo_without_a_copy_shows_its_original(client, world, practice):
    attachment = attachment_add(practice=practice, upload=png_upload(), user=world.province_staff)
    attachment.display.delete(save=True)  # as stored before display copies existed
    client.force_login(world.province_staff)
    response = client.get(attachment.get_display_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert b"".join(response.streaming_content) == image_bytes()


def test_a_document_has_no_display_copy(client, world, practice):
    attachment = attachment_add(
        practice=practice, upload=SimpleUploadedFile("bc.pdf", PDF_BYTES), user=None
    )
    assert not attachment.display
    client.force_login(world.province_staff)
    assert client.get(attachment.get_display_url()).status_code == 404


def test_the_display_copy_is_served_only_within_scope(client, world, practice):
    attachment = attachment_add(practice=practice, upload=png_upload(), user=world.province_staff)
    assert client.get(attachment.get_display_url()).status_code == 302
    client.force_login(world.other_province_staff)
    assert client.get(attachment.get_display_url()).status_code == 404


def test_a_clean_pdf_is_accepted_and_served_as_a_download(client, world, practice):
    client.force_login(world.province_staff)
    upload = SimpleUploadedFile("bao-cao.pdf", PDF_BYTES)
    assert client.post(add_url(practice), {"file": upload}).status_code == 302
    attachment = practice.attachments.get()
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>", "không phải là PDF"),
        (pdf_with_open_action_js(), "JavaScript"),
    ],
)
def test_a_fake_or_active_pdf_is_refused_and_nothing_stored(
    client, world, practice, settings, content, message
):
    client.force_login(world.province_staff)
    response = client.post(add_url(practice), {"file": SimpleUploadedFile("bc.pdf", content)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists()
    assert media_files(settings) == []


def test_delete_also_removes_the_display_copy(
    client, world, practice, django_capture_on_commit_callbacks
):
    attachment = attachment_add(practice=practice, upload=png_upload(), user=world.province_staff)
    paths = [Path(attachment.file.path), Path(attachment.display.path)]
    client.force_login(world.province_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("practices:attachment_delete", args=[attachment.pk]))
    assert [p.exists() for p in paths] == [False, False]
