"""What each person can do on the assessment page: the error summary, the save bar's actions,
a returned assessment for the one it was returned to."""

import pytest
from django.urls import reverse

from criteria.forms import indicator_field
from criteria.models import Assessment
from criteria.services import assessment_return, assessment_submit
from tests.criteria.conftest import form_data, indicators, login

pytestmark = pytest.mark.django_db


def url(commune, year=2027):
    return reverse("pages:assessment_edit", args=[commune.code, year])


def save_bar(body: str) -> str:
    start = body.index('class="save-bar')
    return body[start : body.index("</div>", start)]


def test_a_refused_save_lists_each_error_with_a_link_to_its_field(client, world, draft):
    login(client, world.province_staff)
    inds = indicators(world.cset)
    response = client.post(
        url(world.commune_a1), form_data(world.cset, draft.version, {"1.2": "x"})
    )
    assert response.status_code == 400
    body = response.content.decode()
    field_id = "id_" + indicator_field(inds["1.2"].pk, "value")
    assert 'id="error-summary" tabindex="-1"' in body
    assert f'<a href="#{field_id}">1.2 – giá trị (%): Cần nhập một số, ví dụ 85,5.</a>' in body
    assert body.index("error-summary") < body.index('id="assessment-form"')


def test_the_save_bar_holds_save_and_submit_for_province_staff(client, world, draft):
    login(client, world.province_staff)
    body = client.get(url(world.commune_a1)).content.decode()
    bar = save_bar(body)
    assert 'id="save"' in bar
    assert 'id="submit-assessment" form="submit-form"' in bar
    assert (
        f'action="{reverse("pages:assessment_submit", args=["98101", 2027])}" id="submit-form"'
        in body
    )


def test_the_save_bar_holds_approve_and_return_for_a_submitted_one(client, world, submitted):
    login(client, world.province_staff)
    body = client.get(url(world.commune_a1)).content.decode()
    bar = save_bar(body)
    assert 'form="approve-form"' in bar and 'form="return-form"' in bar
    assert 'id="save"' in bar  # province staff may still correct a submitted assessment
    assert 'required form="return-form"' in body  # the reason, above the form


def test_a_returned_assessment_tells_the_district_official_what_to_do(client, world, submitted):
    assessment_return(assessment=submitted, user=world.province_staff, reason="Sửa chỉ tiêu 1.2")
    login(client, world.official_a)
    page = client.get(url(world.commune_a1))
    body = page.content.decode()
    assert "Sửa chỉ tiêu 1.2" in body and 'id="return-todo"' in body
    assert "bấm “Gửi tỉnh duyệt”" in body
    bar = save_bar(body)
    assert 'id="submit-assessment"' in bar and 'id="save"' not in bar
    # Values as text: no disabled inputs to tab through.
    form = body[body.index('id="assessment-form"') :]
    form = form[: form.index("</form>")]
    assert "<select" not in form and 'type="text"' not in form
    response = client.post(reverse("pages:assessment_submit", args=["98101", 2027]))
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Assessment.Status.SUBMITTED


def test_a_returned_assessment_is_fixed_by_the_commune_official(client, world, draft):
    assessment_submit(assessment=draft, user=world.commune_official)
    assessment_return(assessment=draft, user=world.province_staff, reason="Thiếu 1.1")
    login(client, world.commune_official)
    body = client.get(url(world.commune_a1)).content.decode()
    assert "Thiếu 1.1" in body and 'id="save"' in body and 'id="submit-assessment"' in body
    draft.refresh_from_db()
    response = client.post(
        url(world.commune_a1), form_data(world.cset, draft.version, {"1.1": "1"})
    )
    assert response.status_code == 302
