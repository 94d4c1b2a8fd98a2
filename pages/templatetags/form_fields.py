"""`{{ bound_field|bs_field }}`: one form field in the Bootstrap 5 markup of crispy-forms'
`as_crispy_field` (wrapper, label, widget classes, help text, errors), built in Python.

The assessment form draws ~270 fields. Through crispy's nested templates they took about 60 %
of the page's rendering time and wrote half of its HTML as blank lines; this filter writes the
same elements and attributes (tests/criteria/test_form_fields.py compares the two, with and
without errors) at a fraction of the cost. Check boxes and other widgets it does not know are
left to crispy.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.forms.widgets import Input
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

# The widgets drawn here, with the Bootstrap class crispy adds to each.
_BOOTSTRAP_CLASS = (
    (forms.Select, "form-select"),
    (forms.Textarea, "form-control"),
    (Input, "form-control"),
)
_ASTERISK = SafeString('<span class="asteriskField">*</span>')
_NOT_HERE = (
    forms.CheckboxInput,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.FileInput,
    forms.MultiWidget,
)


def _bootstrap_class(widget: forms.Widget) -> str | None:
    if isinstance(widget, _NOT_HERE):
        return None
    for kind, css in _BOOTSTRAP_CLASS:
        if isinstance(widget, kind):
            return css
    return None


def _widget_class(bound: forms.BoundField, bootstrap: str) -> str:
    """crispy's classes: the widget's own, its lower-cased class name, Bootstrap's, is-invalid."""
    widget = bound.field.widget
    classes = widget.attrs.get("class", "").split()
    marker = widget.__class__.__name__.lower()
    if marker not in classes:
        classes.append(marker)
    classes.append(bootstrap)
    if bound.errors:
        classes.append("is-invalid")
    return " ".join(classes)


@register.filter
def bs_field(bound: forms.BoundField) -> SafeString:
    if bound.is_hidden:
        return SafeString(str(bound))
    bootstrap = _bootstrap_class(bound.field.widget)
    if bootstrap is None:
        return as_crispy_field(bound)
    auto_id = bound.auto_id
    required = bound.field.required
    label = ""
    if bound.label:
        label = format_html(
            '<label{} class="form-label{}">{}{}</label>',
            format_html(' for="{}"', bound.id_for_label) if bound.id_for_label else "",
            " requiredField" if required else "",
            bound.label,
            _ASTERISK if required else "",
        )
    widget = bound.as_widget(attrs={"class": _widget_class(bound, bootstrap)})
    errors = ""
    if bound.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            bound.errors.field_id,
            format_html_join(
                "",
                '<p id="error_{}_{}"><strong>{}</strong></p>',
                ((n, auto_id, error) for n, error in enumerate(bound.errors, start=1)),
            ),
        )
    help_text = ""
    if bound.help_text:
        help_text = format_html(
            '<div{} class="form-text">{}</div>',
            format_html(' id="{}_helptext"', auto_id) if auto_id else "",
            SafeString(bound.help_text),  # crispy marks it safe too: set by our forms only
        )
    css = bound.css_classes()
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}{}{}{}</div>',
        auto_id,
        f" {css}" if css else "",
        label,
        widget,
        errors,
        help_text,
    )
