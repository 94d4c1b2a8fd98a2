"""Writing a criteria set's content without rewriting history: every path that adds or changes
indicators and levels (the catalogue workbook, the admin) comes through here.

A set's content is read as at a revision (`criteria.evaluation.in_revision`); an assessment
that was submitted or approved keeps the revision it was judged under
(`criteria.applicable.revision_for`). So a change that would alter what such an assessment
shows goes into a new revision: an added row carries it as `added_in`, an ended row as
`withdrawn_in`, and a changed level is the old row ended and a new one added."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from criteria.models import Assessment, CriteriaSet, CriteriaSetAmendment, Indicator, Threshold

# Fields of a threshold whose change is a new level (a new row), not a correction of wording.
LEVEL_FIELDS = (
    "region_id",
    "commune_group_id",
    "province_id",
    "year_from",
    "year_to",
    "value",
    "value_secondary",
    "status",
)


def latest_revision(criteria_set: CriteriaSet) -> CriteriaSetAmendment | None:
    """The set's newest revision, or None while it has none (one query)."""
    return criteria_set.amendments.order_by("-pk").first()


def judged_under(criteria_set: CriteriaSet, revision: CriteriaSetAmendment | None) -> bool:
    """Whether a submitted or approved assessment stands on `revision` (None: the set as first
    loaded): then its content may no longer change in place."""
    return (
        Assessment.objects.filter(criteria_set=criteria_set, revision=revision)
        .exclude(status=Assessment.Status.DRAFT)
        .exists()
    )


def judged_under_any(criteria_set: CriteriaSet) -> bool:
    """Whether any assessment of the set was submitted or approved, whatever its revision."""
    return (
        Assessment.objects.filter(criteria_set=criteria_set)
        .exclude(status=Assessment.Status.DRAFT)
        .exists()
    )


def revision_create(
    criteria_set: CriteriaSet,
    *,
    citation: str,
    effective_from: datetime.date | None = None,
    summary: str = "",
    source: str = "",
) -> CriteriaSetAmendment:
    """A new revision of the set, after every earlier one. The caller that then writes the
    set's content counts the change of figures (communes.versions.bump_data_version)."""
    return CriteriaSetAmendment.objects.create(
        criteria_set=criteria_set,
        citation=citation[:200],
        effective_from=effective_from,
        summary=summary,
        source=source[:300],
        content_confirmed=True,
    )


def revision_for_change(
    criteria_set: CriteriaSet, *, user=None, by: str = ""
) -> CriteriaSetAmendment | None:
    """Where an edit of the set's indicators or levels goes: its newest revision while no
    submitted or approved assessment stands on it, otherwise a new revision named after who
    made it (`by`, the admin by default), the day and the user."""
    latest = latest_revision(criteria_set)
    if not judged_under(criteria_set, latest):
        return latest
    day = date_format(timezone.localdate(), "d/m/Y")
    citation = (by or _("Sửa trong trang quản trị ngày %(day)s")) % {"day": day}
    if user is not None:
        citation = f"{citation} ({user.get_username()})"
    n = CriteriaSetAmendment.objects.filter(criteria_set=criteria_set, citation=citation).count()
    if n:
        citation = f"{citation} – {n + 1}"
    return revision_create(criteria_set, citation=citation)


def _same_revision(row: Indicator | Threshold, revision: CriteriaSetAmendment | None) -> bool:
    return row.added_in_id == (revision.pk if revision else None)


@transaction.atomic
def threshold_change(
    threshold: Threshold, revision: CriteriaSetAmendment | None, **changes
) -> Threshold:
    """Give `threshold` new levels (LEVEL_FIELDS and `source`) in `revision`: in place when the
    row belongs to that revision, otherwise the old row is ended in it and a new row added.
    Returns the row that holds the new levels."""
    if _same_revision(threshold, revision):
        for name, value in changes.items():
            setattr(threshold, name, value)
        threshold.full_clean()
        threshold.save()
        return threshold
    Threshold.objects.filter(pk=threshold.pk).update(withdrawn_in=revision)
    fields = {name: getattr(threshold, name) for name in (*LEVEL_FIELDS, "indicator_id", "source")}
    fields.update(changes)
    new = Threshold(**fields, added_in=revision)
    new.full_clean()
    new.save()
    return new


