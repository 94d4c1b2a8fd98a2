"""The synthetic data takes its criteria from the catalogue used, not a count of 19."""

import random
from types import SimpleNamespace

from demo.national import plan_counts
from demo.synthetic import EASY_FIRST, difficulty_order


def test_the_order_of_the_2016_2025_criteria_is_the_one_the_demo_was_made_with():
    # What difficulty_order drew before it took the numbers: the same seed, the same order.
    rng = random.Random(7)
    noise = {n: i + rng.gauss(0, 3) for i, n in enumerate(EASY_FIRST)}
    before = sorted(noise, key=noise.get)
    assert difficulty_order(random.Random(7), range(1, 20)) == before


def test_a_set_of_another_size_gets_an_order_of_its_own_numbers():
    order = difficulty_order(random.Random(7), range(1, 11))
    assert sorted(order) == list(range(1, 11))
    assert sorted(difficulty_order(random.Random(7), [1, 2, 25])) == [1, 2, 25]


def catalogue(set_id: int, size: int):
    return SimpleNamespace(
        criteria=[SimpleNamespace(number=n) for n in range(1, size + 1)],
        criteria_set=SimpleNamespace(pk=set_id),
    )


def test_the_counts_stay_within_each_years_set():
    years = list(range(2016, 2031))
    catalogues = {y: catalogue(1 if y < 2026 else 2, 19 if y < 2026 else 10) for y in years}
    for seed in range(200):
        counts = plan_counts(random.Random(seed), years, catalogues, lift=2.5)
        assert all(1 <= counts[y] <= len(catalogues[y].criteria) for y in years)
