"""The one PDF pipeline: WeasyPrint and its print stylesheet, cached by the content shown.

WeasyPrint costs about a second to import and then time per table cell, so a rendered file is
kept in the report storage (ntm.lib.reportfiles). The reports themselves are named after the
data version they show (reports.rendering); other documents (the compendium) after a hash of
the exact HTML they were made from, so any change makes a new file and an unchanged one is
served at once.
"""

import hashlib
from pathlib import Path

from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _

from ntm.lib import reportfiles

PRINT_STYLESHEET = "css/report-print.css"


def render_pdf(html: str) -> bytes:
    """A4 PDF of `html` with the print stylesheet (fonts from static/fonts via @font-face)."""
    from weasyprint import CSS, HTML  # imported here: it takes about a second

    stylesheet = finders.find(PRINT_STYLESHEET)
    # Page numbers: the only translated text of the stylesheet, so it is added here.
    page_label = _("Trang").replace('"', "")
    numbers = CSS(
        string=(
            "@page { @bottom-right { content: "
            f'"{page_label} " counter(page) "/" counter(pages); }} }}'
        )
    )
    document = HTML(string=html, base_url=str(Path(stylesheet).parent.parent))
    return document.write_pdf(stylesheets=[CSS(filename=stylesheet), numbers])


def cache_name(html: str, *, key: str) -> str:
    digest = hashlib.sha256(html.encode()).hexdigest()[:32]
    return reportfiles.stored_name(key, digest, "pdf")


def cached_pdf(html: str, *, key: str) -> tuple[bytes, bool]:
    """The PDF of `html` and whether it came from the stored files. `key` names the variant
    (what, year, language); older files of the same variant are removed."""
    name = cache_name(html, key=key)
    content = reportfiles.read(name)
    if content is not None:
        return content, True
    content = render_pdf(html)
    reportfiles.store(name, content, variant=key)
    return content, False
