import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from communes.models import CommuneGroup
from criteria.models import (
    CriteriaSet,
    Criterion,
    CriterionGroup,
    Indicator,
    PovertyStandard,
    Threshold,
)

pytestmark = pytest.mark.django_db


def set_counts(code):
    cset = CriteriaSet.objects.get(code=code)
    return (
        CriterionGroup.objects.filter(criteria_set=cset).count(),
        Criterion.objects.filter(criteria_set=cset).count(),
        Indicator.objects.filter(criterion__criteria_set=cset).count(),
        Threshold.objects.filter(indicator__criterion__criteria_set=cset).count(),
    )


def test_it_loads_the_2016_2020_commune_set():
    call_command("load_criteria", verbosity=0)
    cset = CriteriaSet.objects.get(code="xa-ntm-2016-2020")
    assert cset.legal_basis == "Quyết định 1980/QĐ-TTg"
    assert (cset.first_year, cset.last_year) == (2016, 2020)
    groups, criteria, indicators, _ = set_counts("xa-ntm-2016-2020")
    assert (groups, criteria, indicators) == (5, 19, 49)
    income = Indicator.objects.get(criterion__criteria_set=cset, code="10")
    tdmnpb_2020 = income.thresholds.get(region__code="TDMNPB", year_from=2020)
    assert tdmnpb_2020.value == Decimal(36) and tdmnpb_2020.status == "confirmed"
    # The 2020 level is never copied to 2016-2019: those years have no level at all.
    assert not income.thresholds.filter(year_from__lt=2020).exists()
    assert not income.thresholds.filter(year_from__isnull=True).exists()


def test_it_loads_the_2021_2025_commune_set():
    call_command("load_criteria", verbosity=0)
    groups, criteria, indicators, _ = set_counts("xa-ntm-2021-2025")
    assert (groups, criteria, indicators) == (5, 19, 57)


def test_unknown_thresholds_are_flagged_not_guessed():
    call_command("load_criteria", verbosity=0)
    road = Indicator.objects.get(criterion__criteria_set__code="xa-ntm-2016-2020", code="2.2")
    tdmnpb = road.thresholds.get(region__code="TDMNPB")
    assert tdmnpb.value is None and tdmnpb.status == "unknown"
    water = Indicator.objects.get(criterion__criteria_set__code="xa-ntm-2016-2020", code="17.1")
    national = water.thresholds.get(region__isnull=True)
    assert (national.value, national.value_secondary) == (Decimal(95), Decimal(60))
    assert water.secondary_label


def test_it_is_idempotent_and_keeps_admin_edits():
    call_command("load_criteria", verbosity=0)
    before = set_counts("xa-ntm-2016-2020"), set_counts("xa-ntm-2021-2025")
    road = Indicator.objects.get(criterion__criteria_set__code="xa-ntm-2016-2020", code="2.2")
    edited = road.thresholds.get(region__code="TDMNPB")
    edited.value, edited.status, edited.source = Decimal(70), "confirmed", "admin:someone"
    edited.save()
    call_command("load_criteria", verbosity=0)
    assert (set_counts("xa-ntm-2016-2020"), set_counts("xa-ntm-2021-2025")) == before
    assert road.thresholds.get(region__code="TDMNPB").value == Decimal(70)


def test_it_loads_the_2011_2015_set_judged_criterion_by_criterion():
    call_command("load_criteria", verbosity=0)
    cset = CriteriaSet.objects.get(code="xa-ntm-2011-2015")
    assert cset.legal_basis.startswith("Quyết định 491/QĐ-TTg")
    assert (cset.first_year, cset.last_year, cset.effective_from) == (2011, 2015, None)
    assert cset.effective_to == datetime.date(2016, 11, 30)
    assert set_counts("xa-ntm-2011-2015")[:3] == (5, 19, 0)
    market = cset.criteria.get(number=7)
    assert market.name_vi == "Chợ nông thôn" and market.name_confirmed
    assert not cset.criteria.get(number=1).name_confirmed
    assert all(c.whole_reason for c in cset.criteria.all())


