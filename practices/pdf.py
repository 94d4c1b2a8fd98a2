"""The printable compendium of good practices (WeasyPrint, A4): a cover, a table of contents by
category with page numbers, one section per published practice with its photos, the criteria
it helps and whom to contact.

It goes through the one PDF pipeline (`ntm.lib.pdf.render_pdf`: the shared print stylesheet,
its DejaVu Sans fonts and page numbers) and is stored like the reports: in the report storage
under the province's `PracticeVersion` (`compendium_key`), rendered in the background
(`practices.tasks`), so an unchanged compendium is served without rendering and any change of a
published practice, a photo or a caption makes a new file. Photos are their display copies,
read through the storage (`ntm.lib.pdf.storage_url`: the file system or a bucket alike); a
photo stored before copies existed is drawn from its original only if it is within the pixel
limit, so no upload can make a render decode half a gigabyte."""

import hashlib
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from PIL import Image

from communes.versions import Stamp, stamp_of
from criteria.models import Criterion
from ntm.lib import pdf as pipeline
from ntm.lib import reportfiles
from practices.models import Attachment, Category, Practice, PracticeVersion

# Bump when the compendium's layout changes, so files rendered by the previous release are not
# served for practices that have not changed since.
FORMAT = "1"


@dataclass(frozen=True)
class Chapter:
    category: Category
    practices: list[Practice]


@dataclass(frozen=True)
class CompendiumKey:
    """The stored file of one province's compendium of a year in one language, named after
    the version of its published practices."""

    province_code: str
    year: int
    language: str
    stamp: Stamp

    @property
    def variant(self) -> str:
        return f"compendium-{self.province_code}-{self.year}-{self.language}"

    @property
    def file_name(self) -> str:
        digest = hashlib.sha256(f"{FORMAT}|{self.stamp.token}".encode()).hexdigest()[:32]
        return reportfiles.stored_name(self.variant, digest, "pdf")


def compendium_key(province, year: int) -> CompendiumKey:
    """The key of `province`'s compendium of `year` in the active language. One query."""
    return CompendiumKey(
        province_code=province.code,
        year=year,
        language=translation.get_language() or "vi",
        stamp=stamp_of(PracticeVersion, province.pk),
    )


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


def _within_pixel_limit(field) -> bool:
    try:
        with field.open("rb") as handle, Image.open(handle) as image:  # the header only
            return image.width * image.height <= settings.NTM_PRACTICE_IMAGE_MAX_PIXELS
    except Exception:  # Pillow raises many types (its bomb guard too); none is drawable
        return False


def _photo_url(attachment: Attachment) -> str | None:
    """Where WeasyPrint reads the photo from (the default storage), or None: missing, or an
    original above the pixel limit."""
    field = attachment.shown_file
    if not field or not field.storage.exists(field.name):
        return None
    if not attachment.display and not _within_pixel_limit(field):
        return None
    return pipeline.storage_url(field.name)


def compendium_html(province, year: int) -> str:
    practices = compendium_practices(province, year)
    for practice in practices:
        practice.photo_uris = [
            (url, photo.caption) for photo in practice.photos if (url := _photo_url(photo))
        ]
    ctx = {
        "province": province,
        "year": year,
        "chapters": chapters(practices),
        "count": len(practices),
        # The last change of the province's published practices, not today's date: the same
        # practices give the same file on any day.
        "data_date": stamp_of(PracticeVersion, province.pk).data_date,
    }
    return render_to_string("practices/compendium_pdf.html", ctx)


def compendium(province, year: int) -> bytes:
    """The compendium as PDF bytes, rendered now (about a second for a dozen practices): the
    background task `practices.tasks.render_compendium` calls it and stores the file."""
    return pipeline.render_pdf(compendium_html(province, year))
