"""The printable compendium of good practices (WeasyPrint, A4): a cover, a table of contents by
category with page numbers, one section per published practice with its photos, the criteria
it helps and whom to contact.

It goes through the one PDF pipeline (`ntm.lib.pdf.cached_pdf`: the shared print
stylesheet, its DejaVu Sans fonts and page numbers, and the on-disk cache keyed by the exact
HTML), so an unchanged compendium is served without rendering and any change of a practice,
a photo or a caption makes a new file. Photos are their display copies, read from disk
(file:// URLs); a photo stored before copies existed is drawn from its original only if it is
within the pixel limit, so no upload can make a render decode half a gigabyte."""

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from PIL import Image

from criteria.models import Criterion
from ntm.lib.pdf import cached_pdf
from practices.models import Attachment, Category, Practice


@dataclass(frozen=True)
class Chapter:
    category: Category
    practices: list[Practice]


def compendium_practices(province, year: int) -> list[Practice]:
    """Published practices of the province and year, in compendium order (four queries)."""
    return list(
        Practice.objects.published()
        .filter(province=province, year=year)
        .select_related("category", "province", "district")
        .prefetch_related(
            "communes",
            Prefetch("criteria", queryset=Criterion.objects.order_by("number")),
            Prefetch(
                "attachments",
                queryset=Attachment.objects.filter(kind=Attachment.Kind.PHOTO),
                to_attr="photos",
            ),
        )
        .order_by("category__order", "category__name", "title")
    )


def chapters(practices: list[Practice]) -> list[Chapter]:
    return [
        Chapter(category=category, practices=list(items))
        for category, items in groupby(practices, key=lambda p: p.category)
    ]


def _within_pixel_limit(path: Path) -> bool:
    try:
        with Image.open(path) as image:  # the header only
            return image.width * image.height <= settings.NTM_PRACTICE_IMAGE_MAX_PIXELS
    except Exception:  # Pillow raises many types (its bomb guard too); none is drawable
        return False


def _photo_uri(attachment: Attachment) -> str | None:
    try:
        path = Path(attachment.shown_file.path)
    except (NotImplementedError, ValueError):
        return None
    if not path.exists():
        return None
    if not attachment.display and not _within_pixel_limit(path):
        return None
    return path.as_uri()


def compendium_html(province, year: int) -> str:
    practices = compendium_practices(province, year)
    for practice in practices:
        practice.photo_uris = [
            (uri, photo.caption) for photo in practice.photos if (uri := _photo_uri(photo))
        ]
    ctx = {
        "province": province,
        "year": year,
        "chapters": chapters(practices),
        "count": len(practices),
        "generated": timezone.localdate(),
    }
    return render_to_string("practices/compendium_pdf.html", ctx)


def compendium(province, year: int) -> bytes:
    """The compendium as PDF bytes: from the cache when nothing in it changed, else rendered
    (about a second for a dozen practices). Five queries and the HTML either way."""
    html = compendium_html(province, year)
    key = f"compendium-{province.code}-{year}-{translation.get_language() or 'vi'}"
    content, _cached = cached_pdf(html, key=key)
    return content
