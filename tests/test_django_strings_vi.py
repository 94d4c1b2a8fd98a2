"""Django 6.1's own strings that its Vietnamese catalogue lacks come from locale/vi."""

import pytest

ENGLISH = ["Select an option", "Show counts", "Search ", "Pagination", ">Run<"]


@pytest.mark.parametrize("path", ["/imports/", "/practices/new/"])
def test_vietnamese_pages_carry_no_django_english(client, world, path):
    client.force_login(world.province_staff)
    html = client.get(path).content.decode()
    assert "- Chọn một mục -" in html
    for text in ENGLISH:
        assert text not in html, text


def test_admin_changelist_is_vietnamese(client, world):
    client.force_login(world.admin)
    html = client.get("/admin/communes/commune/").content.decode()
    assert "Quản trị hệ thống NTM" in html
    assert "Thực hiện" in html
    for text in ENGLISH:
        assert text not in html, text
