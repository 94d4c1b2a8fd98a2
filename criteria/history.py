"""Who changed what in an assessment, read from django-simple-history's tables.

`diff_against` fetches each record's predecessor one query at a time; here the records of the
assessment, its indicator values and its criterion results are read in three queries and each
record is compared with the previous record of the same row in Python.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from criteria.evaluation import Catalogue
from criteria.forms import plain_number
from criteria.models import Assessment, CriterionResult, IndicatorValue

TRACKED = {
    Assessment: ("status", "criteria_met", "note", "return_reason"),
    IndicatorValue: ("value", "value_secondary", "met", "manual", "manual_reason"),
    CriterionResult: ("met", "note"),
}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    date: datetime
    user: object
    subject: str
    kind: str  # "+", "~", "-"
    changes: list[Change] = field(default_factory=list)


def _show(model, name: str, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        if name == "manual":
            return _("Có") if value else _("Không")
        return _("Đạt") if value else _("Không đạt")
    if isinstance(value, Decimal):
        return plain_number(value)
    if model is Assessment and name == "status":
        return str(Assessment.Status(value).label)
    return str(value)


def _entries(model, records, subject_of) -> list[HistoryEntry]:
    fields = TRACKED[model]
    labels = {name: str(model._meta.get_field(name).verbose_name) for name in fields}
    previous: dict[int, object] = {}
    out = []
    for rec in records:  # oldest first
        prev = previous.get(rec.id)
        previous[rec.id] = rec
        entry = HistoryEntry(rec.history_date, rec.history_user, subject_of(rec), rec.history_type)
        for name in fields:
            old = getattr(prev, name) if prev is not None else None
            new = getattr(rec, name)
            if rec.history_type == "-" or old == new or (prev is None and new in (None, "")):
                continue
            entry.changes.append(
                Change(labels[name], _show(model, name, old), _show(model, name, new))
            )
        if entry.changes or rec.history_type != "~":
            out.append(entry)
    return out


def assessment_history(assessment: Assessment, catalogue: Catalogue) -> list[HistoryEntry]:
    """Every recorded change, newest first (three queries)."""
    codes = {ind.pk: ind.code for ind in catalogue.all_indicators()}
    numbers = {c.pk: c.number for c in catalogue.criteria}

    def ordered(qs):
        return qs.select_related("history_user").order_by("history_date", "history_id")

    entries = _entries(
        Assessment,
        ordered(Assessment.history.filter(id=assessment.pk)),
        lambda rec: _("Đánh giá"),
    )
    entries += _entries(
        IndicatorValue,
        ordered(IndicatorValue.history.filter(assessment_id=assessment.pk)),
        lambda rec: _("Chỉ tiêu %(code)s") % {"code": codes.get(rec.indicator_id, "?")},
    )
    entries += _entries(
        CriterionResult,
        ordered(CriterionResult.history.filter(assessment_id=assessment.pk)),
        lambda rec: _("Tiêu chí %(n)s") % {"n": numbers.get(rec.criterion_id, "?")},
    )
    entries.sort(key=lambda e: e.date, reverse=True)
    return entries
