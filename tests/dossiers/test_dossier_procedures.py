"""Dossiers follow the procedure of their period (data: dossiers.Procedure), name their unit by
code and year, and are complete once a decision recognises their commune at their tier for
their year. Both worlds: the pre-reform province 98 (districts, 18/2022/QĐ-TTg with the
district's appraisal) and province 96 after 01/07/2025 (no district, reused codes, 2026-2030
procedure unconfirmed)."""

import datetime

import pytest
from django.urls import reverse

from criteria.certifications import certification_create
from dossiers import services
from dossiers.models import Dossier, DossierStep, Procedure, Step
from tests.base import make_assessment, make_certification, make_criteria_set

pytestmark = pytest.mark.django_db

CREATE = reverse("dossiers:dossier_create")
STEPS_2026 = ["self_assessment", "posting", "council", "proposal", "decision"]
STEPS_18_2022 = ["self_assessment", "posting", "appraisal", "council", "proposal", "decision"]


def step(client, dossier, name, day, **extra):
    data = {"step": name, "done_on": day} | extra
    return client.post(reverse("dossiers:step_record", args=[dossier.pk]), data)


def shown_steps(page) -> list[str]:
    return [row["step"] for row in page.context["rows"]]


# --- The procedures as seeded -----------------------------------------------------------------


def test_the_seeded_procedures_of_each_period():
    p2025 = Procedure.objects.for_year(2025).get()
    assert (p2025.legal_basis, p2025.confirmed, p2025.posting_days) == ("18/2022/QĐ-TTg", True, 15)
    assert [s.step for s in p2025.steps.all()] == STEPS_18_2022
    assert p2025.steps.get(step="appraisal").recorder == "district"
    p2026 = Procedure.objects.for_year(2026).get()
    assert (p2026.legal_basis, p2026.confirmed, p2026.posting_days) == ("", False, None)
    assert [s.step for s in p2026.steps.all()] == STEPS_2026
    assert Procedure.objects.for_year(2019).get().legal_basis == "2540/QĐ-TTg"
    assert not Procedure.objects.for_year(2031).exists()


# --- After the reform: reused codes, no district ---------------------------------------------


def test_a_dossier_for_a_reused_code_names_the_unit_of_its_year(client, reform_world):
    client.force_login(reform_world.province_staff)
    response = client.post(CREATE, {"commune": "96101", "tier": "ntm", "year": 2026})
    assert response.status_code == 302
    dossier = Dossier.objects.get(commune__code="96101", year=2026)
    assert dossier.commune == reform_world.dong_tay
    # The same code in 2024 is the old xã Đông, with its district.
    assert client.post(CREATE, {"commune": "96101", "tier": "ntm", "year": 2024}).status_code == 302
    assert Dossier.objects.get(commune__code="96101", year=2024).commune == reform_world.old_dong


def test_the_picker_offers_the_units_of_the_year(client, reform_world):
    client.force_login(reform_world.province_staff)
    url = reverse("dossiers:dossier_list")
    choices = dict(client.get(url, {"year": 2026}).context["form"].fields["commune"].choices)
    assert choices.get("96101") == "Xã Đông Tây (96101)"
    assert choices.get("96104") == "Xã Bắc Sơn (96104)"
    assert "96102" not in choices and "96110" not in choices  # ended; a ward
    choices = dict(client.get(url, {"year": 2024}).context["form"].fields["commune"].choices)
    assert choices.get("96101") == "Xã Đông (96101)" and "96102" in choices
    assert client.get(url, {"year": "20x6"}).status_code == 404
    # A code of another year's unit is refused for this year: 96102 ended on 30/06/2025.
    response = client.post(CREATE, {"commune": "96102", "tier": "ntm", "year": 2026})
    assert response.status_code == 400 and not Dossier.objects.exists()


