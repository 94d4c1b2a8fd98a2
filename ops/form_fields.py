"""The fields of a page's forms as a browser would post them, for the load test's virtual
users (ops/locustfile.py). Standard library only: Locust imports it outside Django.

Read with regular expressions: the pages are Django's own markup (quoted attributes, no
scripts among the fields). html.parser took 8.7 ms per assessment form of the load
generator's CPU, which it shares with the servers it measures; this takes 0.7 ms and gives the
same fields (tests/ops/test_form_fields.py)."""

import html
import re

_FIELD_TAG = re.compile(r"<(/?)(input|select|option|textarea)\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?""")
_TEXTAREA_END = re.compile(r"</textarea\s*>", re.IGNORECASE)


def form_fields(page: str) -> dict[str, str]:
    """The enabled inputs (checked ones only for checkboxes and radios, no buttons), selects
    (their selected option, else their first) and textareas (their text less the first line
    break, as a browser reads it) of the page, with their current values."""
    fields: dict[str, str] = {}
    select, chosen = None, False
    for match in _FIELD_TAG.finditer(page):
        closing, tag, rest = match.group(1), match.group(2).lower(), match.group(3)
        if closing:
            if tag == "select":
                select = None
            continue
        a = {
            key.lower(): html.unescape(double or single or bare)
            for key, double, single, bare in _ATTRIBUTE.findall(rest)
        }
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                continue
            if kind not in ("submit", "button"):
                fields[name] = a.get("value", "")
        elif tag == "select" and name and "disabled" not in a:
            select, chosen = name, False
        elif tag == "option" and select and (select not in fields or "selected" in a):
            if not chosen:  # the first option stands until one is selected
                fields[select] = a.get("value", "")
                chosen = "selected" in a
        elif tag == "textarea" and name and "disabled" not in a:
            end = _TEXTAREA_END.search(page, match.end())
            text = page[match.end() : end.start() if end else len(page)]
            fields[name] = html.unescape(text.removeprefix("\n"))
    return fields
