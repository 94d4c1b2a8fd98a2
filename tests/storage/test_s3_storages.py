"""The two storages (`default`: uploads; `reports`: rendered reports) on a real S3 API (moto's
server on loopback, tests/storage/conftest.py): save, open, delete, names kept apart, nothing
made public."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages


def test_an_upload_is_saved_read_and_deleted_under_media(s3):
    uploads = storages["default"]
    name = uploads.save("practices/anh.png", ContentFile(b"\x89PNG data"))
    assert name == "practices/anh.png"
    assert s3.names() == ["media/practices/anh.png"]
    assert s3.body("media/practices/anh.png") == b"\x89PNG data"
    with uploads.open(name, "rb") as handle:
        assert handle.read() == b"\x89PNG data"
    uploads.delete(name)
    assert s3.names() == []
    assert not uploads.exists(name)


def test_a_taken_name_gets_a_new_one_as_on_the_file_system(s3):
    uploads = storages["default"]
    first = uploads.save("dossiers/x.pdf", ContentFile(b"one"))
    second = uploads.save("dossiers/x.pdf", ContentFile(b"two"))
    assert first != second
    assert s3.body(f"media/{first}") == b"one" and s3.body(f"media/{second}") == b"two"


def test_a_missing_file_raises_file_not_found(s3):
    with pytest.raises(FileNotFoundError):
        storages["default"].open("practices/none.png", "rb")


def test_reports_live_under_their_own_prefix(s3):
    storages["reports"].save("tinh-98-2027-abc.pdf", ContentFile(b"%PDF"))
    storages["default"].save("issued/x.pdf", ContentFile(b"%PDF"))
    assert s3.names() == ["media/issued/x.pdf", "reports/tinh-98-2027-abc.pdf"]
    assert storages["reports"].listdir("") == ([], ["tinh-98-2027-abc.pdf"])