def test_the_2026_dossier_has_no_district_step_and_says_its_procedure_is_unconfirmed(
    client, reform_world
):
    dossier = Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2026)
    client.force_login(reform_world.province_staff)
    page = client.get(dossier.get_absolute_url())
    assert page.status_code == 200
    assert shown_steps(page) == STEPS_2026
    body = page.content.decode()
    assert "data-unconfirmed" in body and "chưa xác nhận" in body
    assert "18/2022" not in body and "UBND huyện" not in body
    assert 'data-document="tham-dinh"' not in body
    # The district's appraisal cannot be recorded, nor its report printed.
    assert step(client, dossier, "appraisal", "2026-10-01").status_code == 400
    assert not dossier.steps.exists()
    url = reverse("dossiers:dossier_document_pdf", args=[dossier.pk, "tham-dinh"])
    assert client.get(url).status_code == 404
    # No posting rule is known for the period: a short posting is not flagged.
    assert step(client, dossier, "posting", "2026-09-01", end_on="2026-09-03").status_code == 302
    missing = client.get(dossier.get_absolute_url()).context["missing"]
    assert not any("Thời gian công khai" in m for m in missing)


def test_a_unit_without_a_district_has_no_district_step_in_2025(client, reform_world):
    """18/2022/QĐ-TTg still governs 2025, but a unit formed on 01/07/2025 has no district."""
    dossier = Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2025)
    client.force_login(reform_world.province_staff)
    page = client.get(dossier.get_absolute_url())
    assert shown_steps(page) == STEPS_2026
    assert "data-no-district" in page.content.decode()


def test_a_2026_decision_dated_january_2027_completes_the_dossier(client, reform_world):
    """The decision is recorded elsewhere (as an import records it): the dossier goes by the
    year the decision recognises, not the year of its date."""
    make_assessment(reform_world.dong_tay, 2026, reform_world.cset, met=10)
    dossier = Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2026)
    assert list(Dossier.objects.in_progress()) == [dossier]
    certification_create(
        commune=reform_world.dong_tay,
        tier="ntm",
        decision_number="15/QĐ-UBND",
        decision_date=datetime.date(2027, 1, 15),
        recognised_year=2026,
        authority="Chủ tịch UBND tỉnh",
    )
    assert list(Dossier.objects.completed()) == [dossier]
    assert not Dossier.objects.in_progress().exists()
    assert Dossier.objects.get().is_complete
    client.force_login(reform_world.province_staff)
    page = client.get(dossier.get_absolute_url())
    body = page.content.decode()
    assert "data-complete" in body and "15/QĐ-UBND ngày 15/01/2027 (công nhận năm 2026)" in body
    assert page.context["missing"] == [] and "data-missing" not in body
    assert "Ghi bước" not in body and "Ghi quyết định" not in body
    assert step(client, dossier, "self_assessment", "2026-09-01").status_code == 400
    assert "Đã hoàn thành" in client.get(reverse("dossiers:dossier_list")).content.decode()


def test_the_dossier_page_records_a_january_decision_for_the_year_before(client, reform_world):
    make_assessment(reform_world.dong_tay, 2026, reform_world.cset, met=10)
    dossier = Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2026)
    client.force_login(reform_world.province_staff)
    data = {
        "decision_number": "16/QĐ-UBND",
        "decision_date": "2027-01-15",
        "authority": "Chủ tịch UBND tỉnh",
        "reason": "Hồ sơ giấy",
    }
    decide = reverse("dossiers:dossier_decide", args=[dossier.pk])
    assert client.post(decide, data).status_code == 302
    dossier.refresh_from_db()
    assert dossier.is_complete and dossier.certification.recognised_year == 2026
    assert dossier.steps.get(step=Step.DECISION).done_on == datetime.date(2027, 1, 15)


def test_a_decision_of_another_year_or_tier_does_not_complete_it(reform_world):
    dossier = Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2026)
    make_certification(reform_world.dong_tay, reform_world.cset, datetime.date(2027, 1, 15))
    make_certification(
        reform_world.dong_tay,
        reform_world.cset,
        datetime.date(2027, 1, 15),
        recognised_year=2026,
        tier="modern",
        decision_number="2/QĐ",
    )
    # Nor a decision for the old unit that carried the code before.
    make_certification(
        reform_world.old_dong,
        reform_world.cset,
        datetime.date(2027, 1, 15),
        recognised_year=2026,
        decision_number="3/QĐ",
    )
    assert list(Dossier.objects.in_progress()) == [dossier]
    assert not Dossier.objects.completed().exists()
    assert not dossier.is_complete