def test_it_loads_the_2026_2030_set_keyed_by_commune_group():
    call_command("load_criteria", verbosity=0)
    cset = CriteriaSet.objects.get(code="xa-ntm-2026-2030")
    assert cset.legal_basis == "Quyết định 51/2025/QĐ-TTg, Phụ lục I"
    assert cset.effective_from == datetime.date(2026, 2, 15) and cset.effective_to is None
    assert cset.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP
    assert list(cset.criteria.values_list("number", flat=True)) == list(range(1, 11))
    assert cset.criteria.get(number=7).name_vi == "Khoa học công nghệ và chuyển đổi số"
    # No indicator of 51/2025 is known: every criterion is judged as a whole, with the reason.
    assert set_counts("xa-ntm-2026-2030")[2] == 0
    assert all("51/2025" in c.whole_reason for c in cset.criteria.all())
    assert set(CommuneGroup.objects.values_list("code", flat=True)) >= {"N1", "N2", "N3"}


def test_the_modern_commune_pilot_set_is_loaded_empty_and_keeps_what_an_admin_adds():
    call_command("load_criteria", verbosity=0)
    cset = CriteriaSet.objects.get(code="xa-ntm-hien-dai-2026-2030")
    assert cset.level == CriteriaSet.Level.MODERN
    assert set_counts("xa-ntm-hien-dai-2026-2030") == (0, 0, 0, 0)
    group = CriterionGroup.objects.create(criteria_set=cset, code="I", name_vi="Nhóm do tỉnh nhập")
    Criterion.objects.create(criteria_set=cset, group=group, number=1, name_vi="Tiêu chí thêm")
    call_command("load_criteria", verbosity=0)
    assert set_counts("xa-ntm-hien-dai-2026-2030") == (1, 1, 0, 0)


def test_it_loads_each_period_once():
    call_command("load_criteria", verbosity=0)
    before = {s.code: set_counts(s.code) for s in CriteriaSet.objects.all()}
    standards = PovertyStandard.objects.count()
    call_command("load_criteria", verbosity=0)
    assert {s.code: set_counts(s.code) for s in CriteriaSet.objects.all()} == before
    assert PovertyStandard.objects.count() == standards == 5


GROUP_SET = """
catalogue:
  code: test-groups
  name_vi: Bộ thử theo nhóm xã
  name_en: Test set by commune group
  legal_basis: Thử nghiệm
  level: xa
  period: {from: 2041, to: 2045}
  threshold_basis: commune_group
regions: []
commune_groups:
  - {code: N1, name_vi: Xã nhóm 1, name_en: Commune group 1}
  - {code: N3, name_vi: Xã nhóm 3, name_en: Commune group 3}
groups:
  - {code: I, name_vi: Nhóm, name_en: Group}
criteria:
  - number: 1
    group: I
    name_vi: Thu nhập
    name_en: Income
    sub_indicators:
      - code: "1.1"
        name_vi: Tỷ lệ
        kind: percent
        comparator: ">="
        national_target: null
        thresholds: {N1: 90, N3: null}
        thresholds_status: UNCONFIRMED
"""


def test_thresholds_are_keyed_by_commune_group_and_an_admin_edit_survives(tmp_path):
    path = tmp_path / "groups.yaml"
    path.write_text(GROUP_SET, encoding="utf-8")
    call_command("load_criteria", str(path), verbosity=0)
    indicator = Indicator.objects.get(criterion__criteria_set__code="test-groups", code="1.1")
    n1 = indicator.thresholds.get(commune_group__code="N1")
    assert (n1.value, n1.status, n1.region) == (Decimal(90), "unconfirmed", None)
    n3 = indicator.thresholds.get(commune_group__code="N3")
    assert n3.value is None and n3.status == "unknown"
    n1.value, n1.source = Decimal(85), "admin:someone"
    n1.save()
    call_command("load_criteria", str(path), verbosity=0)
    assert indicator.thresholds.get(commune_group__code="N1").value == Decimal(85)
    assert indicator.thresholds.count() == 3  # general target, N1, N3


