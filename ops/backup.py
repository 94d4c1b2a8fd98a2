"""Back up and restore all data of the configured database.

PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean` (the server's own tools, so a
backup restores on any PostgreSQL of the same or a newer major version). SQLite: the online
backup API, which copies a consistent snapshot even while the app is running.
"""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with an argument list, no shell
from pathlib import Path

from django.db import connections


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


def backup(output: Path, alias: str = "default") -> Path:
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


def restore(source: Path, alias: str = "default") -> None:
    """Replace all data of the database with the backup's. The target may be empty."""
    if not source.exists():
        raise BackupError(f"không tìm thấy tệp {source}")
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
