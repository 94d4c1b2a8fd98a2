"""Pending uploads: a private directory, removed on apply, cancel and expiry, with a quota."""

import os
import stat
import time

import pytest
from django.urls import reverse

from imports import uploads
from tests.imports.conftest import HEADER_19, fingerprint, write_xlsx

pytestmark = pytest.mark.django_db

UPLOAD = reverse("imports:import_upload")
ROW = ["06505", "Vạn Linh", 2019] + ["x"] * 19


@pytest.fixture
def staff_client(client, province_user):
    client.force_login(province_user)
    return client


def upload(client, tmp_path, name="book.xlsx"):
    path = write_xlsx(tmp_path / name, [HEADER_19, ROW])
    with path.open("rb") as fh:
        return client.post(UPLOAD, {"file": fh})


def stored(upload_dir):
    return sorted(p.name for p in upload_dir.glob("*/*"))


def test_uploads_are_private_and_keep_only_the_parsed_rows(
    staff_client, tmp_path, upload_dir, province_user
):
    response = upload(staff_client, tmp_path)
    token = response["Location"].rstrip("/").rsplit("/", 1)[1]
    assert stored(upload_dir) == [f"{token}.json"]  # the workbook itself is gone
    mode = stat.S_IMODE(os.stat(upload_dir).st_mode)
    user_mode = stat.S_IMODE(os.stat(upload_dir / str(province_user.pk)).st_mode)
    file_mode = stat.S_IMODE(os.stat(upload_dir / str(province_user.pk) / f"{token}.json").st_mode)
    assert (mode, user_mode, file_mode) == (0o700, 0o700, 0o600)


def test_cancel_removes_the_upload(staff_client, tmp_path, upload_dir):
    preview_url = upload(staff_client, tmp_path)["Location"]
    token = staff_client.get(preview_url).context["token"]
    cancel = reverse("imports:import_cancel", args=[token])
    assert staff_client.get(cancel).status_code == 405
    before = fingerprint()
    response = staff_client.post(cancel)
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert stored(upload_dir) == [] and fingerprint() == before
    assert staff_client.get(preview_url).status_code == 404


def test_apply_removes_the_upload(staff_client, tmp_path, upload_dir):
    preview_url = upload(staff_client, tmp_path)["Location"]
    token = staff_client.get(preview_url).context["token"]
    assert staff_client.post(reverse("imports:import_apply", args=[token])).status_code == 302
    assert stored(upload_dir) == []


def test_expired_uploads_are_removed(staff_client, tmp_path, upload_dir):
    upload(staff_client, tmp_path)
    (path,) = upload_dir.glob("*/*.json")
    old = time.time() - uploads.MAX_AGE - 60
    os.utime(path, (old, old))
    upload(staff_client, tmp_path, "second.xlsx")  # every upload sweeps expired ones
    assert len(stored(upload_dir)) == 1 and path.name not in stored(upload_dir)


def test_each_user_has_a_quota_of_pending_uploads(staff_client, tmp_path, settings, upload_dir):
    settings.NTM_IMPORT_MAX_PENDING = 2
    assert upload(staff_client, tmp_path).status_code == 302
    assert upload(staff_client, tmp_path).status_code == 302
    response = upload(staff_client, tmp_path)
    assert response.status_code == 400
    assert "Bạn đang có 2 tệp chờ xác nhận" in response.content.decode()
    assert len(stored(upload_dir)) == 2


def test_each_user_has_a_quota_of_bytes(staff_client, tmp_path, settings):
    settings.NTM_IMPORT_MAX_PENDING_BYTES = 1000
    response = upload(staff_client, tmp_path)
    assert response.status_code == 400
    assert "Các tệp chờ xác nhận của bạn đã chiếm 0.0 MB (giới hạn 0 MB)" in (
        response.content.decode()
    )
