"""Data versions: counters per province and report year, bumped by every write that can change
a figure.

The writers (criteria.services, the loaders, the admin) call `bump_data_version` inside their
transaction, so the bump commits or rolls back with the change itself. Reports key their caches
on `stamp_for(...)`. Apps that keep derived copies (reports re-renders its files) listen to
`data_changed`, sent once the transaction has committed: communes cannot import them (the
dependencies point communes <- criteria <- reports), so the signal is the one way back.
"""

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models import F, Max, Sum
from django.dispatch import Signal
from django.utils import timezone

from communes.models import DataVersion, Province

# Sent on commit with `province_ids` (a frozenset, or None for every province), `since_year`
# (the first report year the change can show in: assessments carry forward and certifications
# count in every later year; None when unknown) and `provisional_only` (only the provisional
# reports can show it).
data_changed = Signal()


@dataclass(frozen=True)
class Stamp:
    """The version of the data a report shows: `token` goes into cache keys; `changed_at`
    (the last change) is printed as "Số liệu đến ngày …" instead of today's date."""

    version: int
    changed_at: datetime.datetime | None

    @property
    def token(self) -> str:
        # The time too: test databases roll versions back and count again from the same number.
        at = self.changed_at.isoformat() if self.changed_at else "-"
        return hashlib.sha256(f"{self.version}|{at}".encode()).hexdigest()[:16]

    @property
    def data_date(self) -> datetime.date | None:
        return timezone.localdate(self.changed_at) if self.changed_at else None


def bump_data_version(
    *,
    province_ids: Iterable[int] | None = None,
    since_year: int | None = None,
    provisional_only: bool = False,
) -> None:
    """Count one change for `province_ids` (every province when None) that can show in the
    reports of `since_year` and later (of every year when None); `provisional_only` when only
    the provisional reports can show it (an assessment that is not approved, before or after:
    the official reports count approved ones only). Two queries (four when a province has no
    row for that year yet); call it inside the writer's transaction."""
    if province_ids is not None:
        province_ids = frozenset(province_ids)
        if not province_ids:
            return
    count_change(
        DataVersion,
        province_ids=province_ids,
        from_year=since_year or 0,
        provisional_only=provisional_only,
    )
    transaction.on_commit(
        lambda: data_changed.send(
            sender=DataVersion,
            province_ids=province_ids,
            since_year=since_year,
            provisional_only=provisional_only,
        )
    )


def count_change(model: type[models.Model], *, province_ids: Iterable[int] | None, **row) -> None:
    """Add one to the per-province counter `model` (a model with `province`, `version` and
    `changed_at`, as DataVersion: other apps keep their own, e.g. practices' for the
    compendium) for `province_ids`, every province when None; `row` names the counter's other
    key fields (DataVersion's `from_year` and `provisional_only`). Two queries (four when a
    province has no row yet); call it inside the writer's transaction."""
    now = timezone.now()
    provinces = Province.objects.all()
    if province_ids is not None:
        province_ids = frozenset(province_ids)
        if not province_ids:
            return
        provinces = provinces.filter(pk__in=province_ids)
    rows = model.objects.filter(province__in=provinces, **row)
    # UPDATE ... SET version = version + 1 locks the rows: concurrent writers queue here and
    # each one counts.
    updated = rows.update(version=F("version") + 1, changed_at=now)
    expected = len(province_ids) if province_ids is not None else provinces.count()
    if updated < expected:
        # Missing rows are created at 0 and then counted like the others: a concurrent writer
        # that created the same row first (the insert waits for it, then skips) is counted
        # after, never lost.
        have = set(rows.values_list("province_id", flat=True))
        missing = [pk for pk in provinces.values_list("pk", flat=True) if pk not in have]
        model.objects.bulk_create(
            [model(province_id=pk, version=0, changed_at=now, **row) for pk in missing],
            ignore_conflicts=True,
        )
        model.objects.filter(province_id__in=missing, **row).update(
            version=F("version") + 1, changed_at=now
        )


def stamp_for(
    province_id: int | None, year: int | None = None, *, provisional: bool = True
) -> Stamp:
    """The stamp of one province's reports of `year` (None: the whole country, the sum over
    every province, so any province's change changes it): the changes that can show in that
    year, i.e. those counted for `year` or an earlier one (every change when `year` is None),
    and for an official report (`provisional` False) only those that can change approved
    figures. One query."""
    rows = DataVersion.objects.all()
    if province_id is not None:
        rows = rows.filter(province_id=province_id)
    if year is not None:
        rows = rows.filter(from_year__lte=year)
    if not provisional:
        rows = rows.filter(provisional_only=False)
    total = rows.aggregate(version=Sum("version"), changed_at=Max("changed_at"))
    return Stamp(total["version"] or 0, total["changed_at"])


def stamp_of(model: type[models.Model], province_id: int) -> Stamp:
    """The stamp of one province in a per-province counter with one row per province (as
    practices' PracticeVersion). One query."""
    row = model.objects.filter(province_id=province_id).values_list("version", "changed_at")
    version, changed_at = row.first() or (0, None)
    return Stamp(version, changed_at)


class ChangesFiguresAdmin:
    """ModelAdmin mixin for reference data that figures depend on (units, thresholds,
    certifications edited by hand): every save or delete counts a change for every province,
    in the admin's transaction. Such edits are rare; a precise province is not worth a bug."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_data_version()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_data_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_data_version()

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        bump_data_version()
