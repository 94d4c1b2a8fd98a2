"""Dated designations of communes (border, ĐBKK, ATK, area class): the 2026-2030 group is only
proposed from the area class (khu vực II and III -> nhóm 3), never set; both worlds."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from communes.models import CommuneDesignation, CommuneGroupAssignment

pytestmark = pytest.mark.django_db
D = datetime.date


def designate(commune, kind, start, end=None):
    return CommuneDesignation.objects.create(
        commune=commune, kind=kind, valid_from=start, valid_to=end, source="QĐ thử"
    )


def groups():
    return sorted(CommuneGroupAssignment.objects.values_list("commune_id", "group_id", "year_from"))


def test_classes_two_and_three_propose_group_three_and_nothing_is_written(reform_world, capsys):
    w = reform_world
    designate(w.dong_tay, "kv2", D(2026, 1, 29))
    designate(w.bac_son, "kv3", D(2026, 1, 29))
    designate(w.ward, "kv1", D(2026, 1, 29))
    before = groups()
    proposed = CommuneDesignation.objects.proposed_groups(
        [w.dong_tay, w.bac_son, w.ward], D(2026, 12, 31)
    )
    assert proposed == {w.dong_tay.pk: "N3", w.bac_son.pk: "N3"}
    call_command("propose_commune_groups", "96", "--on", "2026-12-31")
    out = capsys.readouterr().out
    assert "96101\tXã Đông Tây\tđề xuất N3\thiện tại N2" in out
    assert "96104" not in out  # already in group 3
    assert groups() == before


def test_a_class_ended_before_the_day_proposes_nothing(world):
    designate(world.commune_a1, "kv3", D(2017, 1, 1), D(2020, 12, 31))
    assert CommuneDesignation.objects.proposed_groups([world.commune_a1], D(2020, 6, 1)) == {
        world.commune_a1.pk: "N3"
    }
    assert CommuneDesignation.objects.proposed_groups([world.commune_a1], D(2021, 6, 1)) == {}


def test_the_admin_shows_the_proposal_beside_the_groups(client, world, time_machine):
    time_machine.move_to(D(2027, 3, 1))
    designate(world.commune_a1, "kv3", D(2026, 1, 29))
    client.force_login(world.admin)
    page = client.get(reverse("admin:communes_commune_change", args=[world.commune_a1.pk]))
    assert page.status_code == 200
    assert "N3" in page.content.decode()
    assert not CommuneGroupAssignment.objects.filter(commune=world.commune_a1).exists()


def test_border_and_disadvantage_designations_leave_the_318_rule_alone(world):
    designate(world.commune_a1, "bien_gioi", D(2020, 1, 1))
    assert not CommuneDesignation.objects.on_northern_mountain_levels(D(2022, 12, 31)).exists()
    assert CommuneDesignation.objects.border_on(D(2022, 12, 31)).count() == 1
