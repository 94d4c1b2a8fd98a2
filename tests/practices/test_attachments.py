import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from practices.models import Attachment
from practices.services import attachment_add
from tests.practices.conftest import PDF_BYTES, image_bytes, make_practice, png_upload

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