def test_it_loads_what_the_reports_read_from_each_set():
    """Near the standard and the revocation rule are data of the set (issue 23): 4 missing
    criteria for the 19-criterion sets, the 18/2022/QĐ-TTg rule for 2021-2025 with its key
    criteria by number (the ones the reports used to find by name), none for 2026-2030."""
    call_command("load_criteria", verbosity=0)
    sets = CriteriaSet.objects.in_bulk(field_name="code")
    for code in ("xa-ntm-2011-2015", "xa-ntm-2016-2020", "xa-ntm-2021-2025"):
        assert sets[code].near_standard_missing == 4
    rule = sets["xa-ntm-2021-2025"]
    assert rule.revocation_basis == "Quyết định 18/2022/QĐ-TTg" and rule.has_revocation_rule
    assert (rule.revocation_percent, rule.revocation_key_percent) == (50, 30)
    assert dict(
        rule.criteria.filter(number__in=rule.revocation_key_numbers).values_list(
            "number", "name_vi"
        )
    ) == {10: "Thu nhập", 17: "Môi trường và an toàn thực phẩm", 19: "Quốc phòng và An ninh"}
    assert not sets["xa-ntm-2016-2020"].has_revocation_rule  # 18/2022 governs 2021-2025
    unconfirmed = sets["xa-ntm-2026-2030"]
    assert unconfirmed.near_standard_missing is None
    assert not unconfirmed.has_revocation_rule


def test_an_admin_entry_for_an_unconfirmed_set_property_survives_a_reload():
    call_command("load_criteria", verbosity=0)
    CriteriaSet.objects.filter(code="xa-ntm-2026-2030").update(
        near_standard_missing=2, revocation_basis="Văn bản do tỉnh nhập", revocation_percent=50
    )
    call_command("load_criteria", verbosity=0)
    cset = CriteriaSet.objects.get(code="xa-ntm-2026-2030")
    assert (cset.near_standard_missing, cset.revocation_basis) == (2, "Văn bản do tỉnh nhập")


def test_key_criteria_must_be_numbers_of_the_set():
    call_command("load_criteria", verbosity=0)
    cset = CriteriaSet.objects.get(code="xa-ntm-2026-2030")
    cset.revocation_key_criteria = "3,12"
    with pytest.raises(ValidationError) as raised:
        cset.full_clean()
    assert "12" in str(raised.value.message_dict["revocation_key_criteria"])
    cset.revocation_key_criteria = "Thu nhập"
    with pytest.raises(ValidationError):
        cset.full_clean()


def test_the_admin_edits_what_the_reports_read(client):
    """The properties the catalogue leaves unconfirmed are entered in the admin."""
    from tests.base import admin_form_data, make_user

    call_command("load_criteria", verbosity=0)
    cset = CriteriaSet.objects.get(code="xa-ntm-2026-2030")
    client.force_login(make_user("catalogue-admin", superuser=True))
    url = f"/admin/criteria/criteriaset/{cset.pk}/change/"
    page = client.get(url)
    assert 'name="near_standard_missing"' in page.content.decode()
    data = admin_form_data(page) | {
        "near_standard_missing": "2",
        "revocation_basis": "Văn bản do tỉnh nhập",
        "revocation_percent": "50",
        "revocation_key_percent": "30",
        "revocation_key_criteria": "3,6",
    }
    assert client.post(url, data).status_code == 302
    cset.refresh_from_db()
    assert (cset.near_standard_missing, cset.revocation_key_numbers) == (2, [3, 6])


def test_the_migration_fills_the_existing_sets_as_the_code_had_them():
    """Migration 0012 on a database loaded before it: 4 missing criteria for every commune set
    up to 2021-2025, and the 18/2022 rule for 2021-2025 with the key criteria found by the
    names the reports used to match (10, 17, 19); 2026-2030 left empty."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("criteria.migrations.0012_criteria_set_report_properties")
    call_command("load_criteria", verbosity=0)
    CriteriaSet.objects.update(
        near_standard_missing=None,
        revocation_basis="",
        revocation_percent=None,
        revocation_key_percent=None,
        revocation_key_criteria="",
    )
    migration.fill_sets(apps, None)
    sets = CriteriaSet.objects.in_bulk(field_name="code")
    assert [
        sets[code].near_standard_missing
        for code in ("xa-ntm-2011-2015", "xa-ntm-2016-2020", "xa-ntm-2021-2025")
    ] == [4, 4, 4]
    assert sets["xa-ntm-2026-2030"].near_standard_missing is None
    rule = sets["xa-ntm-2021-2025"]
    assert (rule.revocation_basis, rule.revocation_percent, rule.revocation_key_percent) == (
        "Quyết định 18/2022/QĐ-TTg",
        50,
        30,
    )
    assert rule.revocation_key_numbers == [10, 17, 19]
    assert not sets["xa-ntm-2016-2020"].has_revocation_rule
    assert not sets["xa-ntm-2026-2030"].has_revocation_rule
