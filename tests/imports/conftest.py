"""Helpers for the import tests: write small workbooks and fingerprint the assessment tables."""

from pathlib import Path

import pytest
from openpyxl import Workbook

from criteria.models import Assessment, Certification, CriterionResult, IndicatorValue

HEADER_19 = ["Mã xã", "Tên xã", "Năm"] + [f"TC{n}" for n in range(1, 20)]


def write_xlsx(path: Path, rows: list[list]) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def fingerprint() -> tuple:
    """Row counts and the latest change of every table an import writes (or must not write)."""
    return (
        Assessment.objects.count(),
        Assessment.history.count(),
        CriterionResult.objects.count(),
        IndicatorValue.objects.count(),
        Certification.objects.count(),
        tuple(Assessment.objects.order_by("pk").values_list("version", "criteria_met", "status")),
    )


@pytest.fixture
def xlsx(tmp_path):
    counter = iter(range(1000))

    def make(rows: list[list], name: str | None = None) -> Path:
        return write_xlsx(tmp_path / (name or f"book{next(counter)}.xlsx"), rows)

    return make


@pytest.fixture
def province_user(django_user_model):
    return django_user_model.objects.get(username="province")


@pytest.fixture
def no_time_budget(monkeypatch):
    """The cap under test, not the 8 s time budget: on a loaded machine (or under
    tracemalloc) reading up to a cap can take longer than the budget, which then answers
    first. The budget has its own tests (test_upload_bounds.py)."""
    from imports import workbook as import_workbook

    monkeypatch.setattr(import_workbook, "MAX_SECONDS", 3600.0)
