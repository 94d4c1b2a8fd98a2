"""Who changed what in an assessment, one entry per save or transition.

django-simple-history writes one row per changed record: a save of the form makes a row for the
assessment and one for every indicator value and criterion result it touched. `revision()`
stamps every history row written inside it with one revision id (in the row's
`history_change_reason`), so `assessment_history` can put the rows of one save back together.
Rows written before revisions existed (or outside one) are grouped by user and second.

`diff_against` fetches each record's predecessor one query at a time; here the records of the
assessment, its indicator values and its criterion results are read in three queries and each
record is compared with the previous record of the same row in Python.
"""

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.dispatch import receiver
from django.utils.translation import gettext as _
from simple_history.signals import pre_create_historical_record

from criteria.models import Assessment, CriterionResult, IndicatorValue
from ntm.lib.numbers import plain_number

TRACKED = {
    Assessment: ("status", "criteria_met", "note", "return_reason"),
    IndicatorValue: ("value", "value_secondary", "met", "manual", "manual_reason"),
    CriterionResult: ("met", "note"),
}
REVISION_PREFIX = "rev:"

_revision: contextvars.ContextVar[str | None] = contextvars.ContextVar("revision", default=None)


@contextlib.contextmanager
def revision() -> Iterator[str]:
    """One revision id for every history row written inside (also usable as a decorator). A
    revision inside another joins it: creating an assessment and its first save are one entry."""
    current = _revision.get()
    if current is not None:
        yield current
        return
    token = _revision.set(REVISION_PREFIX + uuid.uuid4().hex)
    try:
        yield _revision.get()
    finally:
        _revision.reset(token)


@receiver(pre_create_historical_record)
def _stamp_revision(sender, instance, history_instance, **kwargs) -> None:
    # Bookkeeping only: the row keeps its own reason when the writer gave one. (`sender` is
    # the historical model.)
    rev = _revision.get()
    if rev is not None and type(instance) in TRACKED and not history_instance.history_change_reason:
        history_instance.history_change_reason = rev


@dataclass
class Change:
    subject: str
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One save or transition: who, when, what it was, and the fields it changed."""

    date: datetime
    user: object
    kind: str  # "create", "save", "submitted", "approved", "returned", "reopened"
    reason: str = ""  # a return or reopen reason
    changes: list[Change] = field(default_factory=list)

    @property
    def title(self) -> str:
        return {
            "create": _("Tạo đánh giá"),
            "save": _("Lưu đánh giá"),
            "submitted": _("Gửi duyệt"),
            "approved": _("Phê duyệt"),
            "returned": _("Trả lại để sửa"),
            "reopened": _("Mở lại để sửa"),
        }[self.kind]


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


def _group_key(rec) -> tuple:
    reason = rec.history_change_reason or ""
    if reason.startswith(REVISION_PREFIX):
        return (reason,)
    return (rec.history_user_id, rec.history_date.replace(microsecond=0))


def _changes(model, records, subject_of, into: dict) -> None:
    """Append each record's changes to its revision's entry in `into` (oldest first)."""
    fields = TRACKED[model]
    labels = {name: str(model._meta.get_field(name).verbose_name) for name in fields}
    previous: dict[int, object] = {}
    for rec in records:  # oldest first
        prev = previous.get(rec.id)
        previous[rec.id] = rec
        entry = into.get(_group_key(rec))
        if entry is None:
            entry = into[_group_key(rec)] = HistoryEntry(rec.history_date, rec.history_user, "save")
        if model is Assessment:
            if rec.history_type == "+":
                entry.kind = "create"
            elif prev is not None and prev.status != rec.status:
                entry.kind = rec.status
                if rec.status == Assessment.Status.DRAFT:
                    approved = prev.status == Assessment.Status.APPROVED
                    entry.kind = "reopened" if approved else "returned"
                    entry.reason = rec.return_reason
        if rec.history_type == "-":
            continue
        for name in fields:
            if model is Assessment and name in ("status", "return_reason"):
                continue  # the entry's title and reason say it
            old = getattr(prev, name) if prev is not None else None
            new = getattr(rec, name)
            if old == new or (prev is None and new in (None, "", False)):
                # A new row's empty or "not met" value is the default, not a change.
                continue
            if model is Assessment and name == "criteria_met" and prev is None:
                continue
            entry.changes.append(
                Change(
                    subject_of(rec), labels[name], _show(model, name, old), _show(model, name, new)
                )
            )


def assessment_history(assessment: Assessment, catalogue) -> list[HistoryEntry]:
    """One entry per save or transition, newest first (three queries). Saves that changed
    nothing are left out."""
    codes = {ind.pk: ind.code for ind in catalogue.all_indicators()}
    numbers = {c.pk: c.number for c in catalogue.criteria}

    def ordered(qs):
        return qs.select_related("history_user").order_by("history_date", "history_id")

    entries: dict[tuple, HistoryEntry] = {}
    _changes(
        Assessment,
        ordered(Assessment.history.filter(id=assessment.pk)),
        lambda rec: _("Đánh giá"),
        entries,
    )
    _changes(
        IndicatorValue,
        ordered(IndicatorValue.history.filter(assessment_id=assessment.pk)),
        lambda rec: _("Chỉ tiêu %(code)s") % {"code": codes.get(rec.indicator_id, "?")},
        entries,
    )
    _changes(
        CriterionResult,
        ordered(CriterionResult.history.filter(assessment_id=assessment.pk)),
        lambda rec: _("Tiêu chí %(n)s") % {"n": numbers.get(rec.criterion_id, "?")},
        entries,
    )
    out = [e for e in entries.values() if e.changes or e.kind != "save"]
    out.sort(key=lambda e: e.date, reverse=True)
    return out
