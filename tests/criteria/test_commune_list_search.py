"""The commune list searches names without diacritics (Commune.search_name), on SQLite and
PostgreSQL alike: the demo province Lạng Sơn, as loaded by load_admin_units."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from communes.models import Commune, Province
from ntm.lib.text import fold
from tests.base import make_user

pytestmark = pytest.mark.django_db

LIST = reverse("pages:commune_list")


@pytest.fixture
def langson_staff(client):
    user = make_user(
        "langson-staff",
        role=Membership.Role.PROVINCE_STAFF,
        province=Province.objects.with_code("20").get(),
    )
    client.force_login(user)
    return client


def found(client, q: str) -> set[str]:
    response = client.get(LIST, {"year": 2017, "q": q})
    assert response.status_code == 200
    return {c.code for c in response.context["page"]}


def test_chi_lang_without_diacritics_finds_what_chi_lang_with_them_finds(langson_staff):
    plain = found(langson_staff, "chi lang")
    assert "06034" in plain  # xã Chi Lăng, huyện Tràng Định
    assert plain == found(langson_staff, "Chi Lăng") == found(langson_staff, "CHI LĂNG")


def test_hoang_dong_finds_xa_hoang_dong(langson_staff):
    assert found(langson_staff, "hoang dong") == {"05986"}
    assert found(langson_staff, "Hoàng Đồng") == {"05986"}


def test_a_code_prefix_still_finds_its_unit(langson_staff):
    assert found(langson_staff, "05986") == {"05986"}


def test_the_loaders_store_the_folded_name_of_every_unit():
    rows = Commune.objects.values_list("name", "search_name")
    assert rows.count() > 200
    assert [name for name, folded in rows if folded != fold(name)] == []
