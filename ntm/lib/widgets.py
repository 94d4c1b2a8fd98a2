"""A form renderer that writes Django's plain widgets (inputs, selects, text areas) in Python.

The assessment form draws about 270 widgets; through Django's widget templates (each input
includes `input.html`, which includes `attrs.html`; each option of a select includes
`select_option.html`) they were half of the page's rendering time. This renderer writes the
same characters as those templates (tests/test_widgets.py compares the two over every form of
the project and over odd values: None, 0, booleans, safe strings, markup, option groups) and
hands any other template (a custom widget's, crispy's) to Django's template renderer.

Only the assessment form uses it (`AssessmentForm.default_renderer`): every other form, the
admin's included, is drawn by Django's own templates, as the framework does.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString

WIDGETS = "django/forms/widgets/"
# Widget templates that are exactly `{% include "django/forms/widgets/input.html" %}`.
INPUTS = frozenset(
    WIDGETS + name
    for name in (
        "text.html",
        "number.html",
        "hidden.html",
        "email.html",
        "url.html",
        "password.html",
        "search.html",
        "tel.html",
        "date.html",
        "datetime.html",
        "time.html",
        "color.html",
    )
)
SELECT = WIDGETS + "select.html"
OPTION = WIDGETS + "select_option.html"
TEXTAREA = WIDGETS + "textarea.html"


def _shown(value) -> str:
    """`{{ value }}` in an autoescaped template: localized, then escaped unless safe."""
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


def _as_s(value) -> str:
    """`{{ value|stringformat:'s' }}`: str(), escaped unless the value was safe."""
    return conditional_escape(str(value))


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + _shown(name))
        if value is not True:
            out.append('="' + _as_s(value) + '"')
    return "".join(out)


def _input(w: dict) -> str:
    value = f' value="{_as_s(w["value"])}"' if w["value"] is not None else ""
    kind, name = _shown(w["type"]), _shown(w["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(w["attrs"])}>'


def _option(o: dict) -> str:
    # The template file ends with a line break, which stays inside the select.
    value, label = _as_s(o["value"]), _shown(o["label"])
    return f'<option value="{value}"{_attrs(o["attrs"])}>{label}</option>\n'


def _select(w: dict) -> str | None:
    out = [f'<select name="{_shown(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


def _textarea(w: dict) -> str:
    value = _shown(w["value"]) if w["value"] else ""
    return f'<textarea name="{_shown(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>'


def render_widget(template_name: str, context: dict) -> str | None:
    """The widget's HTML as its Django template would write it, or None when the template is
    not one of the plain widgets'."""
    widget = context.get("widget")
    if widget is None:
        return None
    if template_name in INPUTS:
        return _input(widget)
    if template_name == SELECT:
        return _select(widget)
    if template_name == TEXTAREA:
        return _textarea(widget)
    return None


class FastWidgetRenderer(DjangoTemplates):
    """Django's default form renderer, with the plain widgets written in Python (like it, what
    it returns has no surrounding white space)."""

    def render(self, template_name, context, request=None):
        html = render_widget(template_name, context)
        if html is None:
            return super().render(template_name, context, request=request)
        return SafeString(html)
