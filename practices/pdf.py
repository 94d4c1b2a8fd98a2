"""The printable compendium of good practices (WeasyPrint, A4): a cover, a table of contents by
category with page numbers, one section per published practice with its photos, the criteria
it helps and whom to contact. Photos and the DejaVu Sans font are read from disk (file:// URLs),
so every Vietnamese diacritic renders the same on every server."""

from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from criteria.models import Criterion
from practices.models import Attachment, Category, Practice

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"


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


def _photo_uri(attachment: Attachment) -> str | None:
    try:
        path = Path(attachment.file.path)
    except (NotImplementedError, ValueError):
        return None
    return path.as_uri() if path.exists() else None


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
        "font_regular": (FONT_DIR / "DejaVuSans.ttf").as_uri(),
        "font_bold": (FONT_DIR / "DejaVuSans-Bold.ttf").as_uri(),
        "generated": timezone.localdate(),
    }
    return render_to_string("practices/compendium_pdf.html", ctx)


def compendium(province, year: int) -> bytes:
    """The compendium as PDF bytes (about a second for a dozen practices)."""
    from weasyprint import HTML  # imported here: 1.2 s, only when a PDF is asked for

    html = compendium_html(province, year)
    return HTML(string=html, base_url=FONT_DIR.as_uri() + "/").write_pdf()