def test_a_commune_official_records_only_the_communes_steps(client, reform_world):
    dossier = Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2026)
    client.force_login(reform_world.commune_official)
    page = client.get(dossier.get_absolute_url())
    assert page.status_code == 200 and page.context["decision_form"] is None
    offered = [value for value, _label in page.context["step_form"].fields["step"].choices]
    assert offered == ["self_assessment", "posting"]
    assert step(client, dossier, "self_assessment", "2026-09-01").status_code == 302
    assert step(client, dossier, "posting", "2026-09-05").status_code == 302
    assert step(client, dossier, "council", "2026-10-20", votes_for=20).status_code == 403
    assert step(client, dossier, "proposal", "2026-10-25").status_code == 403
    decide = reverse("dossiers:dossier_decide", args=[dossier.pk])
    data = {"decision_number": "1/QĐ", "decision_date": "2026-11-20", "authority": "UBND"}
    assert client.post(decide, data).status_code == 403
    assert set(dossier.steps.values_list("step", flat=True)) == {"self_assessment", "posting"}
    # The former district official has no unit of 2026: the dossier is not in scope.
    client.force_login(reform_world.former_district_official)
    assert client.get(dossier.get_absolute_url()).status_code == 404
    assert step(client, dossier, "self_assessment", "2026-09-02").status_code == 404


def test_changes_reject_get_after_the_reform(client, reform_world):
    dossier = Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2026)
    client.force_login(reform_world.province_staff)
    assert client.get(CREATE).status_code == 405
    for name in ("step_record", "dossier_decide", "evidence_add"):
        assert client.get(reverse(f"dossiers:{name}", args=[dossier.pk])).status_code == 405


# --- Before the reform: 18/2022 with the district's appraisal ----------------------------------


@pytest.fixture
def dossier_2024(world):
    make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    return Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2024)


def test_a_2024_dossier_keeps_the_18_2022_steps_with_the_district_appraisal(
    client, world, dossier_2024
):
    client.force_login(world.province_staff)
    page = client.get(dossier_2024.get_absolute_url())
    assert shown_steps(page) == STEPS_18_2022
    body = page.content.decode()
    assert "Trình tự theo 18/2022/QĐ-TTg." in body and "data-unconfirmed" not in body
    assert "Thẩm tra hồ sơ và mức đạt từng tiêu chí (UBND huyện)" in body
    assert 'data-document="tham-dinh"' in body
    # The district's official records the appraisal; the commune's official may not.
    client.force_login(world.commune_official)
    assert step(client, dossier_2024, "appraisal", "2024-10-05").status_code == 403
    assert step(client, dossier_2024, "council", "2024-10-20").status_code == 403
    assert step(client, dossier_2024, "self_assessment", "2024-09-01").status_code == 302
    client.force_login(world.official_a)
    assert step(client, dossier_2024, "appraisal", "2024-10-05").status_code == 302
    assert step(client, dossier_2024, "council", "2024-10-20").status_code == 403
    assert set(dossier_2024.steps.values_list("step", flat=True)) == {
        "self_assessment",
        "appraisal",
    }


def test_a_2024_decision_dated_january_2025_completes_the_2024_dossier(world, dossier_2024):
    make_certification(
        world.commune_a1,
        world.cset,
        datetime.date(2025, 1, 20),
        recognised_year=2024,
    )
    assert list(Dossier.objects.completed()) == [dossier_2024]
    assert Dossier.objects.with_completion().get().is_complete


def test_steps_recorded_before_the_procedure_changed_are_kept(client, world):
    """A 2026 dossier whose district appraisal was recorded when every year had that step
    keeps and shows it, though the 2026-2030 procedure has no such step (rule: no record is
    rewritten)."""
    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2026)
    DossierStep.objects.create(dossier=dossier, step="appraisal", done_on="2026-10-05")
    client.force_login(world.province_staff)
    page = client.get(dossier.get_absolute_url())
    assert shown_steps(page) == [*STEPS_2026, "appraisal"]
    assert "data-outside" in page.content.decode()
    assert dossier.steps.get().done_on == datetime.date(2026, 10, 5)


def test_a_year_without_a_procedure_is_refused(client, world):
    client.force_login(world.province_staff)
    response = client.post(CREATE, {"commune": "98101", "tier": "ntm", "year": 2031})
    assert response.status_code == 400
    assert "Chưa có trình tự xét công nhận cho năm 2031" in response.content.decode()
    assert not Dossier.objects.exists()


def test_the_service_refuses_a_step_outside_the_procedure(world):
    from django.core.exceptions import ValidationError

    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2026)
    with pytest.raises(ValidationError) as exc:
        services.step_record(
            dossier=dossier,
            step="appraisal",
            done_on=datetime.date(2026, 10, 5),
            user=world.province_staff,
        )
    assert exc.value.code == "not_a_step"


