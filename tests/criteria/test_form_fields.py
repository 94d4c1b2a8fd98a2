"""The assessment form's fast field filter draws what crispy-forms draws, element for element."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.test.html import parse_html

from criteria.forms import CommaDecimalField
from pages.templatetags.form_fields import bs_field


class Sample(forms.Form):
    met = forms.ChoiceField(
        label="1.1 – kết quả", required=False, choices=[("", "—"), ("1", "Đạt"), ("0", "Không")]
    )
    note = forms.CharField(label="Ghi chú tiêu chí 1", required=False, max_length=2000)
    value = CommaDecimalField(label="16 – giá trị (%)", required=False)
    reason = forms.CharField(
        label="Lý do",
        required=True,
        help_text="Bắt buộc khi <b>tự quyết</b>.",
        widget=forms.Textarea(attrs={"rows": 2, "class": "mine"}),
    )
    locked = forms.CharField(label="Khóa", required=False, disabled=True)
    flag = forms.BooleanField(label="Cờ", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


def same(bound):
    ours, theirs = parse_html(str(bs_field(bound))), parse_html(str(as_crispy_field(bound)))
    assert ours == theirs, f"\n{ours}\n!=\n{theirs}"


@pytest.mark.parametrize("name", list(Sample.base_fields))
def test_an_unbound_field_is_drawn_as_crispy_draws_it(name):
    same(Sample(initial={"note": "a < b", "value": "1,5"})[name])


@pytest.mark.parametrize("name", list(Sample.base_fields))
def test_a_field_with_errors_is_drawn_as_crispy_draws_it(name):
    form = Sample(data={"met": "7", "value": "abc", "note": "x" * 2001, "version": "v"})
    assert not form.is_valid()
    same(form[name])


def test_the_errors_and_help_text_are_there():
    form = Sample(data={"value": "abc"})
    form.is_valid()
    html = str(bs_field(form["reason"]))
    assert 'class="mine textarea form-control is-invalid"' in html
    assert 'id="error_1_id_reason"' in html and "<b>tự quyết</b>" in html
