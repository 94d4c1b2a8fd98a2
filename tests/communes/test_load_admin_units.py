import pytest
from django.core.management import call_command

from communes.models import Commune, District, Province

pytestmark = pytest.mark.django_db


def langson():
    return Commune.objects.filter(district__province__code="20")


def counts():
    return (
        Province.objects.count(),
        District.objects.count(),
        Commune.objects.count(),
        sum(c.predecessors.count() for c in langson().filter(valid_from__isnull=False)),
    )


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
    assert set(chi_lang.values_list("code", flat=True)) == {"05983", "06034", "06466", "06523"}


def test_it_is_idempotent():
    call_command("load_admin_units", verbosity=0)
    first = counts()
    call_command("load_admin_units", verbosity=0)
    assert counts() == first


def test_all_loads_the_country_and_keeps_langson_dated():
    call_command("load_admin_units", "--all", verbosity=0)
    assert Province.objects.count() == 63
    assert District.objects.count() == 696
    # 10,051 units nationally; Lạng Sơn keeps its 2017 file (226 units, not the 194 of 2025).
    assert Commune.objects.exclude(district__province__code="20").count() == 10051 - 194
    assert langson().count() == 236  # 226 of 2017 + 10 communes created in 2019
    first = counts()
    call_command("load_admin_units", "--all", verbosity=0)
    assert counts() == first
    assert Province.objects.get(code="01").name == "Hà Nội"
    assert Province.objects.get(code="01").region is None  # set by an admin, see README
