"""Pending uploads: rows in the database (never the workbook, never pickle), removed on apply,
cancel and expiry, with a quota per user."""

import datetime
import json
import os
import tempfile

import pytest
from django.urls import reverse
from django.utils import timezone

from imports import uploads
from imports.models import PendingImport
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


def token_of(response) -> str:
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def test_an_upload_keeps_only_its_parsed_rows_as_json(
    staff_client, tmp_path, province_user, monkeypatch
):
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    response = upload(staff_client, tmp_path)
    token = token_of(response)
    pending = PendingImport.objects.get()
    assert (pending.user, pending.token) == (province_user, token)
    data = json.loads(pending.data)  # JSON text: nothing pickled, no workbook bytes
    assert data["name"] == "book.xlsx"
    assert data["sheet"]["rows"][0][:3] == [2, "06505", "Vạn Linh"]
    assert pending.size == len(pending.data.encode())
    assert os.listdir(private_tmp) == []  # the workbook's temporary file went with the request
    assert staff_client.get(response["Location"]).status_code == 200


def test_another_user_cannot_load_the_upload(staff_client, tmp_path, django_user_model):
    token = token_of(upload(staff_client, tmp_path))
    other = django_user_model.objects.exclude(pk=PendingImport.objects.get().user_id).first()
    assert uploads.load(other, token) is None
    assert uploads.load(PendingImport.objects.get().user, token) is not None


def test_a_malformed_token_is_refused(province_user):
    assert uploads.load(province_user, "../../etc/passwd") is None
    assert uploads.load(province_user, "short") is None
    with pytest.raises(ValueError):
        uploads.store(province_user, "a b c d e f g h i j", {})


def test_cancel_removes_the_upload(staff_client, tmp_path):
    preview_url = upload(staff_client, tmp_path)["Location"]
    token = staff_client.get(preview_url).context["token"]
    cancel = reverse("imports:import_cancel", args=[token])
    assert staff_client.get(cancel).status_code == 405
    before = fingerprint()
    response = staff_client.post(cancel)
    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert not PendingImport.objects.exists() and fingerprint() == before
    assert staff_client.get(preview_url).status_code == 404


def test_apply_removes_the_upload(staff_client, tmp_path):
    preview_url = upload(staff_client, tmp_path)["Location"]
    token = staff_client.get(preview_url).context["token"]
    assert staff_client.post(reverse("imports:import_apply", args=[token])).status_code == 302
    assert not PendingImport.objects.exists()


def test_expired_uploads_are_removed(staff_client, tmp_path):
    first = upload(staff_client, tmp_path)
    old = timezone.now() - datetime.timedelta(seconds=uploads.MAX_AGE + 60)
    PendingImport.objects.update(created_at=old)
    assert staff_client.get(first["Location"]).status_code == 404  # expired: not shown
    second = upload(staff_client, tmp_path, "second.xlsx")  # every upload sweeps expired ones
    assert list(PendingImport.objects.values_list("token", flat=True)) == [token_of(second)]


def test_remove_expired_counts_what_it_removed(staff_client, tmp_path):
    upload(staff_client, tmp_path)
    upload(staff_client, tmp_path)
    later = timezone.now() + datetime.timedelta(seconds=uploads.MAX_AGE + 1)
    assert uploads.remove_expired() == 0
    assert uploads.remove_expired(later) == 2
    assert not PendingImport.objects.exists()


def test_each_user_has_a_quota_of_pending_uploads(staff_client, tmp_path, settings):
    settings.NTM_IMPORT_MAX_PENDING = 2
    assert upload(staff_client, tmp_path).status_code == 302
    assert upload(staff_client, tmp_path).status_code == 302
    response = upload(staff_client, tmp_path)
    assert response.status_code == 400
    assert "Bạn đang có 2 tệp chờ xác nhận" in response.content.decode()
    assert PendingImport.objects.count() == 2


def test_each_user_has_a_quota_of_bytes(staff_client, tmp_path, settings):
    settings.NTM_IMPORT_MAX_PENDING_BYTES = 1000
    response = upload(staff_client, tmp_path)
    assert response.status_code == 400
    assert "Các tệp chờ xác nhận của bạn đã chiếm 0.0 MB (giới hạn 0 MB)" in (
        response.content.decode()
    )


def test_the_bytes_of_pending_uploads_count_against_the_quota(staff_client, tmp_path, settings):
    assert upload(staff_client, tmp_path).status_code == 302
    stored = PendingImport.objects.get().size
    settings.NTM_IMPORT_MAX_PENDING_BYTES = stored + 1  # room for no new workbook
    response = upload(staff_client, tmp_path)
    assert response.status_code == 400
    assert "Các tệp chờ xác nhận của bạn đã chiếm" in response.content.decode()
