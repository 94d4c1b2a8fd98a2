"""export_catalogue and import_catalogue: the same plan and errors as the admin's page, printed.
The indicators loaded are made-up test data (tests/criteria/test_catalogue_workbook.py)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from criteria.catalogue_workbook import INDICATOR_SHEET, SET_SHEET
from criteria.models import CriteriaSetAmendment, Indicator, Threshold
from tests.criteria.test_catalogue_workbook import TWO_NEW, crafted, fingerprint

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_it_exports_a_set(world, tmp_path):
    path = tmp_path / "set.xlsx"
    assert world.cset.code in run("export_catalogue", world.cset.code, str(path))
    book = load_workbook(path)
    assert book.sheetnames == [SET_SHEET, INDICATOR_SHEET]
    assert book[SET_SHEET]["B1"].value == world.cset.code
    codes = [r[1] for r in book[INDICATOR_SHEET].iter_rows(min_row=2, values_only=True)]
    assert codes == ["1.1", "1.2", "2.1", "3.1"]


def test_it_refuses_an_unknown_set(db, tmp_path):
    with pytest.raises(CommandError):
        run("export_catalogue", "khong-co", str(tmp_path / "x.xlsx"))


def test_an_exported_set_imports_with_no_change(world, tmp_path):
    path = tmp_path / "set.xlsx"
    run("export_catalogue", world.cset.code, str(path))
    before = fingerprint()
    out = run("import_catalogue", str(path))
    assert "thêm 0, sửa 0, giữ nguyên 4" in out and "Không có gì thay đổi" in out
    assert fingerprint() == before


def test_the_dry_run_prints_the_plan_and_writes_nothing(reform_world, tmp_path):
    path = crafted(tmp_path, reform_world.cset.code, TWO_NEW)
    before = fingerprint()
    out = run("import_catalogue", str(path), "--dry-run")
    assert "Chỉ tiêu: thêm 2, sửa 0, giữ nguyên 0. Mức: thêm 6, sửa 0, giữ nguyên 0." in out
    assert "Dòng 2 · 1.3" in out and "N1: ≥ 95 (Thêm)" in out
    assert fingerprint() == before


def test_it_imports_into_a_revision(reform_world, tmp_path):
    path = crafted(tmp_path, reform_world.cset.code, TWO_NEW)
    out = run("import_catalogue", str(path))
    revision = CriteriaSetAmendment.objects.get(criteria_set=reform_world.cset)
    assert revision.citation in out
    assert Indicator.objects.filter(added_in=revision).count() == 2
    assert Threshold.objects.filter(added_in=revision).count() == 6


def test_it_prints_every_error_and_writes_nothing(reform_world, tmp_path):
    rows = [[99, "99.1", "Thử", "Tỷ lệ (%)", "%", "≥ 90"], [1, "1.3", "Thử", "Tỷ lệ (%)", "%", "x"]]
    path = crafted(tmp_path, reform_world.cset.code, rows)
    before = fingerprint()
    out = io.StringIO()
    with pytest.raises(CommandError, match="2 lỗi"):
        call_command("import_catalogue", str(path), stdout=out)
    assert "[unknown_criterion]" in out.getvalue() and "[level_unparsed]" in out.getvalue()
    assert fingerprint() == before


def test_a_file_that_is_not_a_workbook_is_refused(db, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"not a workbook")
    with pytest.raises(CommandError, match="not_xlsx"):
        run("import_catalogue", str(path))
