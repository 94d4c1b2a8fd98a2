import subprocess

import pytest
from django.urls import reverse

from practices.models import Category
from tests.practices.conftest import make_practice, png_upload

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
    from practices.services import attachment_add

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
