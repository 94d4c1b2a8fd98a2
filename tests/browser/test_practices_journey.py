"""Province staff add a practice with a photo, publish it and download the compendium; a
district official's proposal waits for publication (issue 8, "done when")."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from practices.models import Category, Practice
from tests.base import PASSWORD, make_world
from tests.practices.conftest import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(live_server.url + reverse("login"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_province_staff_publish_a_practice_with_a_photo(page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.REPORT_CACHE_DIR = tmp_path / "reports"
    world = make_world()
    # The transactional flush removed the seeded categories: this test brings its own.
    Category.objects.get_or_create(name="Phát triển kinh tế và tổ chức sản xuất", order=3)
    photo = tmp_path / "trai-ong.jpg"
    photo.write_bytes(image_bytes("JPEG", size=(320, 200)))

    login(page, live_server, world.official_a.username)
    page.goto(live_server.url + reverse("practices:practice_create"))
    page.fill("#id_title", "Đề xuất của huyện A")
    page.select_option("#id_category", label="Phát triển kinh tế và tổ chức sản xuất")
    page.fill("#id_year", "2026")
    page.fill("#id_summary", "Tóm tắt.")
    page.fill("#id_contact", "UBND xã Một")
    page.click("button:has-text('Lưu')")
    assert page.locator("text=Cán bộ tỉnh sẽ xem xét và công bố").is_visible()
    assert Practice.objects.get(title="Đề xuất của huyện A").status == "draft"
    page.click("button:has-text('Đăng xuất')")

    login(page, live_server, world.province_staff.username)
    page.goto(live_server.url + reverse("practices:practice_create"))
    page.fill("#id_title", "Nuôi ong lấy mật")
    page.select_option("#id_category", label="Phát triển kinh tế và tổ chức sản xuất")
    page.select_option("#id_district", label="Huyện Huyện A")
    page.fill("#id_year", "2026")
    page.fill("#id_summary", "Hộ nuôi ong theo tổ hợp tác.")
    page.fill("#id_contact", "Tổ hợp tác ong xã Một")
    page.set_input_files("#id_upload-file", str(photo))
    page.fill("#id_upload-caption", "Trại ong")
    page.click("button:has-text('Lưu')")
    page.click("button:has-text('Công bố')")
    assert page.locator("text=Đã công bố mô hình.").is_visible()
    # The photo loads lazily: scrolled to, as a person would, then loaded at its width.
    photo_shown = page.locator("img[alt='Trại ong']")
    photo_shown.scroll_into_view_if_needed()
    expect(photo_shown).to_have_js_property("naturalWidth", 320)

    page.goto(live_server.url + reverse("practices:practice_list"))
    assert page.locator("text=Đề xuất của huyện A").is_visible()  # waiting, visible to staff
    with page.expect_download() as info:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 'c.pdf';"
            " document.body.appendChild(a); a.click(); }",
            reverse("practices:compendium_pdf", args=["98", 2026]),
        )
    reader = PdfReader(info.value.path())
    text = "".join(p.extract_text() for p in reader.pages)
    assert "Nuôi ong lấy mật" in text and "Đề xuất của huyện A" not in text
    practice = Practice.objects.get(title="Nuôi ong lấy mật")
    assert practice.status == "published" and practice.attachments.count() == 1
