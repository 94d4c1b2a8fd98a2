import io
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image

from practices.services import attachment_add
from tests.practices.conftest import image_bytes, make_practice, png_upload

pytestmark = pytest.mark.django_db


def older_photo(practice, **kwargs):
    """A photo as stored before display copies existed: the original only."""
    photo = attachment_add(practice=practice, upload=png_upload(**kwargs))
    photo.display.delete(save=False)
    photo.thumbnail.delete(save=True)
    return photo


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_display_copies", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def practice(world):
    return make_practice(world.province, "Có ảnh cũ")


def test_it_makes_copies_and_leaves_originals_untouched(practice):
    photo = older_photo(practice, size=(2400, 1200))
    original = Path(photo.file.path).read_bytes()
    out, _err = run()
    photo.refresh_from_db()
    assert "đã tạo 1 bản hiển thị" in out
    with photo.display.open("rb") as f, Image.open(f) as image:
        assert image.size == (1600, 800)
    with photo.thumbnail.open("rb") as f, Image.open(f) as image:
        assert image.size == (480, 240)
    assert Path(photo.file.path).read_bytes() == original
    assert run()[0].startswith("đã tạo 0 bản hiển thị")  # safe to run again


def test_dry_run_writes_nothing(practice):
    photo = older_photo(practice)
    out, _err = run("--dry-run")
    photo.refresh_from_db()
    assert "1 ảnh chưa có bản hiển thị" in out
    assert not photo.display


def test_a_photo_above_the_pixel_limit_is_reported_and_kept(practice, settings):
    photo = older_photo(practice, size=(300, 200))
    settings.NTM_PRACTICE_IMAGE_MAX_PIXELS = 1000
    out, err = run()
    photo.refresh_from_db()
    assert "300 × 200 điểm ảnh" in err
    assert not photo.display
    assert Path(photo.file.path).read_bytes() == image_bytes(size=(300, 200))
    assert "1 ảnh bỏ qua" in out
