import datetime
import time

import pytest
from django.core.management import call_command
from django.db.models import F

from communes.models import Commune, District, Province, Succession

pytestmark = pytest.mark.django_db

REFORM_EVE = datetime.date(2025, 6, 30)
REFORM_DAY = datetime.date(2025, 7, 1)


def langson():
    return Commune.objects.filter(province__code="20")


def counts():
    return (
        Province.objects.count(),
        District.objects.count(),
        Commune.objects.count(),
        list(
            Succession.objects.order_by("pk").values_list(
                "predecessor_id", "successor_id", "effective_on", "legal_basis", "is_partial"
            )
        ),
        list(Commune.objects.order_by("pk").values_list("valid_from", "valid_to", "name")),
    )


def names(commune):
    return {(p.kind, p.name) for p in commune.predecessors.all()}


def test_it_loads_langson_as_in_2017():
    call_command("load_admin_units", verbosity=0)
    units_2017 = langson().valid_in(2017)
    assert units_2017.count() == 226
    assert units_2017.filter(kind="xa").count() == 207
    assert units_2017.filter(kind="thi_tran").count() == 14
    assert units_2017.filter(kind="phuong").count() == 5
    assert units_2017.in_programme().count() == 207
    codes = set(District.objects.filter(province__code="20").values_list("code", flat=True))
    assert codes == {"178", *(str(c) for c in range(180, 190))}


def test_it_records_the_2019_merger_as_dated_validity():
    call_command("load_admin_units", verbosity=0)
    assert langson().in_programme().valid_in(2017).count() == 207
    assert langson().in_programme().valid_in(2019).count() == 207
    assert langson().in_programme().valid_in(2020).count() == 181
    assert langson().valid_in(2020).count() == 200
    lien_hoi = Commune.objects.get(code="06268", valid_from__isnull=False)
    assert lien_hoi.name == "Liên Hội"
    assert set(lien_hoi.predecessors.values_list("name", flat=True)) == {
        "Phú Mỹ",
        "Việt Yên",
        "Vân Mộng",
    }
    # The code was reissued: the 2017 unit with that code is a different, ended commune.
    van_mong = Commune.objects.get(code="06268", valid_from__isnull=True)
    assert van_mong.name == "Vân Mộng" and not van_mong.exists_in(2020)
    assert Commune.objects.with_code("06268", 2017).get() == van_mong
    assert Commune.objects.with_code("06268").first() == lien_hoi


def test_names_repeat_so_codes_are_the_keys():
    call_command("load_admin_units", verbosity=0)
    chi_lang = langson().filter(name="Chi Lăng")
    # 06463 (thị trấn Đồng Mỏ until 30/06/2025) is the new xã Chi Lăng.
    assert set(chi_lang.values_list("code", flat=True)) == {
        "05983",
        "06034",
        "06466",
        "06523",
        "06463",
    }


def test_it_is_idempotent():
    call_command("load_admin_units", verbosity=0)
    first = counts()
    call_command("load_admin_units", verbosity=0)
    assert counts() == first


def test_all_loads_the_country_before_and_after_the_reform():
    started = time.monotonic()
    call_command("load_admin_units", "--all", verbosity=0)
    assert Province.objects.valid_on(REFORM_EVE).count() == 63
    assert District.objects.count() == 696
    assert Commune.objects.valid_on(REFORM_EVE).count() == 10051
    # Lạng Sơn keeps its dated files: 226 units of 2017 + 10 of 2019 + 1 of 2024 + 65 of 2025.
    assert langson().count() == 302
    assert Province.objects.valid_on(REFORM_DAY).count() == 34
    new_units = Commune.objects.valid_on(REFORM_DAY)
    assert new_units.count() == 3321
    assert not new_units.filter(district__isnull=False).exists()
    hcm = Province.objects.with_code("79").get()
    assert set(hcm.formed_from.values_list("code", flat=True)) == {"74", "77"}
    # Code 82 was Tiền Giang and is now Đồng Tháp: two dated rows, the old one unchanged.
    # NULL (no start) first on both databases: PostgreSQL sorts NULLs last by default.
    old_first = F("valid_from").asc(nulls_first=True)
    assert list(
        Province.objects.filter(code="82").order_by(old_first).values_list("name", "valid_to")
    ) == [
        ("Tiền Giang", REFORM_EVE),
        ("Đồng Tháp", None),
    ]
    assert Province.objects.with_code("20").get().valid_to is None  # not merged
    first = counts()
    call_command("load_admin_units", "--all", verbosity=0)
    assert counts() == first
    assert Province.objects.with_code("01").get().name == "Hà Nội"
    assert Province.objects.with_code("01").get().region is None  # set by an admin, see README
    assert time.monotonic() - started < 120  # noqa: PLR2004 - tell the lead if it grows


def test_it_applies_the_round_of_december_2024():
    call_command("load_admin_units", verbosity=0)
    before, after = datetime.date(2024, 11, 30), datetime.date(2024, 12, 1)
    assert langson().valid_on(before).count() == 200
    assert langson().valid_on(after).count() == 194
    assert langson().in_programme().valid_on(after).count() == 175
    son_ha = Commune.objects.with_code("06454", 2023).get()
    assert son_ha.name == "Sơn Hà" and son_ha.valid_to == before
    assert [str(s) for s in son_ha.successors.all()] == ["Thị trấn Hữu Lũng (06385)"]
    that_khe = Commune.objects.with_code("06040", on=after).get()
    assert that_khe.name == "Thất Khê" and that_khe.valid_from == after
    dai_dong = Commune.objects.with_code("06040", 2023).get()
    assert dai_dong.name == "Đại Đồng"
    assert set(dai_dong.successor_links.values_list("successor__name", "is_partial")) == {
        ("Thất Khê", True),
        ("Đội Cấn", True),
    }


