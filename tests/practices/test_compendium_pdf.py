import hashlib
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from ntm.lib.pdf import storage_url
from practices.models import Category
from practices.services import attachment_add, count_compendium_change
from tests.practices.conftest import edit, make_practice, png_upload

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "c.pdf"
    path.write_bytes(content)
    return subprocess.run(  # noqa: S603 - fixed arguments, a file we wrote
        ["/usr/bin/pdftotext", "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout


def url(code, year):
    return reverse("practices:compendium_pdf", args=[code, year])


def test_it_contains_published_titles_not_drafts_and_lists_categories(client, world, tmp_path):
    cats = list(Category.objects.order_by("order"))
    ong = make_practice(
        world.province,
        "Nuôi ong lấy mật ở xã Một",
        category=cats[2],
        district=world.district_a,
        criteria=[world.cset.criteria.get(number=2)],
        contact="Ông Nguyễn Văn Mẫu, tổ hợp tác ong",
    )
    attachment_add(practice=ong, upload=png_upload(), caption="Trại ong đầu nguồn")
    make_practice(world.province, "Chi bộ gương mẫu", category=cats[3])
    make_practice(world.province, "Bản nháp chưa duyệt", category=cats[0], status="draft")
    make_practice(world.province, "Mô hình năm khác", category=cats[0], year=2027)
    make_practice(world.other_province, "Mô hình tỉnh khác", category=cats[0])
    client.force_login(world.province_staff)
    response = client.get(url("98", 2026))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = response.content
    assert content.startswith(b"%PDF-")
    text = pdf_text(content, tmp_path)
    for expected in (
        "Nuôi ong lấy mật ở xã Một",
        "Chi bộ gương mẫu",
        "Trại ong đầu nguồn",
        "Ông Nguyễn Văn Mẫu",
        "Tiêu chí 2. TC 2",
        "Tỉnh Thử",
        "Số liệu đến ngày",  # the last publication, not today's date
    ):
        assert expected in text
    for unexpected in ("Bản nháp chưa duyệt", "Mô hình năm khác", "Mô hình tỉnh khác"):
        assert unexpected not in text
    contents = text.split("Mục lục", 1)[1].split("\f", 1)[0]
    assert "Phát triển kinh tế và tổ chức sản xuất" in contents
    assert "Xây dựng hệ thống chính trị" in contents
    assert "Chỉ đạo, điều hành" not in contents  # no published practice in it this year
    # Page numbers from target-counter: the first chapter starts on page 3.
    assert "Nuôi ong lấy mật ở xã Một" in contents
    line = next(ln for ln in contents.splitlines() if "Nuôi ong" in ln)
    assert line.rstrip().endswith("3")
    # Page numbers of the shared print stylesheet, on every page but the cover.
    pages = text.split("\f")
    assert "Trang" not in pages[0]
    assert "Trang 3/4" in pages[2]
    # The photo is embedded.
    assert b"/Subtype /Image" in content or b"/Subtype/Image" in content


def test_district_officials_of_the_province_may_download_it(client, world):
    client.force_login(world.official_b)
    assert client.get(url("98", 2026)).status_code == 200


def test_another_province_gets_404(client, world):
    client.force_login(world.other_province_staff)
    assert client.get(url("98", 2026)).status_code == 404
    assert client.get(url("00", 2026)).status_code == 404


def test_demo_compendium_shows_the_five_examples(client, django_user_model, tmp_path):
    from practices.demo import EXAMPLES

    client.force_login(django_user_model.objects.get(username="province"))
    text = pdf_text(client.get(url("20", 2018)).content, tmp_path)
    assert text.count("Ví dụ minh họa") >= 10
    for category, title, *_ in EXAMPLES:
        assert category in text
        assert " ".join(title.split()[:4]) in text


@pytest.fixture
def renders(monkeypatch):
    """The HTML of every WeasyPrint render of the shared pipeline (ntm.lib.pdf), which is
    replaced by a fake that returns a PDF-like fingerprint of that HTML."""
    from ntm.lib import pdf

    calls = []

    def render(html):
        calls.append(html)
        return b"%PDF-fake " + hashlib.sha256(html.encode()).hexdigest().encode()

    monkeypatch.setattr(pdf, "render_pdf", render)
    return calls


def test_a_second_request_is_served_from_the_cache(client, world, renders, settings):
    make_practice(world.province, "Nuôi ong lấy mật")
    client.force_login(world.province_staff)
    first = client.get(url("98", 2026))
    second = client.get(url("98", 2026))
    assert len(renders) == 1
    assert first.content == second.content
    assert len(list(settings.REPORT_CACHE_DIR.glob("compendium-98-2026-*.pdf"))) == 1


def test_a_changed_practice_changes_the_compendium(client, world, renders):
    practice = make_practice(world.province, "Nuôi ong lấy mật")
    client.force_login(world.province_staff)
    before = client.get(url("98", 2026)).content
    edit(practice, user=world.province_staff, title="Nuôi ong lấy mật rừng")
    after = client.get(url("98", 2026)).content
    assert len(renders) == 2
    assert after != before
    assert "Nuôi ong lấy mật rừng" in renders[1]


def test_a_new_photo_changes_the_compendium(client, world, renders):
    practice = make_practice(world.province, "Nuôi ong lấy mật")
    client.force_login(world.province_staff)
    before = client.get(url("98", 2026)).content
    attachment_add(practice=practice, upload=png_upload(), caption="Trại ong đầu nguồn")
    assert client.get(url("98", 2026)).content != before
    assert len(renders) == 2 and "Trại ong đầu nguồn" in renders[1]


def test_it_draws_display_copies_not_originals(client, world, renders):
    practice = make_practice(world.province, "Chợ phiên")
    photo = attachment_add(practice=practice, upload=png_upload(size=(3000, 2000)))
    client.force_login(world.province_staff)
    client.get(url("98", 2026))
    html = renders[0]
    assert storage_url(photo.display.name) in html
    assert storage_url(photo.file.name) not in html


def test_an_older_photo_is_drawn_from_its_original_only_within_the_pixel_limit(
    client, world, renders, settings
):
    practice = make_practice(world.province, "Chợ phiên")
    photo = attachment_add(practice=practice, upload=png_upload(size=(300, 200)))
    photo.display.delete(save=True)  # as stored before display copies existed
    client.force_login(world.province_staff)
    client.get(url("98", 2026))
    assert storage_url(photo.file.name) in renders[0]
    settings.NTM_PRACTICE_IMAGE_MAX_PIXELS = 300 * 200 - 1
    count_compendium_change(province_ids=[world.province.pk])  # render it again
    client.get(url("98", 2026))
    assert "Chợ phiên" in renders[1]
    assert storage_url(photo.file.name) not in renders[1]


def test_photos_are_read_through_the_storage_not_a_local_path(client, world, settings, tmp_path):
    """With a storage that has no files on this machine (in memory here, a bucket in
    production), the photo is still drawn: WeasyPrint reads it through the storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    practice = make_practice(world.province, "Nuôi ong lấy mật")
    photo = attachment_add(practice=practice, upload=png_upload(), caption="Trại ong")
    assert not Path(photo.display.path).exists()  # nothing on this machine's disk
    client.force_login(world.province_staff)
    content = client.get(url("98", 2026)).content
    assert b"/Subtype /Image" in content or b"/Subtype/Image" in content
    assert "Trại ong" in pdf_text(content, tmp_path)
