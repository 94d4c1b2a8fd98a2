"""The load test's form reader (ops/form_fields.py) posts what a browser would."""

import pytest

from criteria.forms import indicator_field
from criteria.models import Assessment, IndicatorValue
from ops.form_fields import form_fields
from tests.base import make_assessment
from tests.criteria.conftest import form_data, indicators

PAGE = """<form method="post">
<input type="hidden" name="csrfmiddlewaretoken" value="abc">
<input type="text" name="quoted" value="Tom &amp; Jerry &quot;x&quot;">
<input name="untyped" value="1,5"><input type="text" name="empty">
<input type="text" name="off" value="x" disabled>
<input type="checkbox" name="ticked" value="on" checked>
<input type="checkbox" name="unticked" value="on">
<input type="radio" name="pick" value="1"><input type="radio" name="pick" value="2" checked>
<button type="submit" name="go">Lưu</button><input type="submit" name="save" value="Lưu">
<select name="picked"><option value="">—</option><option value="1" selected>Đạt</option>
<option value="0">Không đạt</option></select>
<select name="first"><option value="0">Không</option><option value="1">Có</option></select>
<select name="locked" disabled><option value="1" selected>Đạt</option></select>
<textarea name="note">
Dòng một &lt;b&gt;
dòng hai</textarea><textarea name="blank"></textarea>
</form>"""


def test_the_fields_a_browser_would_post():
    assert form_fields(PAGE) == {
        "csrfmiddlewaretoken": "abc",
        "quoted": 'Tom & Jerry "x"',
        "untyped": "1,5",
        "empty": "",
        "ticked": "on",
        "pick": "2",
        "picked": "1",
        "first": "0",
        "note": "Dòng một <b>\ndòng hai",
        "blank": "",
    }


@pytest.mark.django_db
def test_the_assessment_form_read_back_saves_what_it_showed(client, world):
    """The load test's save: the form as rendered, posted back with one value changed."""
    assessment = make_assessment(world.commune_a1, 2027, world.cset, status="draft")
    client.force_login(world.province_staff)
    entries = {"1.1": "1", "1.2": "75,5"}
    first = client.post(
        assessment.get_absolute_url(), form_data(world.cset, assessment.version, entries)
    )
    assert first.status_code == 302
    by_code = indicators(world.cset)
    saved = {
        v.indicator_id: (v.value, v.met)
        for v in IndicatorValue.objects.filter(assessment=assessment)
    }

    fields = form_fields(client.get(assessment.get_absolute_url()).content.decode())
    assert fields[indicator_field(by_code["1.2"].pk, "value")] == "75,5"
    assert fields[indicator_field(by_code["1.1"].pk, "met")] == "1"
    fields[indicator_field(by_code["1.2"].pk, "value")] = "80"
    assert client.post(assessment.get_absolute_url(), fields).status_code == 302

    after = {
        v.indicator_id: (v.value, v.met)
        for v in IndicatorValue.objects.filter(assessment=assessment)
    }
    assert after.pop(by_code["1.2"].pk)[0] == 80
    saved.pop(by_code["1.2"].pk)
    assert after == saved
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version + 2
