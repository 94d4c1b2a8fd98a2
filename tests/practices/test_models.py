import pytest

from accounts import roles
from accounts.roles import scope_for
from practices.models import Category, Practice
from tests.practices.conftest import make_practice

pytestmark = pytest.mark.django_db


def test_the_migration_seeds_the_five_categories_of_the_conference():
    assert list(Category.objects.order_by("order").values_list("name", flat=True)) == [
        "Chỉ đạo, điều hành",
        "Phát triển kinh tế - hạ tầng",
        "Phát triển kinh tế và tổ chức sản xuất",
        "Xây dựng hệ thống chính trị",
        "Văn hóa - xã hội - môi trường",
    ]


def test_district_official_sees_published_practices_of_the_province_and_own_drafts(world):
    w = world
    published_b = make_practice(w.province, "Công bố ở B", district=w.district_b)
    own_draft = make_practice(
        w.province, "Dự thảo của A", status="draft", district=w.district_a, created_by=w.official_a
    )
    other_draft = make_practice(
        w.province, "Dự thảo của B", status="draft", district=w.district_b, created_by=w.official_b
    )
    elsewhere = make_practice(w.other_province, "Tỉnh khác")
    visible = set(Practice.objects.visible_to(scope_for(w.official_a), w.official_a))
    assert {published_b, own_draft} <= visible
    assert other_draft not in visible and elsewhere not in visible
    staff_visible = set(Practice.objects.visible_to(scope_for(w.province_staff), w.province_staff))
    assert {published_b, own_draft, other_draft} <= staff_visible
    assert elsewhere not in staff_visible


def test_only_the_author_edits_a_district_proposal_and_only_while_it_is_a_draft(world):
    w = world
    draft = make_practice(
        w.province, "Đề xuất", status="draft", district=w.district_a, created_by=w.official_a
    )
    assert roles.can_edit_practice(w.official_a, draft)
    assert not roles.can_edit_practice(w.official_b, draft)
    assert roles.can_edit_practice(w.province_staff, draft)
    assert not roles.can_edit_practice(w.other_province_staff, draft)
    assert not roles.can_publish_practice(w.official_a, draft)
    assert roles.can_publish_practice(w.province_staff, draft)
    draft.status = Practice.Status.PUBLISHED
    assert not roles.can_edit_practice(w.official_a, draft)


def test_place_names_communes_district_and_province(world):
    w = world
    practice = make_practice(
        w.province, "Nơi", district=w.district_a, communes=[w.commune_a1, w.commune_a2]
    )
    assert practice.place() == "xã Xã Một, xã Xã Hai – Huyện Huyện A – tỉnh Tỉnh Thử"
