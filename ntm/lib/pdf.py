"""The one PDF pipeline: WeasyPrint and its print stylesheet, cached by the content shown.

WeasyPrint costs about a second to import and then time per table cell, so a rendered file is
kept under `settings.REPORT_CACHE_DIR`, named after a hash of the exact HTML it was made from.
The HTML carries every figure, name and the report date, so a changed assessment changes the
hash (never a stale file) and an unchanged report is served from disk at once.
"""

import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _

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


def cache_path(html: str, *, key: str) -> Path:
    digest = hashlib.sha256(html.encode()).hexdigest()[:32]
    return Path(settings.REPORT_CACHE_DIR) / f"{key}-{digest}.pdf"


def cached_pdf(html: str, *, key: str) -> tuple[bytes, bool]:
    """The PDF of `html` and whether it came from the cache. `key` names the report variant
    (area, year, provisional, language); older files of the same variant are removed."""
    path = cache_path(html, key=key)
    try:
        return path.read_bytes(), True
    except FileNotFoundError:
        pass
    content = render_pdf(html)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write then rename, so a concurrent download never reads half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as f:
        f.write(content)
    os.replace(tmp, path)
    for old in path.parent.glob(f"{key}-*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)
    return content, False
