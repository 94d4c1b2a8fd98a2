"""The command: the same report, exit code 1 and nothing written on any error."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from criteria.models import Assessment
from tests.imports.conftest import HEADER_19, fingerprint

pytestmark = pytest.mark.django_db

ROW = ["06505", "Vạn Linh", 2019] + ["x"] * 19


def test_a_dry_run_prints_the_report_and_writes_nothing(xlsx, capsys):
    before = fingerprint()
    call_command(
        "import_assessments", str(xlsx([HEADER_19, ROW])), "--dry-run", "--user", "province"
    )
    out = capsys.readouterr().out
    assert "1 dòng: 1 tạo mới" in out and "Chạy thử (--dry-run)" in out
    assert fingerprint() == before


def test_it_writes_the_file(xlsx, capsys):
    call_command("import_assessments", str(xlsx([HEADER_19, ROW])), "--user", "province")
    assert "Đã ghi dữ liệu." in capsys.readouterr().out
    assert Assessment.objects.get(commune__code="06505", year=2019).criteria_met == 19


def test_any_error_exits_non_zero_and_writes_nothing(xlsx, capsys):
    before = fingerprint()
    path = xlsx([HEADER_19, ROW, ["99999", "", 2019] + ["x"] * 19])
    with pytest.raises(CommandError) as excinfo:
        call_command("import_assessments", str(path), "--user", "province")
    assert excinfo.value.returncode == 1
    assert "Dòng 3, Mã xã (A3): Không có xã nào mang mã 99999 trong năm 2019." in (
        capsys.readouterr().out
    )
    assert fingerprint() == before


def test_an_unknown_user_is_an_error(xlsx):
    with pytest.raises(CommandError, match="Không có người dùng 'nobody'"):
        call_command("import_assessments", str(xlsx([HEADER_19, ROW])), "--user", "nobody")


def test_the_exit_code_of_the_real_process(xlsx, tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "import_assessments", str(bad), "--dry-run"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Tệp không phải là bảng tính Excel .xlsx." in result.stdout


def test_export_command_writes_a_workbook(tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    call_command("export_assessments", "20", "2017", "2017", "-o", str(out))
    assert out.read_bytes()[:2] == b"PK"
