"""`criteria.applicable` reads what applies and writes nothing; the writers ask it."""

import ast
from pathlib import Path

import pytest

from criteria import applicable, services

ROOT = Path(__file__).resolve().parents[2]


def test_the_writers_module_defines_no_read_of_what_applies():
    tree = ast.parse((ROOT / "criteria" / "services.py").read_text())
    defined = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert not defined & {"criteria_set_for_year", "threshold_key", "designated_communes"}
    assert services.threshold_key is applicable.threshold_key  # imported, used by the writers


@pytest.mark.django_db
def test_the_set_in_force_is_one_read(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        applicable.criteria_set_for_year(2026)