def row_withdraw(row: Indicator | Threshold, revision: CriteriaSetAmendment | None) -> None:
    """End an indicator or a level in `revision`: deleted when it belongs to that revision and
    no value was recorded against it, otherwise kept for what was judged under it."""
    if _same_revision(row, revision) and not (
        isinstance(row, Indicator) and row.indicatorvalue_set.exists()
    ):
        row.delete()
        return
    type(row).objects.filter(pk=row.pk).update(withdrawn_in=revision)


def revision_for_upload(
    criteria_set: CriteriaSet,
    *,
    citation: str = "",
    effective_from: datetime.date | None = None,
    user=None,
) -> CriteriaSetAmendment:
    """Where a catalogue upload's changes go: the newest revision when it is the one the upload
    names (or the upload names none) and nothing submitted or approved stands on it; otherwise
    a new revision, named by the upload's citation or after the day and the user. Unlike an
    edit in the admin, an upload always lands in a revision (never in the set as first
    loaded), so what it added is named. `revision_citation_taken` is checked first."""
    latest = latest_revision(criteria_set)
    reusable = latest is not None and not judged_under(criteria_set, latest)
    if reusable and (not citation or latest.citation == citation):
        if effective_from and latest.effective_from != effective_from:
            CriteriaSetAmendment.objects.filter(pk=latest.pk).update(effective_from=effective_from)
            latest.effective_from = effective_from
        return latest
    if not citation:
        citation = _("Nhập từ tệp bộ tiêu chí ngày %(day)s") % {
            "day": date_format(timezone.localdate(), "d/m/Y"),
        }
        if user is not None:
            citation = f"{citation} ({user.get_username()})"
        n = CriteriaSetAmendment.objects.filter(
            criteria_set=criteria_set, citation__startswith=citation
        ).count()
        if n:
            citation = f"{citation} – {n + 1}"
    return revision_create(criteria_set, citation=citation, effective_from=effective_from)


def revision_citation_taken(criteria_set: CriteriaSet, citation: str) -> bool:
    """Whether an upload naming `citation` cannot record it: an earlier revision has that
    citation (citations are unique within a set) and `revision_for_upload` would not reuse it."""
    if not citation:
        return False
    latest = latest_revision(criteria_set)
    if latest is not None and latest.citation == citation:
        return judged_under(criteria_set, latest)
    return criteria_set.amendments.filter(citation=citation).exists()


def indicator_add(*, criterion, revision: CriteriaSetAmendment | None, **fields) -> Indicator:
    """A new indicator of `criterion`, added in `revision`."""
    indicator = Indicator(criterion=criterion, added_in=revision, **fields)
    indicator.full_clean()
    indicator.save()
    return indicator


def indicator_update_wording(indicator: Indicator, **wording) -> Indicator:
    """Correct an indicator's wording (its text, unit) in place: words change no judgement,
    so no revision is needed; its kind and comparison are not wording."""
    allowed = {"name_vi", "name_en", "unit"}
    if set(wording) - allowed:
        raise ValueError(f"not wording: {sorted(set(wording) - allowed)}")
    for name, value in wording.items():
        setattr(indicator, name, value)
    indicator.full_clean()
    indicator.save(update_fields=list(wording))
    return indicator


def threshold_add(
    *, indicator: Indicator, revision: CriteriaSetAmendment | None, **fields
) -> Threshold:
    """A new level of `indicator`, added in `revision`."""
    threshold = Threshold(indicator=indicator, added_in=revision, **fields)
    threshold.full_clean()
    threshold.save()
    return threshold
