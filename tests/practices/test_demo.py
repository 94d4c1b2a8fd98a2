import pytest

from practices.demo import EXAMPLES, seed_demo_practices
from practices.models import Category, Practice

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_published_example_per_category_in_2018():
    examples = Practice.objects.filter(province__code="20", is_example=True)
    assert examples.count() == len(EXAMPLES) == 5
    assert set(examples.values_list("status", flat=True)) == {"published"}
    assert set(examples.values_list("year", flat=True)) == {2018}
    assert set(examples.values_list("category__name", flat=True)) == set(
        Category.objects.values_list("name", flat=True)
    )
    assert all(p.title.startswith("Ví dụ minh họa: ") for p in examples)
    assert all(p.criteria.exists() for p in examples)


def test_it_is_idempotent():
    assert seed_demo_practices() == 0
    assert Practice.objects.filter(is_example=True).count() == 5
