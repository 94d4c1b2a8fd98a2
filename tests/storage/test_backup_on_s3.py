"""`backup_data` and `restore_data` with the uploads in an S3 bucket (moto's server on
loopback): the backup lists and reads the bucket's media/ through the storage (the rendered
reports under reports/ are not part of it: they are rendered again when asked for), and the
restore writes the files into another, empty bucket."""

import tarfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.test import override_settings

from ops import backup as backups


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_uploads_in_a_bucket_are_backed_up_and_restored_into_another(s3, tmp_path, monkeypatch):
    # The database's own round trip is tests/ops/test_backup.py's; here a stand-in.
    monkeypatch.setattr(backups, "_dump_database", lambda output, alias: _write(output, b"db"))
    monkeypatch.setattr(backups, "_restore_database", lambda source, alias: None)
    storages["default"].save("practices/ruong.png", ContentFile(b"PNG of the terraces"))
    storages["default"].save("dossiers/bien-ban.pdf", ContentFile(b"%PDF-1.7 evidence"))
    storages["reports"].save("tinh-98-2026-abc.pdf", ContentFile(b"%PDF rendered"))

    archive = backups.backup(tmp_path / "ntm.backup")
    with tarfile.open(archive) as tar:
        media = sorted(name for name in tar.getnames() if name.startswith("media/"))
    assert media == ["media/dossiers/bien-ban.pdf", "media/practices/ruong.png"]

    other = s3.server.create_bucket()
    with override_settings(STORAGES=s3.server.storages(other)):
        restored = backups.restore(archive)
        assert restored.files == 2
        assert storages["default"].open("practices/ruong.png").read() == b"PNG of the terraces"
    assert s3.server.keys(other) == ["media/dossiers/bien-ban.pdf", "media/practices/ruong.png"]
