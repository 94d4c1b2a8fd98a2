"""Evaluating indicators and criteria against thresholds: plain functions, no writes.

Every path that records an assessment (the form, the Excel import, the demo seed) evaluates
through `evaluate_assessment`, so the criteria-met count can only come from here.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from criteria.models import CriteriaSet, CriteriaSetAmendment, Criterion, Indicator, Threshold

# `Catalogue.load(revision=LATEST)`: the set as it stands now, every revision applied.
LATEST = "latest"


def in_revision(revision: "CriteriaSetAmendment | None | str", prefix: str = "") -> Q:
    """Indicators or thresholds (`prefix` for a related lookup) that belong to the set as at
    `revision`: None is the set as first loaded, LATEST the set as it stands now. Revisions
    follow one another by id (CriteriaSetAmendment)."""
    added, withdrawn = f"{prefix}added_in", f"{prefix}withdrawn_in"
    if revision == LATEST:
        return Q(**{f"{withdrawn}__isnull": True})
    if revision is None:
        return Q(**{f"{added}__isnull": True})
    return (Q(**{f"{added}__isnull": True}) | Q(**{f"{added}__lte": revision.pk})) & (
        Q(**{f"{withdrawn}__isnull": True}) | Q(**{f"{withdrawn}__gt": revision.pk})
    )


@dataclass(frozen=True)
class ThresholdKey:
    """Where and when a commune is assessed: what selects its threshold."""

    year: int
    province_id: int | None = None
    region_id: int | None = None
    commune_group_id: int | None = None


@dataclass
class Catalogue:
    """A criteria set with its criteria, indicators and thresholds, loaded in three queries.

    The threshold chosen for an (indicator, key) is remembered: an import or a seed asks for the
    same few thousand choices over and over. A catalogue is a snapshot; load a new one after
    changing thresholds.

    Loaded `for_key`, it holds only the thresholds that can apply to that key (a province's own,
    its region's or commune group's, the national ones: a tenth of a set's rows, one page's
    need); asked about another key, it loads the rest first (one query)."""

    criteria_set: CriteriaSet
    criteria: list[Criterion]
    indicators: dict[int, list[Indicator]]  # by criterion id
    thresholds: dict[int, list[Threshold]]  # by indicator id
    for_key: ThresholdKey | None = None  # the thresholds are those of this key only
    # The revision the catalogue stands at (None: as first loaded; LATEST: now).
    revision: CriteriaSetAmendment | None | str = LATEST
    _chosen: dict[tuple[int, ThresholdKey], Threshold | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @classmethod
    def load(
        cls,
        criteria_set: CriteriaSet,
        *,
        for_key: ThresholdKey | None = None,
        revision: CriteriaSetAmendment | None | str = LATEST,
    ):
        """The set as at `revision` (an assessment's own, `assessment_revision`), or as it
        stands now."""
        criteria = list(criteria_set.criteria.select_related("group").order_by("number"))
        indicators: dict[int, list[Indicator]] = {c.pk: [] for c in criteria}
        for ind in Indicator.objects.filter(
            in_revision(revision), criterion__criteria_set=criteria_set
        ).order_by("order"):
            indicators[ind.criterion_id].append(ind)
        return cls(
            criteria_set,
            criteria,
            indicators,
            _load_thresholds(criteria_set, for_key, revision),
            for_key=for_key,
            revision=revision,
        )

    def all_indicators(self) -> list[Indicator]:
        return [ind for c in self.criteria for ind in self.indicators[c.pk]]

    def threshold_for(self, indicator: Indicator, key: ThresholdKey) -> Threshold | None:
        """`select_threshold` over the indicator's thresholds, chosen once per key."""
        if self.for_key is not None and key != self.for_key:
            self.thresholds = _load_thresholds(self.criteria_set, None, self.revision)
            self.for_key = None
        memo_key = (indicator.pk, key)
        if memo_key not in self._chosen:
            self._chosen[memo_key] = select_threshold(
                self.thresholds.get(indicator.pk, []), key, self.criteria_set
            )
        return self._chosen[memo_key]


def _load_thresholds(
    criteria_set: CriteriaSet, key: ThresholdKey | None, revision=LATEST
) -> dict[int, list[Threshold]]:
    """The set's thresholds by indicator as at `revision`; with `key`, only the rows
    `select_threshold` can choose for it (the same unit tests; it still checks them all)."""
    rows = Threshold.objects.filter(
        in_revision(revision), indicator__criterion__criteria_set=criteria_set
    )
    if key is not None:
        rows = rows.filter(
            Q(province__isnull=True) | Q(province_id=key.province_id),
            Q(region__isnull=True) | Q(region_id=key.region_id),
            Q(commune_group__isnull=True) | Q(commune_group_id=key.commune_group_id),
        )
    thresholds: dict[int, list[Threshold]] = {}
    for t in rows:
        thresholds.setdefault(t.indicator_id, []).append(t)
    return thresholds


def select_threshold(
    thresholds: Iterable[Threshold], key: ThresholdKey, criteria_set: CriteriaSet
) -> Threshold | None:
    """The most specific threshold WITH A KNOWN VALUE that applies: a province's own level before
    a regional (or commune-group) one before the national target, and a dated one before an
    undated one. A row whose value is unknown never hides a known, less specific one (17.1 of
    1980/QĐ-TTg: the regional rows are unknown, the national 95/60 is confirmed)."""
    by_group = criteria_set.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP
    best, best_rank = None, None
    for t in thresholds:
        if t.value is None:
            continue
        if t.province_id is not None and t.province_id != key.province_id:
            continue
        if t.region_id is not None and (by_group or t.region_id != key.region_id):
            continue
        if t.commune_group_id is not None and (
            not by_group or t.commune_group_id != key.commune_group_id
        ):
            continue
        if t.year_from is not None and key.year < t.year_from:
            continue
        if t.year_to is not None and key.year > t.year_to:
            continue
        rank = (
            t.province_id is not None,
            t.region_id is not None or t.commune_group_id is not None,
            t.year_from is not None or t.year_to is not None,
        )
        if best_rank is None or rank > best_rank:
            best, best_rank = t, rank
    return best


def compare(comparison: str, value: Decimal, level: Decimal) -> bool:
    if comparison == Indicator.Comparison.AT_LEAST:
        return value >= level
    if comparison == Indicator.Comparison.AT_MOST:
        return value <= level
    if comparison == Indicator.Comparison.EQUAL:
        return value == level
    raise ValueError(f"no comparison {comparison!r}")


def evaluate_value(
    indicator: Indicator,
    threshold: Threshold | None,
    value: Decimal | None,
    value_secondary: Decimal | None = None,
) -> bool | None:
    """Met / not met for a numeric indicator, or None when it cannot be computed (no value, or
    no known numeric threshold: then a manual decision with a reason is needed)."""
    if not indicator.is_numeric or value is None:
        return None
    if threshold is None or threshold.value is None:
        return None
    met = compare(indicator.comparison, value, threshold.value)
    if indicator.secondary_label and threshold.value_secondary is not None:
        met = (
            met
            and value_secondary is not None
            and compare(indicator.comparison, value_secondary, threshold.value_secondary)
        )
    return met


@dataclass
class IndicatorEntry:
    """What a user (or an import row) says about one indicator."""

    value: Decimal | None = None
    value_secondary: Decimal | None = None
    met: bool | None = None  # for boolean/level indicators, or a manual decision
    manual_reason: str = ""


@dataclass
class IndicatorOutcome:
    indicator: Indicator
    threshold: Threshold | None
    entry: IndicatorEntry
    met: bool | None
    manual: bool

    @property
    def threshold_status(self) -> str:
        """The status of the level a computed result rests on; "" when nothing was computed."""
        if self.manual or self.met is None or self.threshold is None:
            return ""
        if not self.indicator.is_numeric:
            return ""
        return self.threshold.status


@dataclass
class Evaluation:
    outcomes: dict[int, IndicatorOutcome] = field(default_factory=dict)  # by indicator id
    criteria_met: dict[int, bool] = field(default_factory=dict)  # by criterion id
    errors: dict[str, str] = field(default_factory=dict)  # by indicator code (or "c<n>")

    @property
    def total(self) -> int:
        return sum(self.criteria_met.values())


def _check_range(indicator: Indicator, value: Decimal | None) -> str | None:
    if value is None:
        return None
    if value < 0:
        return _("Giá trị không được âm.")
    if indicator.kind == Indicator.Kind.PERCENT and value > 100:
        return _("Tỷ lệ phải nằm trong khoảng 0–100%.")
    return None


def evaluate_assessment(
    catalogue: Catalogue,
    key: ThresholdKey,
    entries: Mapping[int, IndicatorEntry],
    criterion_flags: Mapping[int, bool] | None = None,
) -> Evaluation:
    """Evaluate one commune-year.

    `entries` holds indicator entries by indicator id. A criterion with at least one entry is met
    when all its indicators are met; a criterion with none takes its flag from `criterion_flags`
    (by criterion id), as an import of "x" columns does.
    """
    criterion_flags = criterion_flags or {}
    result = Evaluation()
    for criterion in catalogue.criteria:
        indicators = catalogue.indicators[criterion.pk]
        present = [ind for ind in indicators if ind.pk in entries]
        if not present:
            result.criteria_met[criterion.pk] = bool(criterion_flags.get(criterion.pk, False))
            continue
        all_met = True
        for ind in indicators:
            entry = entries.get(ind.pk, IndicatorEntry())
            threshold = catalogue.threshold_for(ind, key)
            met, manual = _indicator_met(ind, threshold, entry, result.errors)
            result.outcomes[ind.pk] = IndicatorOutcome(ind, threshold, entry, met, manual)
            all_met = all_met and met is True
        result.criteria_met[criterion.pk] = all_met
    return result


def manual_reason_missing(met: bool | None, reason: str) -> str | None:
    """A manual decision (an indicator with no known threshold judged met or not met) needs a
    reason: the message when it has none, else None. The form asks it too, next to the field."""
    if met is None or reason.strip():
        return None
    return _("Chưa có ngưỡng số cho chỉ tiêu này: cần ghi lý do khi tự đánh giá.")


def _indicator_met(
    ind: Indicator, threshold: Threshold | None, entry: IndicatorEntry, errors: dict[str, str]
) -> tuple[bool | None, bool]:
    if not ind.is_numeric:
        return entry.met, False
    for v in (entry.value, entry.value_secondary):
        if message := _check_range(ind, v):
            errors[ind.code] = message
            return None, False
    computed = evaluate_value(ind, threshold, entry.value, entry.value_secondary)
    if computed is not None:
        if entry.manual_reason and entry.met is not None and entry.met != computed:
            errors[ind.code] = _(
                "Chỉ tiêu có ngưỡng số: kết quả được tính từ giá trị, "
                "không thể quyết định thủ công."
            )
        return computed, False
    if entry.met is None:
        return None, False
    if message := manual_reason_missing(entry.met, entry.manual_reason):
        errors[ind.code] = message
        return None, False
    return entry.met, True
