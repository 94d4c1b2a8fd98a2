"""The form renderer that writes plain widgets in Python (ntm.lib.widgets) writes what Django's
widget templates write, character for character: over odd values, and over every widget drawn
by the project's main forms and admin pages."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe

from communes.models import Commune
from ntm.lib import widgets as fast

TEMPLATES = DjangoTemplates()
FAST = fast.FastWidgetRenderer()

CHOICES = [("", "—"), (1, 1000), ("a", "<b>A & B</b>"), ("b", mark_safe("<i>b</i>"))]
GROUPED = [("", "—"), ("Nhóm <1>", [("x", "X"), ("y", "Y")]), ("z", "Z")]

CASES = [
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.TextInput(), 0),
    (forms.TextInput(), Decimal("1.50")),
    (forms.TextInput(attrs={"class": "a b", "required": True, "x": False}), "<b>\"&'</b>"),
    (forms.TextInput(attrs={"data-x": mark_safe("<i>")}), mark_safe("<em>safe</em>")),
    (forms.TextInput(attrs={"maxlength": 200, "step": Decimal("0.01")}), "x"),
    (forms.NumberInput(attrs={"step": "any"}), 12),
    (forms.HiddenInput(), 3),
    (forms.EmailInput(), "a@b.vn"),
    (forms.PasswordInput(render_value=True), "secret"),
    (forms.PasswordInput(), "secret"),
    (forms.DateInput(), datetime.date(2025, 7, 1)),
    (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), datetime.date(2025, 7, 1)),
    (forms.URLInput(), "https://example.org/?a=1&b=2"),
    (forms.Select(choices=CHOICES), None),
    (forms.Select(choices=CHOICES), 1),
    (forms.Select(choices=CHOICES, attrs={"disabled": True}), "a"),
    (forms.Select(choices=GROUPED), "y"),
    (forms.SelectMultiple(choices=CHOICES), ["a", "b"]),
    (forms.NullBooleanSelect(), True),
    (forms.Textarea(), None),
    (forms.Textarea(), ""),
    (forms.Textarea(attrs={"rows": 2}), "dòng 1\ndòng <2> & 3"),
    (forms.Textarea(), mark_safe("<p>giữ</p>")),
]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize(("widget", "value"), CASES)
def test_each_plain_widget_is_written_as_its_template_writes_it(widget, value, language):
    with translation.override(language):
        attrs = {"id": "id_f", "aria-describedby": "id_f_helptext"}
        theirs = widget.render("f", value, attrs=attrs, renderer=TEMPLATES)
        ours = widget.render("f", value, attrs=attrs, renderer=FAST)
    assert ours == theirs
    assert fast.render_widget(widget.template_name, widget.get_context("f", value, attrs))


def test_other_templates_go_to_the_template_engine():
    widget = forms.CheckboxInput()
    context = widget.get_context("f", True, {})
    assert fast.render_widget(widget.template_name, context) is None
    rendered = widget.render("f", True, renderer=FAST)
    assert rendered == widget.render("f", True, renderer=TEMPLATES)


@pytest.fixture
def compared(monkeypatch):
    """Every widget the pages draw is also drawn by the templates and compared; the templates
    of the widgets written in Python are counted."""
    seen = []

    def checking(self, template_name, context, request=None):
        ours = fast.render_widget(template_name, context)
        if ours is not None:
            theirs = TEMPLATES.render(template_name, context, request=request)
            assert ours == theirs, f"{template_name}:\n{ours}\n!=\n{theirs}"
            seen.append(template_name)
        return TEMPLATES.render(template_name, context, request=request)

    monkeypatch.setattr(fast.FastWidgetRenderer, "render", checking)
    return seen


@pytest.mark.django_db
def test_the_widgets_of_the_main_forms_and_admin_pages(client, compared):
    """The demo's pages with forms, as the admin (who may open them all), and the assessment
    form refused with errors: only the assessment form draws its widgets in Python (the other
    pages use Django's templates, nothing to compare)."""
    admin = get_user_model().objects.get(username="admin")
    commune = Commune.objects.filter(province__code="20").in_programme().order_by("code").first()
    anonymous = client.get("/accounts/login/")
    assert anonymous.status_code == 200
    client.force_login(admin)
    pages = [
        f"/communes/{commune.code}/2019/",
        "/imports/",
        "/plans/20/new/",
        "/practices/new/",
        "/reports/issued/",
        "/admin/communes/commune/add/",
        f"/admin/communes/commune/{commune.pk}/change/",
        "/admin/criteria/threshold/add/",
        "/admin/criteria/certification/add/",
        "/admin/auth/user/add/",
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page
    refused = client.post(f"/communes/{commune.code}/2019/", {"note": "x" * 5000})
    assert refused.status_code in (200, 400)
    kinds = set(compared)
    assert {fast.SELECT, fast.TEXTAREA, fast.WIDGETS + "text.html"} <= kinds, kinds
    # The 2019 form's widgets, drawn twice (shown, then refused with errors).
    assert len(compared) > 150 and len(compared) % 2 == 0
