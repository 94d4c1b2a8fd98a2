"""The commune page lists the villages on the day shown, their ĐBKK status and recognitions;
a merged village keeps its recognitions on the old record (the successor inherits none). Seen
by whoever sees the commune. Both worlds."""

import datetime

import pytest
from django.urls import reverse

from accounts import roles
from communes.models import Village, VillageDesignation, VillageRecognition
from tests.communes.test_village_admin import make_village

pytestmark = pytest.mark.django_db


def recognise(village, kind="ntm", number="738-1/QĐ-UBND", day=datetime.date(2020, 3, 1)):
    return VillageRecognition.objects.create(
        village=village,
        kind=kind,
        decision_number=number,
        decided_on=day,
        recognised_year=day.year - 1,
        legal_basis="738/QĐ-UBND ngày 19/04/2019",
    )


def page(client, user, code, year=None):
    client.force_login(user)
    params = {"year": year} if year else {}
    return client.get(reverse("pages:commune_detail", args=[code]), params)


def test_a_merged_village_keeps_its_recognitions(client, reform_world):
    old = make_village(
        reform_world.dong_tay, "Nà A", code="A", valid_to=datetime.date(2026, 12, 31)
    )
    merged = make_village(
        reform_world.dong_tay, "Nà AB", code="AB", valid_from=datetime.date(2027, 1, 1)
    )
    old.successor = merged
    old.save()
    recognise(old)
    assert list(merged.recognitions.all()) == []
    assert [
        r.village for r in VillageRecognition.objects.exclude(village__commune__province__code="20")
    ] == [old]
    before = page(client, reform_world.province_staff, "96101", 2026)
    assert [v.name for v in before.context["villages"]] == ["Nà A"]
    assert b'data-recognition="ntm"' in before.content
    after = page(client, reform_world.province_staff, "96101", 2027)
    assert [v.name for v in after.context["villages"]] == ["Nà AB"]
    assert b'data-recognition="ntm"' not in after.content


def test_the_page_shows_villages_of_the_day_and_their_status(client, world):
    village = make_village(world.commune_a1, "Khòn Pổ", illustrative=True)
    make_village(world.commune_a1, "Đã nhập", valid_to=datetime.date(2018, 12, 31))
    VillageDesignation.objects.create(
        village=village, valid_from=datetime.date(2026, 1, 29), source="QĐ thử"
    )
    response = page(client, world.commune_official, "98101", 2026)
    rows = response.context["villages"]
    assert [v.name for v in rows] == ["Khòn Pổ"]
    assert rows[0].disadvantaged_on_day
    assert b"data-illustrative" in response.content
    earlier = page(client, world.commune_official, "98101", 2018).context["villages"]
    assert sorted(v.name for v in earlier) == ["Khòn Pổ", "Đã nhập"]
    assert not any(v.disadvantaged_on_day for v in earlier)


def test_villages_are_seen_by_whoever_sees_the_commune(client, world):
    make_village(world.commune_a1, "Khòn Pổ")
    assert page(client, world.official_a, "98101").status_code == 200
    assert page(client, world.official_b, "98101").status_code == 404
    assert roles.can_view_villages(world.official_a, world.commune_a1)
    assert not roles.can_view_villages(world.official_b, world.commune_a1)
    assert roles.can_edit_villages(world.province_staff, world.commune_a1)
    assert not roles.can_edit_villages(world.other_province_staff, world.commune_a1)
    assert not roles.can_edit_villages(world.official_a, world.commune_a1)
    assert not roles.can_edit_villages(world.commune_official, world.commune_a1)
    assert set(roles.visible_communes(world.commune_official)) == {world.commune_a1}
    assert list(roles.editable_communes(world.official_a)) == []
    assert Village.objects.of_communes(roles.visible_communes(world.official_b)).count() == 0
