"""Issue 24, N6 and N10 for dossiers: a step's dates and votes are bounded at the form (400 with
a message, nothing stored), a far date stored before that crashes no page, and a step and a
decision recorded at once are written one after the other."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.urls import reverse

from criteria.models import Certification
from dossiers import services
from dossiers.models import Dossier, DossierStep
from tests.base import make_assessment, make_criteria_set

pytestmark = pytest.mark.django_db

DAY = datetime.datetime(2027, 11, 2, 9, tzinfo=datetime.UTC)
TOO_BIG = "99999999999999999999"


@pytest.fixture
def day(time_machine):
    time_machine.move_to(DAY)


@pytest.fixture
def dossier(world, day):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    return Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2027)


@pytest.fixture
def reform_dossier(reform_world, day):
    make_assessment(reform_world.dong_tay, 2027, reform_world.cset, met=10)
    return Dossier.objects.create(commune=reform_world.dong_tay, tier="ntm", year=2027)


def post_step(client, dossier, **fields):
    data = {"step": "council", "done_on": "2027-09-20"} | fields
    return client.post(reverse("dossiers:step_record", args=[dossier.pk]), data)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"done_on": "9999-12-31"}, "Ngày 31/12/9999 nằm ngoài thời gian của chương trình"),
        ({"done_on": "0001-01-01"}, "Ngày 01/01/0001 nằm ngoài thời gian của chương trình"),
        (
            {"step": "posting", "done_on": "2027-08-05", "end_on": "9999-12-31"},
            "Ngày 31/12/9999 nằm ngoài thời gian của chương trình",
        ),
        ({"votes_for": TOO_BIG}, "nhỏ hơn hoặc bằng với 1000"),
        ({"votes_against": TOO_BIG}, "nhỏ hơn hoặc bằng với 1000"),
        ({"votes_for": "-1"}, "lớn hơn hoặc bằng với 0"),
    ],
)
def test_a_step_out_of_bounds_is_400_with_a_message_and_nothing_stored(
    client, world, dossier, fields, message
):
    client.force_login(world.province_staff)
    response = post_step(client, dossier, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not DossierStep.objects.filter(dossier=dossier).exists()


@pytest.mark.parametrize("day_sent", ["9999-12-31", "0001-01-01"])
def test_a_decision_dated_out_of_bounds_is_400_and_nothing_stored(client, world, dossier, day_sent):
    client.force_login(world.province_staff)
    response = client.post(
        reverse("dossiers:dossier_decide", args=[dossier.pk]),
        {
            "decision_number": "1/QĐ-UBND",
            "decision_date": day_sent,
            "authority": "Chủ tịch UBND tỉnh",
            "reason": "Hồ sơ giấy",
        },
    )
    assert response.status_code == 400
    assert "nằm ngoài thời gian của chương trình" in response.content.decode()
    assert not Certification.objects.filter(commune=world.commune_a1).exists()


def test_after_the_reform_a_far_step_is_refused_too(client, reform_world, reform_dossier):
    client.force_login(reform_world.province_staff)
    response = post_step(client, reform_dossier, done_on="9999-12-31")
    assert response.status_code == 400
    assert "Ngày 31/12/9999 nằm ngoài" in response.content.decode()
    assert not DossierStep.objects.filter(dossier=reform_dossier).exists()


def test_a_posting_stored_on_9999_12_31_crashes_neither_the_page_nor_the_decision(
    client, world, day
):
    """Stored before the forms bounded dates (or through the admin): the posting's deadline
    is past the last date Python has. The page shows the dossier; the decision is recorded
    with a reason, the posting counted as not long enough."""
    earlier_set = make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    make_assessment(world.commune_a1, 2025, earlier_set, met=3)
    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2025)
    DossierStep.objects.create(dossier=dossier, step="posting", done_on=datetime.date(9999, 12, 31))
    client.force_login(world.province_staff)
    page = client.get(dossier.get_absolute_url())
    assert page.status_code == 200
    assert "31/12/9999" in page.content.decode()
    _dossier, lacking = services.dossier_gaps(commune=world.commune_a1, tier="ntm", year=2025)
    assert "Chưa ghi ngày kết thúc công khai." in lacking
    response = client.post(
        reverse("dossiers:dossier_decide", args=[dossier.pk]),
        {
            "decision_number": "1/QĐ-UBND",
            "decision_date": "2026-01-20",
            "authority": "Chủ tịch UBND tỉnh",
            "reason": "Hồ sơ giấy",
        },
    )
    assert response.status_code == 302
    assert Certification.objects.get(commune=world.commune_a1).dossier_reason == "Hồ sơ giấy"


def test_a_step_sent_from_a_page_opened_before_the_decision_is_refused(world, dossier):
    stale = Dossier.objects.get(pk=dossier.pk)
    services.dossier_decide(
        dossier=dossier,
        decision_number="1/QĐ-UBND",
        decision_date=datetime.date(2027, 10, 15),
        authority="Chủ tịch UBND tỉnh",
        user=world.province_staff,
        reason="Hồ sơ giấy",
    )
    with pytest.raises(ValidationError) as exc:
        services.step_record(
            dossier=stale,
            step="council",
            done_on=datetime.date(2027, 9, 20),
            user=world.province_staff,
        )
    assert exc.value.code == "complete"


def test_a_decision_sent_twice_from_the_same_page_is_refused_the_second_time(world, dossier):
    first, second = (Dossier.objects.get(pk=dossier.pk) for _ in range(2))
    decide = {
        "decision_date": datetime.date(2027, 10, 15),
        "authority": "Chủ tịch UBND tỉnh",
        "user": world.province_staff,
        "reason": "Hồ sơ giấy",
    }
    services.dossier_decide(dossier=first, decision_number="1/QĐ-UBND", **decide)
    with pytest.raises(ValidationError) as exc:
        services.dossier_decide(dossier=second, decision_number="2/QĐ-UBND", **decide)
    assert exc.value.code == "complete"
    assert Certification.objects.filter(commune=world.commune_a1).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_decisions_on_one_dossier_at_once_give_one_certification(world, dossier):
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(number):
        try:
            barrier.wait()
            services.dossier_decide(
                dossier=Dossier.objects.get(pk=dossier.pk),
                decision_number=number,
                decision_date=datetime.date(2027, 10, 15),
                authority="Chủ tịch UBND tỉnh",
                user=world.province_staff,
                reason="Hồ sơ giấy",
            )
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=decide, args=(n,)) for n in ("1/QĐ", "2/QĐ")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    recorded = Certification.objects.filter(commune=world.commune_a1).count()
    if connection.vendor == "postgresql":
        # The second waits for the dossier's lock, then finds it complete.
        assert outcomes.count("ok") == 1 and recorded == 1
        assert Dossier.objects.get(pk=dossier.pk).certification is not None
    else:
        # SQLite has one writer: the other is refused, or both are told the database is busy
        # (503 in a request); never two decisions.
        assert outcomes.count("ok") == recorded <= 1


def test_a_dossier_opened_by_someone_else_meanwhile_is_refused_with_the_message(
    world, day, monkeypatch
):
    """The race, made deterministic: the other dossier is written after the checks."""
    checked = Dossier.full_clean

    def rival_lands_after_the_checks(self, *args, **kwargs):
        checked(self, *args, **kwargs)
        Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2027)

    monkeypatch.setattr(Dossier, "full_clean", rival_lands_after_the_checks)
    with pytest.raises(ValidationError) as exc:
        services.dossier_create(
            commune=world.commune_a1, tier="ntm", year=2027, user=world.province_staff
        )
    assert exc.value.code == "exists"
    assert Dossier.objects.filter(commune=world.commune_a1).count() == 1
