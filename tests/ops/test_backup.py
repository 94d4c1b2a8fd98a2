"""Back up the demo, restore it into an empty database, get identical report figures."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from communes.models import Commune
from reports.figures import headline

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def manage(*args, database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DATABASE_URL"] = database_url
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def expected_lines():
    lines = []
    for year in (2016, 2017, 2018):
        h = headline(year, communes=Commune.objects.filter(district__province__code="20"))
        lines.append(f"{h.year}: {h.certified}/{h.communes} xã đạt chuẩn; bình quân {h.average}")
    return lines


@pytest.mark.django_db(transaction=False)
def test_backup_restores_into_an_empty_database_with_identical_figures(tmp_path, empty_database):
    dump = tmp_path / "ntm.backup"
    call_command("backup_data", str(dump), verbosity=0)
    assert dump.stat().st_size > 100_000
    manage("restore_data", str(dump), "--yes", database_url=empty_database)
    for year, line in zip((2016, 2017, 2018), expected_lines(), strict=True):
        out = manage("show_figures", str(year), "--province", "20", database_url=empty_database)
        assert out.startswith(line), (out, line)
    assert "36/207" in expected_lines()[1] and "8.65" in expected_lines()[1]


def test_restore_asks_for_confirmation(tmp_path):
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore_data", str(tmp_path / "x"))


def test_restore_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="không tìm thấy"):
        call_command("restore_data", str(tmp_path / "missing.backup"), "--yes")
