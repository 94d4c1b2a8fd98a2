"""Synthetic indicator entries shared by the demo province (`seed_demo`) and the synthetic
country (`seed_national`): values invented from a seeded random generator, but always chosen so
that `criteria.evaluation` finds exactly the criteria the caller wants met."""

import random
from collections.abc import Iterable
from decimal import Decimal

from criteria.evaluation import Catalogue, IndicatorEntry, ThresholdKey, evaluate_value
from criteria.models import Indicator

# Synthetic difficulty of the criteria by number (easiest first), as numbered in the sets of
# 2016-2020 and 2021-2025; a number not listed (another set's) comes after, in number order.
EASY_FIRST = [19, 1, 4, 8, 18, 12, 15, 9, 3, 7, 16, 6, 14, 2, 5, 11, 13, 10, 17]
MANUAL_REASON = (
    "Chưa có ngưỡng vùng đã xác nhận; Ban Chỉ đạo tỉnh đánh giá theo hướng dẫn (dữ liệu minh họa)."
)


def difficulty_order(rng: random.Random, numbers: Iterable[int]) -> list[int]:
    """The criteria `numbers` (those of the catalogues used), easiest first, with the commune's
    own perturbation."""
    rank = {n: i for i, n in enumerate(EASY_FIRST)}
    ordered = sorted(set(numbers), key=lambda n: (n not in rank, rank.get(n, 0), n))
    noise = {n: i + rng.gauss(0, 3) for i, n in enumerate(ordered)}
    return sorted(noise, key=noise.get)


def _number(rng: random.Random, low: float, high: float) -> Decimal:
    return Decimal(str(round(rng.uniform(low, high), 1)))


def make_entry(ind: Indicator, threshold, want_met: bool, rng: random.Random) -> IndicatorEntry:
    """An indicator entry whose evaluation gives `want_met`."""
    if not ind.is_numeric:
        return IndicatorEntry(met=want_met)
    cap = 100.0 if ind.kind == Indicator.Kind.PERCENT else None
    if threshold is None or threshold.value is None:
        value = _number(rng, 40, 100) if cap else _number(rng, 0, 50)
        return IndicatorEntry(value=value, met=want_met, manual_reason=MANUAL_REASON)
    t = float(threshold.value)
    for _attempt in range(50):
        if ind.comparison == Indicator.Comparison.EQUAL:
            value = Decimal(str(t)) if want_met else Decimal(rng.randint(1, 15))
        elif ind.comparison == Indicator.Comparison.AT_LEAST:
            top = cap if cap else t * 1.4
            value = _number(rng, t, top) if want_met else _number(rng, t * 0.5, t - 0.1)
        else:
            value = _number(rng, t * 0.3, t) if want_met else _number(rng, t + 0.2, t * 2.5)
        second = None
        if ind.secondary_label and threshold.value_secondary is not None:
            s = float(threshold.value_secondary)
            second = _number(rng, s, min(100.0, s * 1.5)) if want_met else _number(rng, 0, s - 0.1)
        if evaluate_value(ind, threshold, value, second) is want_met:
            return IndicatorEntry(value=value, value_secondary=second)
    raise RuntimeError(f"could not make a value for {ind.code}")


def synthetic_entries(
    catalogue: Catalogue, key: ThresholdKey, met_numbers: set[int], rng: random.Random
) -> dict[int, IndicatorEntry]:
    """Entries (by indicator id) meeting exactly the criteria numbered in `met_numbers`: every
    indicator of a met criterion is met; an unmet criterion has at least one unmet indicator."""
    entries = {}
    for criterion in catalogue.criteria:
        indicators = catalogue.indicators.get(criterion.pk)
        if not indicators:  # judged as a whole (no indicators entered yet): no entries
            continue
        want = criterion.number in met_numbers
        failing = set() if want else {rng.choice(indicators).pk}
        for ind in indicators:
            ind_met = want or (ind.pk not in failing and rng.random() < 0.6)
            entries[ind.pk] = make_entry(ind, catalogue.threshold_for(ind, key), ind_met, rng)
    return entries