def test_it_loads_the_two_tier_units_of_july_2025():
    call_command("load_admin_units", verbosity=0)
    units = langson().valid_on(REFORM_DAY)
    assert units.count() == 65
    assert units.filter(kind="xa").count() == 61
    assert units.filter(kind="phuong").count() == 4
    assert units.in_programme().count() == 61  # the new xã are in the programme, wards not
    assert not units.filter(district__isnull=False).exists()
    assert set(units.filter(kind="phuong").values_list("name", flat=True)) == {
        "Tam Thanh",
        "Lương Văn Tri",
        "Kỳ Lừa",
        "Đông Kinh",
    }
    assert langson().valid_on(REFORM_EVE).count() == 194
    assert langson().valid_in(2025).count() == 65
    assert not District.objects.filter(valid_to__gt=REFORM_EVE).exists()


def test_every_unit_has_a_successor_and_every_new_unit_a_predecessor():
    call_command("load_admin_units", verbosity=0)
    eve = langson().valid_on(REFORM_EVE)
    assert not eve.filter(successor_links__isnull=True).exists()
    assert not eve.exclude(valid_to=REFORM_EVE).exists()
    assert not langson().valid_on(REFORM_DAY).filter(predecessor_links__isnull=True).exists()
    links = Succession.objects.filter(effective_on=REFORM_DAY)
    assert links.count() == 196  # 194 old units, two of them split
    assert set(links.values_list("legal_basis", flat=True)) == {
        "Nghị quyết 1672/NQ-UBTVQH15 (16/06/2025)"
    }


def test_partial_transfers_are_marked():
    call_command("load_admin_units", verbosity=0)
    split = Succession.objects.filter(effective_on=REFORM_DAY, is_partial=True)
    assert sorted(split.values_list("predecessor__name", "successor__name")) == [
        ("Bính Xá", "Kiên Mộc"),
        ("Bính Xá", "Đình Lập"),
        ("Kiên Mộc", "Châu Sơn"),
        ("Kiên Mộc", "Kiên Mộc"),
    ]


def test_codes_are_reused_so_a_code_and_a_date_name_a_unit():
    call_command("load_admin_units", verbosity=0)
    bang_mac = Commune.objects.with_code("06475", 2025).get()
    assert (bang_mac.kind, bang_mac.name, bang_mac.district) == ("xa", "Bằng Mạc", None)
    assert Commune.objects.with_code("06475", on=REFORM_EVE).get().name == "Gia Lộc"
    assert Commune.objects.with_code("06475").first() == bang_mac
    assert Commune.objects.with_code("06463", 2024).get().kind == "thi_tran"  # Đồng Mỏ
    assert Commune.objects.with_code("06463", 2026).get().name == "Chi Lăng"


def test_lineage_of_bang_mac_and_loc_binh():
    call_command("load_admin_units", verbosity=0)
    bang_mac = Commune.objects.with_code("06475", 2026).get()
    assert names(bang_mac) == {
        ("xa", "Gia Lộc"),
        ("xa", "Bằng Hữu"),
        ("xa", "Thượng Cường"),
        ("xa", "Bằng Mạc"),
    }
    loc_binh = langson().valid_on(REFORM_DAY).get(name="Lộc Bình")
    assert names(loc_binh) == {
        ("thi_tran", "Lộc Bình"),
        ("xa", "Khánh Xuân"),
        ("xa", "Hữu Khánh"),
        ("xa", "Đồng Bục"),
    }


def test_seven_old_xa_now_lie_inside_wards():
    call_command("load_admin_units", verbosity=0)
    inside = Succession.objects.filter(
        effective_on=REFORM_DAY, predecessor__kind="xa", successor__kind="phuong"
    )
    assert set(inside.values_list("predecessor__name", flat=True)) == {
        "Mai Pha",
        "Yên Trạch",
        "Quảng Lạc",
        "Hoàng Đồng",
        "Hợp Thành",
        "Gia Cát",
        "Tân Liên",
    }


def test_the_shipped_files_match_the_package():
    from vietnam_provinces import legacy

    from communes import services

    with open(services.LANGSON_2025_CSV, encoding="utf-8") as f:
        assert list(services.read_csv(services.LANGSON_2025_CSV)) == services.units_2025_rows("20")
        assert f.readline().strip() == ",".join(services.UNITS_2025_FIELDS)
    # The 2024 file is exactly the difference between the 2020 units and the package's
    # 2025-01-04 state (two units were relabelled by GSO in 2021, see langson-units-2017.md).
    call_command("load_admin_units", verbosity=0)
    package = {
        f"{w.code.value:05d}"
        for d in legacy.District.iter_by_province(legacy.ProvinceCode(20))
        for w in legacy.Ward.iter_by_district(d.code)
    }
    after_2024 = set(langson().valid_on(datetime.date(2024, 12, 1)).values_list("code", flat=True))
    assert after_2024 - package == {"06064", "06310"}
    assert package - after_2024 == {"06112", "06298"}
