"""An import killed in the middle of its write leaves the database as before the import.

The import runs in a subprocess against a copy of the demo database (restored from a backup, so
the test database itself is never written by the subprocess) and is killed with SIGKILL while it
is inside its write transaction.
"""

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from communes.models import Province
from imports.writer import export_workbook

ROOT = Path(__file__).resolve().parents[2]
MARK = "ghi chú của lần nhập bị dừng"
pytestmark = pytest.mark.django_db


def marked_workbook(path: Path) -> None:
    """The demo's 621 Lạng Sơn rows with a new note: 621 updates, written row by row."""
    data = export_workbook(Province.objects.get(code="20"), 2016, 2018)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    headers = [str(c.value).lower() for c in ws[1]]
    note = next(i for i, h in enumerate(headers, start=1) if h in ("ghi chú", "note"))
    for r in range(2, ws.max_row + 1):
        ws.cell(row=r, column=note, value=MARK)
    wb.save(path)


class Target:
    """The copy of the database the subprocess writes to."""

    def __init__(self, url: str):
        self.url = url
        self.sqlite_file = (
            Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite") else None
        )

    def _pg(self):
        import psycopg

        return psycopg.connect(self.url.replace("postgres://", "postgresql://"), autocommit=True)

    def writing(self) -> bool:
        if self.sqlite_file is not None:
            # SQLite creates the rollback journal when a write transaction begins.
            return Path(f"{self.sqlite_file}-journal").exists()
        with self._pg() as db:
            row = db.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
            ).fetchone()
            return row[0] > 0

    def count(self, sql: str, *params) -> int:
        if self.sqlite_file is not None:
            with sqlite3.connect(self.sqlite_file) as db:  # opening rolls back a hot journal
                return db.execute(sql.replace("%s", "?"), params).fetchone()[0]
        with self._pg() as db:
            return db.execute(sql, params).fetchone()[0]


def run_manage(args, url, **kwargs):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = url
    return subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **kwargs,
    )


def test_a_killed_import_leaves_no_trace(tmp_path, empty_database):
    workbook = tmp_path / "import.xlsx"
    marked_workbook(workbook)
    dump = tmp_path / "demo.backup"
    call_command("backup_data", str(dump), verbosity=0)
    restore = run_manage(["restore_data", str(dump), "--yes"], empty_database)
    assert restore.wait(timeout=300) == 0, restore.communicate()
    target = Target(empty_database)
    before = target.count("SELECT count(*) FROM criteria_assessment")
    history_before = target.count("SELECT count(*) FROM criteria_historicalassessment")

    process = run_manage(["import_assessments", str(workbook), "--update-approved"], empty_database)
    deadline = time.monotonic() + 240
    while not target.writing():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.005)
    time.sleep(0.5)  # inside the row-by-row updates (about 20 s for all 621)
    assert process.poll() is None, "the import finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL

    if target.sqlite_file is None:
        time.sleep(1)  # PostgreSQL aborts the dead client's transaction when it notices
    assert target.count("SELECT count(*) FROM criteria_assessment WHERE note = %s", MARK) == 0
    assert target.count("SELECT count(*) FROM criteria_assessment") == before
    assert target.count("SELECT count(*) FROM criteria_historicalassessment") == history_before
