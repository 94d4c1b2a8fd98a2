"""The villages' admin: scoped like the communes (accounts.roles.can_edit_villages,
visible_communes), and the workbook upload with its preview; in both worlds."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communes.models import Village, VillageRecognition
from tests.communes.test_load_villages import villages_xlsx

pytestmark = pytest.mark.django_db


def world_villages():  # noqa: N802
    """The villages of the test worlds (the demo's of Lạng Sơn, 20, are in every database)."""
    return Village.objects.exclude(commune__province__code="20")


def make_village(commune, name, **kwargs):
    village = Village(commune=commune, name=name, **kwargs)
    village.refresh_search_name()
    village.save()
    return village


def staff_client(client, user):
    user.is_staff = True  # the admin site's own check; the scope is the role's
    user.save()
    client.force_login(user)
    return client


def test_province_staff_see_and_change_only_their_province_villages(client, world):
    own = make_village(world.commune_a1, "Nà Làng")
    other = make_village(world.commune_other, "Khác")
    client = staff_client(client, world.province_staff)
    page = client.get(reverse("admin:communes_village_changelist"))
    assert page.status_code == 200
    shown = list(page.context["cl"].result_list)
    assert shown == [own]
    assert client.get(reverse("admin:communes_village_change", args=[own.pk])).status_code == 200
    # Another province's village is not found (the admin redirects with a message).
    answer = client.get(reverse("admin:communes_village_change", args=[other.pk]))
    assert answer.status_code == 302
    commune_choices = client.get(reverse("admin:communes_village_add")).context["adminform"].form
    assert set(commune_choices.fields["commune"].queryset) == {
        world.commune_a1,
        world.commune_a2,
        world.commune_b1,
    }


def test_province_staff_cannot_delete_a_village(client, world):
    own = make_village(world.commune_a1, "Nà Làng")
    client = staff_client(client, world.province_staff)
    answer = client.post(reverse("admin:communes_village_delete", args=[own.pk]), {"post": "yes"})
    assert answer.status_code == 403
    assert Village.objects.filter(pk=own.pk).exists()


def test_recognitions_are_scoped_through_their_village(client, reform_world):
    village = make_village(reform_world.dong_tay, "Nà Làng")
    VillageRecognition.objects.create(
        village=village,
        kind="ntm",
        decision_number="1/QĐ-UBND",
        decided_on="2026-03-01",
        recognised_year=2025,
    )
    client = staff_client(client, reform_world.province_staff)
    page = client.get(reverse("admin:communes_villagerecognition_changelist"))
    assert [r.village for r in page.context["cl"].result_list] == [village]


def test_upload_previews_then_applies(admin_client, reform_world, tmp_path):
    path = villages_xlsx(
        tmp_path / "v.xlsx",
        [{"Mã xã": "96101", "Mã thôn": "T1", "Tên thôn": "Nà Làng", "Loại": "bản"}],
    )
    url = reverse("admin:communes_village_load")
    upload = SimpleUploadedFile("v.xlsx", path.read_bytes())
    preview = admin_client.post(url, {"file": upload, "preview": "1"})
    assert preview.status_code == 200
    assert preview.context["counts"] == {"create": 1, "update": 0, "unchanged": 0}
    assert not world_villages().exists()
    applied = admin_client.post(url, {"apply": "1"})
    assert applied.status_code == 302
    assert world_villages().get().commune == reform_world.dong_tay


def test_upload_refuses_another_province_rows_for_province_staff(client, world, tmp_path):
    path = villages_xlsx(tmp_path / "v.xlsx", [{"Mã xã": "97101", "Tên thôn": "Khác"}])
    client = staff_client(client, world.province_staff)
    url = reverse("admin:communes_village_load")
    preview = client.post(url, {"file": SimpleUploadedFile("v.xlsx", path.read_bytes())})
    assert [e.code for e in preview.context["plan"].errors] == ["out_of_scope"]
    assert client.post(url, {"apply": "1"}).status_code == 302
    assert not world_villages().exists()


def test_upload_is_refused_to_district_officials(client, world):
    client = staff_client(client, world.official_a)
    assert client.get(reverse("admin:communes_village_load")).status_code == 403
