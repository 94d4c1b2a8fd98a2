"""The demo's illustrative villages of xã Bằng Mạc: on its commune page, marked "minh họa",
with their recognitions; seeding again changes nothing; no ĐBKK village (the decision of
29/01/2026 lists none in Bằng Mạc)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from communes.models import Village, VillageDesignation, VillageRecognition
from demo.services import seed_demo_villages

pytestmark = pytest.mark.django_db


def test_bang_mac_page_shows_its_illustrative_villages(client):
    client.force_login(get_user_model().objects.get(username="xa"))
    page = client.get(reverse("pages:commune_detail", args=["06475"]), {"year": 2026})
    assert page.status_code == 200
    names = [v.name for v in page.context["villages"]]
    assert names == ["Bản Minh Họa Ba", "Thôn Minh Họa Hai", "Thôn Minh Họa Một"]
    body = page.content.decode()
    assert body.count("data-illustrative") >= 6  # three villages, three recognitions
    assert 'data-recognition="kieu_mau"' in body
    assert "738/QĐ-UBND ngày 19/04/2019" in body


def test_seeding_again_changes_nothing():
    before = (
        list(Village.objects.values_list()),
        list(VillageRecognition.objects.values_list()),
    )
    seed_demo_villages()
    after = (
        list(Village.objects.values_list()),
        list(VillageRecognition.objects.values_list()),
    )
    assert after == before
    assert all(v.illustrative for v in Village.objects.filter(commune__code="06475"))
    assert not VillageDesignation.objects.filter(village__commune__code="06475").exists()
