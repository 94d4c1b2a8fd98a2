"""The assessment form's field names come from one pair of helpers (criteria.forms), and each
indicator input says what it is in `data-part`, which assessment-form.js reads."""

import pytest

from criteria.applicable import threshold_key
from criteria.evaluation import Catalogue
from criteria.forms import AssessmentForm, criterion_field, indicator_field
from criteria.models import Indicator

pytestmark = pytest.mark.django_db


def test_the_helpers_spell_the_names():
    assert indicator_field(12, "value") == "i12_value"
    assert indicator_field(12, "carried") == "i12_carried"
    assert criterion_field(7, "note") == "c7_note"


def test_every_field_of_the_form_is_named_by_the_helpers(world):
    criterion = world.cset.criteria.get(number=2)
    manual = Indicator.objects.create(
        criterion=criterion,
        code="2.2",
        order=2,
        name_vi="Chưa có ngưỡng",
        kind="percent",
        comparison=">=",
    )
    world.cset.criteria.create(group=criterion.group, number=4, name_vi="Cả tiêu chí")
    catalogue = Catalogue.load(world.cset)
    form = AssessmentForm(
        catalogue=catalogue, key=threshold_key(world.commune_a1, 2027, world.cset)
    )
    expected = {"version", "note"}
    for c in catalogue.criteria:
        expected.add(criterion_field(c.pk, "note"))
        indicators = catalogue.indicators[c.pk]
        if not indicators:
            expected.add(criterion_field(c.pk, "met"))
        for ind in indicators:
            if ind.pk == manual.pk:
                wanted = ("value", "met", "reason")
            else:
                wanted = ("value",) if ind.is_numeric else ("met",)
            expected.update(indicator_field(ind.pk, part) for part in wanted)
            for part in wanted:
                widget = form.fields[indicator_field(ind.pk, part)].widget
                assert widget.attrs["data-part"] == part
    assert set(form.fields) == expected
