"""The admin change lists of communes, practices and assessments search without diacritics."""

import pytest
from django.urls import reverse

from communes.models import Commune
from tests.practices.conftest import make_practice

pytestmark = pytest.mark.django_db


def changelist(client, model: str, q: str) -> list:
    response = client.get(reverse(f"admin:{model}_changelist"), {"q": q})
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_communes_chi_lang_and_hoang_dong(admin_client):
    chi_lang = {c.code for c in changelist(admin_client, "communes_commune", "chi lang")}
    assert {"05983", "06034", "06466"} <= chi_lang
    assert {c.code for c in changelist(admin_client, "communes_commune", "hoang dong")} == {"05986"}
    assert changelist(admin_client, "communes_commune", "05986")[0].code == "05986"


def test_practices_be_tong(admin_client, world):
    make_practice(world.province, "Làm đường", summary="Bê tông hóa đường thôn")
    make_practice(world.province, "Nuôi ong")
    found = changelist(admin_client, "practices_practice", "be tong")
    assert "Làm đường" in {p.title for p in found}
    assert "Nuôi ong" not in {p.title for p in found}


def test_assessments_by_commune_name_without_diacritics(admin_client):
    found = changelist(admin_client, "criteria_assessment", "hoang dong")
    assert found
    assert {a.commune.code for a in found} == {"05986"}


def test_saving_a_commune_in_the_admin_refolds_its_name(admin_client, world):
    commune = world.commune_a1
    url = reverse("admin:communes_commune_change", args=[commune.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        name="Xã Đồng Ứng",
        province=commune.province_id,
        district=commune.district_id,
        **{
            f"{prefix}-{key}": "0"
            for prefix in ("group_assignments", "designations", "predecessor_links")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Commune.objects.get(pk=commune.pk).search_name == "xa dong ung"
