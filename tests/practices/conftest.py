import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from practices.models import Category, Practice
from practices.services import practice_publish


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploads go to a temporary MEDIA_ROOT, never into the checkout."""
    settings.MEDIA_ROOT = tmp_path / "media"


def image_bytes(fmt="PNG", size=(40, 30), color=(25, 135, 84)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, format=fmt)
    return buf.getvalue()


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_upload(name="anh.png", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes(**kwargs), content_type="image/png")


def make_practice(
    province,
    title,
    *,
    year=2026,
    status=Practice.Status.PUBLISHED,
    category=None,
    district=None,
    criteria=(),
    communes=(),
    created_by=None,
    **fields,
) -> Practice:
    practice = Practice.objects.create(
        province=province,
        title=title,
        year=year,
        category=category or Category.objects.order_by("order").first(),
        district=district,
        summary=fields.pop("summary", "Tóm tắt cách làm."),
        contact=fields.pop("contact", "UBND xã, ĐT 0000"),
        created_by=created_by,
        **fields,
    )
    practice.criteria.set(criteria)
    practice.communes.set(communes)
    if status == Practice.Status.PUBLISHED:
        practice_publish(practice=practice, user=created_by)
    return practice


@pytest.fixture
def categories(db):
    return list(Category.objects.order_by("order"))
