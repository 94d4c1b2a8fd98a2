"""What the restore drill compares (tests/ops/test_restore_drill.py): every figure of every
province's report, approved and provisional, of every year with data, and a checksum of every
file of the upload storage. The same function runs in the test (before the backup) and, through
`manage.py shell`, on the restored database (after), so both sides are read by one code path.
"""

import dataclasses
import datetime
import decimal
import hashlib
import json

from django.core.files.storage import storages
from django.db import models
from django.http import Http404

from communes.models import Province, year_end
from criteria.models import Assessment, Certification
from ops.backup import _stored_files
from reports.areas import area_for
from reports.context import NoCriteriaSet, report_context

# The parts of a report's context that are its figures (the rest: today's date, links).
FIGURE_KEYS = ("year", "as_at", "provisional", "figures", "plans", "data_date", "charts")


def plain(value):
    """`value` as JSON-ready data: dataclasses as their fields, rows as their model and id,
    dates and decimals as text."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, models.Model):
        # Its label and id (a restore keeps ids): str() would query related rows one by one.
        return [value._meta.label, value.pk]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=json.dumps) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime.date | decimal.Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def report_years() -> list[int]:
    years = set(Assessment.objects.values_list("year", flat=True).distinct())
    years |= set(Certification.objects.values_list("recognised_year", flat=True).distinct())
    return sorted(years)


def province_reports() -> dict:
    """Every province's report of every year with data, approved and provisional, as at the
    year's end (not today: the two sides may run on different clocks)."""
    reports = {}
    codes = sorted(set(Province.objects.values_list("code", flat=True)))
    for code in codes:
        for year in report_years():
            for provisional in (False, True):
                key = f"{code}/{year}/{'provisional' if provisional else 'approved'}"
                try:
                    ctx = report_context(
                        area_for("province", code),
                        year,
                        provisional=provisional,
                        as_at=year_end(year),
                    )
                except (NoCriteriaSet, Http404) as exc:
                    reports[key] = f"{type(exc).__name__}"
                    continue
                reports[key] = plain({k: ctx[k] for k in FIGURE_KEYS})
    return reports


def file_checksums() -> dict[str, str]:
    """The SHA-256 of every file of the upload storage, by name."""
    storage = storages["default"]
    sums = {}
    for name in _stored_files(storage):
        with storage.open(name, "rb") as f:
            sums[name] = hashlib.sha256(f.read()).hexdigest()
    return sums


def snapshot() -> dict:
    return {"reports": province_reports(), "files": file_checksums()}


def snapshot_json() -> str:
    return json.dumps(snapshot(), ensure_ascii=False, sort_keys=True)
