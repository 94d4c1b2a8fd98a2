"""The one PDF pipeline: WeasyPrint and its print stylesheet.

WeasyPrint costs about a second to import and then time per table cell, so documents that are
downloaded again (reports, the compendium) are rendered in the background and kept in the
report storage (ntm.lib.reportfiles) under the data version they show.

Uploaded files a document shows (the compendium's photos) are named with `storage_url` and
read through Django's default storage while rendering, never from a path on this machine: the
same works with a shared directory or an S3-compatible bucket.
"""

import mimetypes
from pathlib import Path
from urllib.parse import quote, unquote

from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

PRINT_STYLESHEET = "css/report-print.css"
STORAGE_SCHEME = "storage:"


def storage_url(name: str) -> str:
    """The URL by which a rendered document names the file `name` of the default storage."""
    return STORAGE_SCHEME + quote(name)


def _url_fetcher():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StorageURLFetcher(URLFetcher):
        """WeasyPrint's fetcher, which also reads `storage:` URLs from the default storage."""

        def fetch(self, url, headers=None):
            if not url.startswith(STORAGE_SCHEME):
                return super().fetch(url, headers)
            name = unquote(url.removeprefix(STORAGE_SCHEME))
            with default_storage.open(name, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StorageURLFetcher()


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
    document = HTML(
        string=html, base_url=str(Path(stylesheet).parent.parent), url_fetcher=_url_fetcher()
    )
    return document.write_pdf(stylesheets=[CSS(filename=stylesheet), numbers])
