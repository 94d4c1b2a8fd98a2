"""The lineage profile reaches predecessors of predecessors and marks a tier that rests on a
decision transcribed without its assessment: on the demo, Lạng Sơn's three advanced decisions of
26/01/2023 (99, 103 and 105/QĐ-UBND) appear in the profiles of the units of 01/07/2025, xã Sơn
Hà's through thị trấn Hữu Lũng (merged on 01/12/2024)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Commune, Succession
from criteria.certifications import certification_transcribe
from criteria.lineage import lineage_profile, lineage_profiles
from criteria.models import Certification, CriteriaSet
from tests.base import make_certification, make_commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(username="province"))
    return client


@pytest.mark.parametrize(
    ("unit", "predecessor", "number", "depth"),
    [
        ("06040", "06034", "99/QĐ-UBND", 1),  # xã Thất Khê <- xã Chi Lăng (Tràng Định)
        ("06637", "06646", "105/QĐ-UBND", 1),  # xã Châu Sơn <- xã Bắc Lãng
        ("06385", "06454", "103/QĐ-UBND", 2),  # xã Hữu Lũng <- tt Hữu Lũng <- xã Sơn Hà
    ],
)
def test_the_2022_decisions_appear_in_the_profiles_of_the_2025_units(
    province_client, unit, predecessor, number, depth
):
    new_unit = Commune.objects.with_code(unit, 2026).get()
    rows = {r.commune.code: r for r in lineage_profile(new_unit).rows}
    row = rows[predecessor]
    assert (row.tier, row.transcribed_decision, row.depth) == ("advanced", number, depth)
    page = province_client.get(new_unit.get_absolute_url()).content.decode()
    assert f'data-transcribed="{number}">(quyết định nhập lại {number})<' in page


def test_son_ha_is_reached_through_thi_tran_huu_lung(province_client):
    huu_lung = Commune.objects.with_code("06385", 2026).get()
    profile = lineage_profile(huu_lung)
    rows = {r.commune.code: r for r in profile.rows}
    township = rows["06385"]
    assert (township.commune.kind, township.depth, township.tier) == ("thi_tran", 1, None)
    son_ha = rows["06454"]
    assert son_ha.via == township.commune
    assert son_ha.succession.effective_on == datetime.date(2024, 12, 1)
    assert profile.transcribed == 1
    page = province_client.get(huu_lung.get_absolute_url()).content.decode()
    assert "vào Thị trấn Hữu Lũng từ 01/12/2024" in page


def test_the_profiles_of_a_province_take_one_query():
    units = Commune.objects.filter(province__code="20", valid_from=datetime.date(2025, 7, 1))
    with CaptureQueriesContext(connection) as queries:
        profiles = dict(lineage_profiles(units.order_by("code")))
    assert len(queries) == 1
    by_code = {unit.code: profile for unit, profile in profiles.items()}
    assert by_code["06385"].transcribed == 1
    assert sum(p.transcribed for p in by_code.values()) == 3


def test_it_walks_back_generations_after_the_reform(reform_world):
    """Xã Nam merged into xã Đông before the reform; xã Đông into xã Đông Tây on 01/07/2025."""
    w = reform_world
    south = make_commune(w.old_district, "96105", "Xã Nam", valid_to=datetime.date(2024, 11, 30))
    Succession.objects.create(
        predecessor=south, successor=w.old_dong, effective_on=datetime.date(2024, 12, 1)
    )
    advanced_set = CriteriaSet.objects.create(
        code="test-advanced-2021",
        name_vi="Bộ thử nâng cao",
        legal_basis="Quyết định thử, Phụ lục II",
        level=CriteriaSet.Level.ADVANCED,
        first_year=2021,
        last_year=2025,
    )
    make_certification(south, w.cset, datetime.date(2020, 6, 1))
    certification_transcribe(
        commune=south,
        tier=Certification.Tier.ADVANCED,
        criteria_set=advanced_set,
        decision_number="7/QĐ-UBND",
        decision_date=datetime.date(2023, 1, 26),
        recognised_year=2022,
        authority="UBND tỉnh",
        basis=advanced_set.legal_basis,
        no_assessment_reason="Hồ sơ đánh giá do tỉnh lưu.",
    )
    profile = lineage_profile(w.dong_tay)
    assert [(r.commune.name, r.depth) for r in profile.rows] == [
        ("Xã Đông", 1),
        ("Xã Nam", 2),
        ("Xã Tây", 1),
    ]
    south_row = profile.rows[1]
    assert (south_row.tier, south_row.transcribed_decision, south_row.via) == (
        "advanced",
        "7/QĐ-UBND",
        w.old_dong,
    )
    assert profile.certified == 1


def test_a_tier_on_an_assessment_is_not_marked(world):
    successor = make_commune(world.district_a, "98109", "Xã Mới")
    world.commune_a1.valid_to = datetime.date(2026, 6, 30)
    world.commune_a1.save()
    Succession.objects.create(
        predecessor=world.commune_a1, successor=successor, effective_on=datetime.date(2026, 7, 1)
    )
    make_certification(world.commune_a1, world.cset, datetime.date(2026, 6, 1))
    (row,) = lineage_profile(successor).rows
    assert (row.tier, row.transcribed_decision, row.depth, row.via) == ("ntm", "", 1, None)
