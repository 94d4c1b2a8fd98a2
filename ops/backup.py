"""Back up and restore all data: the configured database and the uploaded files.

A backup is one tar archive: `ntm-backup.json` (what it holds), the database dump and every file
of the upload storage (`STORAGES["default"]`: practice photos and documents, dossier files,
issued reports) under `media/`. The files are read and written through the storage, so a
backup holds them whether they live in MEDIA_ROOT or in an S3-compatible bucket; rendered
reports (`STORAGES["reports"]`) are left out, being drawn again from the data.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean` (the server's own tools, so a
backup restores on any PostgreSQL of the same or a newer major version). SQLite: the online
backup API, which copies a consistent snapshot even while the app is running. The database is
copied before the files, so a file uploaded in between is at worst an extra file, never a
missing one.

A restore replaces the database and writes the backup's files into the upload storage; files
there that the backup does not hold are left alone (nothing refers to them after the restore). A
plain dump made before files were included still restores (the database only).
"""

import datetime
import json
import os
import posixpath
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with an argument list, no shell
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections

MANIFEST = "ntm-backup.json"
FORMAT = 1
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    pass


def _pg_env(settings_dict: dict) -> tuple[list[str], dict]:
    args = ["--dbname", settings_dict["NAME"], "--no-owner", "--no-privileges"]
    if settings_dict.get("HOST"):
        args += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["--username", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} không có trên máy này (cài gói postgresql-client).")
    return path


def _dump_database(output: Path, alias: str) -> Path:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        result = subprocess.run(  # noqa: S603
            [_tool("pg_dump"), "--format=custom", "--file", str(output), *args],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return output
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(output)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return output
    raise BackupError(f"không hỗ trợ cơ sở dữ liệu {connection.vendor}")


def _restore_database(source: Path, alias: str) -> None:
    """Replace all data of the database with the dump's. The target may be empty."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        args, env = _pg_env(connection.settings_dict)
        connection.close()
        result = subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--clean", "--if-exists", "--exit-on-error", *args, str(source)],
            env=env,
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(result.stderr.strip())
        return
    if connection.vendor == "sqlite":
        with open(source, "rb") as f:
            if f.read(16) != b"SQLite format 3\x00":
                raise BackupError("tệp không phải bản sao lưu SQLite")
        connection.ensure_connection()
        src = sqlite3.connect(source)
        try:
            src.backup(connection.connection)
        finally:
            src.close()
        return
    raise BackupError(f"không hỗ trợ cơ sở dữ liệu {connection.vendor}")


@dataclass(frozen=True)
class Restored:
    files: int
    with_files: bool  # False for a plain database dump made before files were backed up


def storage_place() -> str:
    """Where the upload storage keeps its files, for messages: its directory, else its kind."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return str(storage.location)
    return type(storage).__name__


def _stored_files(storage) -> list[str]:
    """The name of every file in `storage`, found with its own listdir (a directory and a
    bucket alike). On disk, links are skipped: a backup must not follow them elsewhere."""
    local = isinstance(storage, FileSystemStorage)

    def inside(folder: str, entries: list[str]) -> list[str]:
        paths = (posixpath.join(folder, entry) for entry in entries)
        return [p for p in paths if not (local and os.path.islink(storage.path(p)))]

    names, folders = [], [""]
    while folders:
        folder = folders.pop()
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:  # nothing uploaded yet: no directory
            continue
        folders += inside(folder, dirs)
        names += inside(folder, files)
    return sorted(names)


def backup(output: Path, alias: str = "default") -> Path:
    """Write the database and the uploaded files into one tar archive at `output`."""
    vendor = connections[alias].vendor
    storage = storages["default"]
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".ntm-backup-") as tmp:
        database = _dump_database(Path(tmp) / "database", alias)
        files = _stored_files(storage)
        manifest = {
            "format": FORMAT,
            "vendor": vendor,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "files": len(files),
        }
        (Path(tmp) / MANIFEST).write_text(json.dumps(manifest, indent=2))
        partial = Path(tmp) / "archive.tar"
        with tarfile.open(partial, "w") as tar:
            tar.add(Path(tmp) / MANIFEST, arcname=MANIFEST)
            tar.add(database, arcname="database")
            for name in files:
                with storage.open(name, "rb") as file:
                    member = tarfile.TarInfo(MEDIA_PREFIX + name)
                    member.size, member.mtime = file.size, int(time.time())
                    tar.addfile(member, file)
        partial.replace(output)  # a backup that is not complete never has the final name
    return output


def _media_member(member: tarfile.TarInfo, dest: str) -> tarfile.TarInfo | None:
    """Only regular files under media/, with names that stay inside `dest` (tarfile's "data"
    filter refuses absolute names, `..` and links out of the directory)."""
    if not member.name.startswith(MEDIA_PREFIX) or not member.isfile():
        return None
    member = member.replace(name=member.name.removeprefix(MEDIA_PREFIX), deep=False)
    return tarfile.data_filter(member, dest)


def restore(source: Path, alias: str = "default") -> Restored:
    """Replace the database with the backup's, then write its files into the upload storage
    (a file of the same name is replaced)."""
    if not source.exists():
        raise BackupError(f"không tìm thấy tệp {source}")
    if not tarfile.is_tarfile(source):
        _restore_database(source, alias)  # a plain dump of the database only
        return Restored(files=0, with_files=False)
    with tarfile.open(source) as tar, tempfile.TemporaryDirectory() as tmp:
        try:
            manifest = json.load(tar.extractfile(MANIFEST))
        except (KeyError, ValueError) as exc:
            raise BackupError("tệp không phải bản sao lưu của ứng dụng") from exc
        vendor = connections[alias].vendor
        if manifest.get("format") != FORMAT or manifest.get("vendor") != vendor:
            raise BackupError(
                f"bản sao lưu của cơ sở dữ liệu {manifest.get('vendor')}, "
                f"không khôi phục được vào {vendor}"
            )
        tar.extract("database", tmp, filter="data")
        _restore_database(Path(tmp) / "database", alias)
        storage = storages["default"]
        files = 0
        for member in tar.getmembers():
            kept = _media_member(member, tmp)  # a name that stays inside the storage, or None
            if kept is None:
                continue
            if storage.exists(kept.name):
                storage.delete(kept.name)
            saved = storage.save(kept.name, File(tar.extractfile(member), name=kept.name))
            if saved != kept.name:  # pragma: no cover - the name was free
                raise BackupError(f"tệp {kept.name} được lưu thành {saved}")
            files += 1
    return Restored(files=files, with_files=True)
