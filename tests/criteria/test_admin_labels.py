"""The admin names the set beside every criterion and indicator (three sets have a "1. Quy
hoạch"), and every input of a tabular inline has an accessible label (axe-core: critical)."""

from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.models import (
    CriteriaSet,
    Criterion,
    CriterionResult,
    Indicator,
    IndicatorValue,
    Threshold,
)

pytestmark = pytest.mark.django_db


BUTTONS = {"hidden", "submit", "button", "reset"}


class Inputs(HTMLParser):
    """The form controls of a page a person fills in, and the ids its <label for=...> name."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.labelled: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        # A hidden input is no control; a button's value is its name.
        kind = attrs.get("type")
        if tag in ("input", "select", "textarea") and kind not in BUTTONS:
            self.controls.append(attrs)

    def unlabelled(self) -> list[str]:
        return [
            c.get("name") or c.get("id") or "?"
            for c in self.controls
            if not (c.get("aria-label") or c.get("aria-labelledby") or c.get("id") in self.labelled)
        ]


def controls_of(html: str) -> Inputs:
    parser = Inputs()
    parser.feed(html)
    return parser


def test_every_input_of_the_set_change_page_has_a_label(admin_client):
    cset = CriteriaSet.objects.get(code="xa-ntm-2021-2025")  # groups, poverty standards
    page = admin_client.get(reverse("admin:criteria_criteriaset_change", args=[cset.pk]))
    assert page.status_code == 200
    inputs = controls_of(page.content.decode())
    assert len(inputs.controls) > 21
    assert inputs.unlabelled() == []
    # A row's input is named by its column and its row.
    assert any(c.get("aria-label", "").endswith("(dòng 1)") for c in inputs.controls)
    assert any(c.get("aria-label", "").endswith("(dòng mới)") for c in inputs.controls)


@pytest.mark.parametrize(
    ("model", "pick"),
    [
        (
            Criterion,
            lambda: Criterion.objects.filter(criteria_set__code="xa-ntm-2021-2025").first(),
        ),
        (Indicator, lambda: Indicator.objects.order_by("pk").first()),
    ],
)
def test_every_input_of_an_inline_change_page_has_a_label(admin_client, model, pick):
    obj = pick()
    opts = model._meta
    page = admin_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )
    assert controls_of(page.content.decode()).unlabelled() == []


def test_a_criterion_and_an_indicator_are_named_with_their_set():
    firsts = Criterion.objects.filter(number=1, criteria_set__level="commune").select_related(
        "criteria_set"
    )
    names = {str(c) for c in firsts}
    assert len(names) == firsts.count() >= 3  # no longer three times "1. ..." alike
    c = firsts.get(criteria_set__code="xa-ntm-2021-2025")
    assert str(c) == f"1. {c.name_vi} (xa-ntm-2021-2025)"
    indicator = c.indicators.order_by("order").first()
    assert str(indicator).endswith("(xa-ntm-2021-2025)")


def test_the_criterion_autocomplete_names_the_set_in_one_query_per_page(admin_client):
    url = reverse("admin:autocomplete")
    params = {
        "app_label": "criteria",
        "model_name": "indicator",
        "field_name": "criterion",
        "term": "Quy hoạch",
    }
    with CaptureQueriesContext(connection) as queries:
        results = admin_client.get(url, params).json()["results"]
    texts = [r["text"] for r in results]
    assert {t.rsplit(" (", 1)[1] for t in texts} >= {"xa-ntm-2016-2020)", "xa-ntm-2021-2025)"}
    # Session and user, the page of results and its count: no query per result.
    assert len(queries) < 8


@pytest.mark.parametrize("model", [Indicator, Threshold, CriterionResult, IndicatorValue])
def test_the_admin_lists_naming_criteria_load_their_set(admin_client, model):
    """A page of up to 100 rows, each named with its set: a query per row would show."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    with CaptureQueriesContext(connection) as queries:
        assert admin_client.get(url).status_code == 200
    assert len(queries) < 20
