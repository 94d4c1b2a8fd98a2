"""A backup holds the uploaded files too: a practice's photo survives a backup and a restore.

The round trip runs the commands as an operator does, in subprocesses, on a copy of the demo
database: pg_dump reads only committed rows, which a test transaction never has.
"""

import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages
from django.core.management import call_command

from ops import backup as backups
from ops.backup import MANIFEST, _media_member, _stored_files

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db

ATTACH_PHOTO = """
import io
from django.core.files.base import ContentFile
from PIL import Image
from practices.models import Attachment, Practice
out = io.BytesIO()
Image.new("RGB", (40, 30), (30, 140, 60)).save(out, format="PNG")
practice = Practice.objects.filter(province__code="20").order_by("pk").first()
a = Attachment.objects.create(
    practice=practice, kind="photo", file=ContentFile(out.getvalue(), name="ruong.png"),
    original_name="Ruộng bậc thang.png", content_type="image/png", size=len(out.getvalue()),
)
print(a.pk, a.file.name, sep="|")
"""

SHOW_PHOTO = """
from practices.models import Attachment
a = Attachment.objects.get(pk={pk})
print(a.practice.province.code, a.original_name, a.file.size, sep="|")
"""


def manage(*args, database_url, media_root) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DATABASE_URL=database_url, DJANGO_MEDIA_ROOT=str(media_root))
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def shell(code: str, **kwargs) -> str:
    """The last line the code printed."""
    return (manage("shell", "--no-imports", "-c", code, **kwargs).splitlines() or [""])[-1]


def test_a_practice_photo_survives_a_backup_and_restore(tmp_path, settings, empty_database):
    settings.MEDIA_ROOT = tmp_path / "no-media"
    call_command("backup_data", str(tmp_path / "demo.backup"), verbosity=0)
    media = tmp_path / "media"
    db = {"database_url": empty_database, "media_root": media}
    manage("restore_data", str(tmp_path / "demo.backup"), "--yes", **db)
    pk, name = shell(ATTACH_PHOTO, **db).split("|")
    original = (media / name).read_bytes()

    archive = tmp_path / "ntm.backup"
    manage("backup_data", str(archive), **db)
    with tarfile.open(archive) as tar:
        assert {MANIFEST, "database", f"media/{name}"} <= set(tar.getnames())

    # The photo is lost (row and file), then the backup is restored on a new media directory.
    shell(
        f"from practices.models import Attachment; Attachment.objects.filter(pk={pk}).delete()",
        **db,
    )
    restored = {"database_url": empty_database, "media_root": tmp_path / "restored-media"}
    out = manage("restore_data", str(archive), "--yes", **restored)
    assert "(1 tệp tải lên vào" in out
    assert (tmp_path / "restored-media" / name).read_bytes() == original
    assert shell(SHOW_PHOTO.format(pk=pk), **restored) == f"20|Ruộng bậc thang.png|{len(original)}"


@pytest.mark.parametrize(
    "name", ["media/../escape.txt", "/etc/passwd", "media//etc/passwd", "database", MANIFEST]
)
def test_a_restore_writes_nothing_outside_media_root(tmp_path, name):
    member = tarfile.TarInfo(name)
    member.size = 1
    try:
        kept = _media_member(member, str(tmp_path))
    except tarfile.FilterError:
        kept = None
    assert kept is None or (tmp_path / kept.name).resolve().is_relative_to(tmp_path)
    if not name.startswith("media/"):
        assert kept is None


IN_MEMORY = {"BACKEND": "django.core.files.storage.InMemoryStorage"}


def test_files_kept_outside_any_directory_are_backed_up_and_restored(
    tmp_path, settings, monkeypatch
):
    """Uploads in an S3-compatible bucket (here Django's in-memory storage): the backup reads
    them through the storage and the restore writes them back through it, MEDIA_ROOT unused.
    The database's own round trip is the test above's; here it is a stand-in."""
    monkeypatch.setattr(backups, "_dump_database", lambda output, alias: _write(output, b"db"))
    restored_databases = []
    monkeypatch.setattr(
        backups, "_restore_database", lambda source, alias: restored_databases.append(source)
    )
    settings.MEDIA_ROOT = tmp_path / "unused"
    settings.STORAGES = {**settings.STORAGES, "default": IN_MEMORY}
    bucket = storages["default"]
    bucket.save("practices/20/ruong.png", ContentFile(b"PNG of the terraces"))
    bucket.save("issued/2024/bao-cao.pdf", ContentFile(b"%PDF-1.7 issued"))

    archive = backups.backup(tmp_path / "ntm.backup")
    with tarfile.open(archive) as tar:
        assert {"media/practices/20/ruong.png", "media/issued/2024/bao-cao.pdf"} <= set(
            tar.getnames()
        )

    settings.STORAGES = {**settings.STORAGES, "default": dict(IN_MEMORY)}  # a new, empty one
    new_bucket = storages["default"]
    assert new_bucket is not bucket
    new_bucket.save("practices/20/ruong.png", ContentFile(b"changed since"))
    restored = backups.restore(archive)
    assert (restored.files, restored.with_files, len(restored_databases)) == (2, True, 1)
    assert new_bucket.open("practices/20/ruong.png").read() == b"PNG of the terraces"
    assert new_bucket.open("issued/2024/bao-cao.pdf").read() == b"%PDF-1.7 issued"
    assert not (tmp_path / "unused").exists()


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def test_links_in_the_upload_directory_are_not_followed(tmp_path):
    (tmp_path / "media" / "practices").mkdir(parents=True)
    (tmp_path / "media" / "practices" / "anh.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("not an upload")
    (tmp_path / "media" / "link.txt").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "media" / "outside").symlink_to(tmp_path, target_is_directory=True)
    storage = FileSystemStorage(location=tmp_path / "media")
    assert _stored_files(storage) == ["practices/anh.png"]
    assert _stored_files(FileSystemStorage(location=tmp_path / "none yet")) == []