def test_changes_reject_get_before_the_reform(client, world, dossier_2024):
    client.force_login(world.province_staff)
    assert client.get(CREATE).status_code == 405
    for name in ("step_record", "dossier_decide", "evidence_add"):
        assert client.get(reverse(f"dossiers:{name}", args=[dossier_2024.pk])).status_code == 405


# --- The list's queries, the procedures' data -------------------------------------------------


def test_the_list_reads_completion_without_a_query_per_dossier(
    client, reform_world, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(reform_world.province_staff)
    url = reverse("dossiers:dossier_list")
    Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2026)
    client.get(url, {"year": 2026})  # the session and the user cached like any later page
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"year": 2026})
    Dossier.objects.create(commune=reform_world.bac_son, tier="ntm", year=2026)
    Dossier.objects.create(commune=reform_world.old_dong, tier="ntm", year=2024)
    make_certification(
        reform_world.bac_son, reform_world.cset, datetime.date(2027, 1, 15), recognised_year=2026
    )
    with django_assert_max_num_queries(len(one)):
        body = client.get(url, {"year": 2026}).content.decode()
    assert body.count("Đã hoàn thành") == 1 and body.count("Đang lập") == 2


def test_overlapping_procedures_are_refused():
    from django.core.exceptions import ValidationError

    procedure = Procedure(first_year=2030, last_year=2032, legal_basis="x")
    with pytest.raises(ValidationError) as exc:
        procedure.full_clean()
    assert exc.value.error_dict["__all__"][0].code == "overlapping_procedure"
    Procedure(first_year=2031, last_year=2035).full_clean()


@pytest.mark.parametrize("today", [datetime.date(2026, 7, 1), datetime.date(2031, 12, 31)])
def test_the_2026_dossier_is_opened_and_completed_whatever_the_day(
    client, reform_world, time_machine, today
):
    """Nothing above reads today's date for what it expects; this one runs the journey at the
    two ends of the days the suite must pass on."""
    time_machine.move_to(datetime.datetime.combine(today, datetime.time(12)), tick=False)
    make_assessment(reform_world.dong_tay, 2026, reform_world.cset, met=10)
    client.force_login(reform_world.province_staff)
    assert client.post(CREATE, {"commune": "96101", "tier": "ntm", "year": 2026}).status_code == 302
    dossier = Dossier.objects.get()
    data = {
        "decision_number": "17/QĐ-UBND",
        "decision_date": "2027-01-15",
        "authority": "Chủ tịch UBND tỉnh",
        "reason": "Hồ sơ giấy",
    }
    decide = reverse("dossiers:dossier_decide", args=[dossier.pk])
    assert client.post(decide, data).status_code == 302
    assert list(Dossier.objects.completed()) == [dossier]


@pytest.mark.parametrize(
    ("code", "year", "name"),
    [("06475", 2026, "Bằng Mạc"), ("06475", 2024, "Gia Lộc"), ("06001", 2026, None)],
)
def test_the_demos_reused_codes_open_a_dossier(client, code, year, name):
    """What users met on 7 December 2026 (demo Lạng Sơn): "Lập hồ sơ" for 06475 or 06001 was a
    500 (MultipleObjectsReturned). Each now names the unit of the dossier's year."""
    from django.contrib.auth import get_user_model

    from communes.models import Commune

    unit = Commune.objects.of_area(
        on=datetime.date(year, 12, 31), province=Commune.objects.filter(code=code).first().province
    ).get(code=code)
    assert Commune.objects.filter(code=code).count() > 1  # the code was reused
    client.force_login(get_user_model().objects.get(username="province"))
    response = client.post(CREATE, {"commune": code, "tier": "ntm", "year": year})
    assert response.status_code == 302
    dossier = Dossier.objects.get(commune__code=code, year=year)
    assert dossier.commune == unit
    if name is not None:
        assert name in dossier.commune.name
    assert client.get(dossier.get_absolute_url()).status_code == 200


def test_each_step_says_who_records_it(client, world, dossier_2024):
    client.force_login(world.province_staff)
    body = client.get(dossier_2024.get_absolute_url()).content.decode()
    row = body[body.index('data-step="appraisal"') :]
    assert row.index("Cấp ghi bước: Huyện") < row.index('data-step="council"')
