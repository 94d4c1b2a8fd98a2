"""One decision at a time (issue 24, N10): a commune holds at most one unrevoked recognition of
a tier under a criteria set. A second one is refused with a message naming the first, whether
it comes after the first, or races it (the database's constraint, then the same message). A
recognition again after a revocation, or under the next period's set, is not a double."""

import datetime
import importlib
import threading
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from criteria import certifications
from criteria.models import Certification
from tests.base import make_assessment, make_certification, make_criteria_set
from tests.criteria.conftest import login

pytestmark = pytest.mark.django_db

DAY = datetime.datetime(2027, 11, 2, 9, tzinfo=datetime.UTC)
DECIDED = datetime.date(2027, 10, 15)


def certify(commune, number, *, date=DECIDED, year=None, user=None):
    return certifications.certification_create(
        commune=commune,
        tier="ntm",
        decision_number=number,
        decision_date=date,
        authority="Chủ tịch UBND tỉnh",
        recognised_year=year,
        user=user,
    )


@pytest.fixture
def day(time_machine):
    time_machine.move_to(DAY)


def test_a_second_decision_of_the_tier_under_the_set_is_refused(world, day):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    first = certify(world.commune_a1, "101/QĐ-UBND")
    with pytest.raises(ValidationError) as exc:
        certify(world.commune_a1, "102/QĐ-UBND", date=datetime.date(2027, 11, 1))
    assert exc.value.code == "already_certified"
    assert "quyết định 101/QĐ-UBND ngày 15/10/2027" in exc.value.messages[0]
    assert list(Certification.objects.filter(commune=world.commune_a1)) == [first]


def test_the_commune_page_refuses_it_with_the_message(client, world, day):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    certify(world.commune_a1, "101/QĐ-UBND")
    login(client, world.province_staff)
    response = client.post(
        reverse("pages:certification_create", args=["98101"]),
        {
            "tier": "ntm",
            "decision_number": "102/QĐ-UBND",
            "decision_date": "2027-11-01",
            "authority": "Chủ tịch UBND tỉnh",
            "dossier_reason": "Hồ sơ giấy",
        },
    )
    assert response.status_code == 400
    assert "chưa bị thu hồi: không ghi thêm quyết định thứ hai" in response.content.decode()
    assert Certification.objects.filter(commune=world.commune_a1).count() == 1


def test_after_a_revocation_the_commune_may_be_recognised_again(world, day):
    make_assessment(world.commune_a1, 2026, world.cset, met=3)
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    first = certify(world.commune_a1, "101/QĐ-UBND", date=datetime.date(2026, 10, 1))
    certifications.certification_revoke(
        certification=first, revoked_on=datetime.date(2027, 3, 1), reason="Rớt chuẩn"
    )
    again = certify(world.commune_a1, "102/QĐ-UBND")
    assert again.recognised_year == 2027 and again.revoked_on is None


def test_a_recognition_under_the_next_period_set_stands_beside_the_earlier_one(world, day):
    """Xét công nhận lại: recognised under 2021-2025, then under 2026-2030; the earlier
    decision is history, not revoked."""
    earlier_set = make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    make_assessment(world.commune_a1, 2024, earlier_set, met=3)
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    earlier = certify(world.commune_a1, "50/QĐ-UBND", date=datetime.date(2024, 12, 20))
    later = certify(world.commune_a1, "101/QĐ-UBND")
    assert (earlier.criteria_set, later.criteria_set) == (earlier_set, world.cset)
    assert Certification.objects.filter(commune=world.commune_a1, revoked_on=None).count() == 2


def test_after_the_reform_a_second_decision_is_refused(reform_world, day):
    world = reform_world
    make_assessment(world.dong_tay, 2027, world.cset, met=10)
    certify(world.dong_tay, "7/QĐ-UBND")
    with pytest.raises(ValidationError) as exc:
        certify(world.dong_tay, "8/QĐ-UBND")
    assert exc.value.code == "already_certified"
    # The old xã Đông, code 96101 too, is another unit: its decisions are its own.
    assert Certification.objects.filter(commune__code="96101").count() == 1


def test_the_database_refuses_a_double_written_around_the_service(world):
    make_certification(world.commune_a1, world.cset, datetime.date(2027, 10, 15))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_certification(
            world.commune_a1, world.cset, datetime.date(2027, 11, 1), decision_number="2/QĐ"
        )


def test_a_double_written_between_the_check_and_the_write_gets_the_same_message(
    world, day, monkeypatch
):
    """The race, made deterministic: another decision lands after every check has passed and
    before this one is written (SQLite, where the commune's lock locks nothing)."""
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    checked = Certification.full_clean

    def rival_lands_after_the_checks(self, *args, **kwargs):
        checked(self, *args, **kwargs)
        make_certification(world.commune_a1, world.cset, DECIDED, decision_number="99/QĐ")

    monkeypatch.setattr(Certification, "full_clean", rival_lands_after_the_checks)
    with pytest.raises(ValidationError) as exc:
        certify(world.commune_a1, "101/QĐ-UBND")
    assert exc.value.code == "already_certified"
    assert "quyết định 99/QĐ" in exc.value.messages[0]
    # The rival was written inside this test's call (its transaction): rolled back with it.
    assert not Certification.objects.filter(commune=world.commune_a1).exists()


def test_a_revocation_from_a_stale_page_is_refused_and_keeps_the_first(world, day):
    """Two revocations of the same decision, each from a copy loaded before either: the
    second is refused and the first one's date and reason stay."""
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    cert = certify(world.commune_a1, "101/QĐ-UBND")
    first, second = (Certification.objects.get(pk=cert.pk) for _ in range(2))
    certifications.certification_revoke(
        certification=first, revoked_on=datetime.date(2027, 11, 1), reason="Lý do thứ nhất"
    )
    with pytest.raises(ValidationError) as exc:
        certifications.certification_revoke(
            certification=second, revoked_on=datetime.date(2027, 11, 2), reason="Lý do thứ hai"
        )
    assert exc.value.code == "already_revoked"
    cert.refresh_from_db()
    assert (cert.revoked_on, cert.revocation_reason) == (
        datetime.date(2027, 11, 1),
        "Lý do thứ nhất",
    )


def race(*calls):
    """Run `calls` at once, each in its own thread and connection; their outcomes in order
    (the value, or the exception)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            outcomes[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_decisions_at_once_give_one_success_and_one_refusal(world, day):
    """PostgreSQL: the second waits for the commune's lock, then sees the first. SQLite has one
    writer: the second is refused by the constraint, or told the database is busy (503)."""
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    outcomes = race(
        lambda: certify(world.commune_a1, "101/QĐ-UBND"),
        lambda: certify(world.commune_a1, "102/QĐ-UBND"),
    )
    successes = [o for o in outcomes if isinstance(o, Certification)]
    refusals = [o for o in outcomes if not isinstance(o, Certification)]
    recorded = Certification.objects.filter(commune=world.commune_a1).count()
    if connection.vendor == "postgresql":
        assert len(successes) == 1 and len(refusals) == 1 and recorded == 1
        assert isinstance(refusals[0], ValidationError)
        assert refusals[0].code == "already_certified"
    else:
        # One writer: the other is refused, or both are told the database is busy; never two.
        assert len(successes) == recorded <= 1


@pytest.mark.django_db(transaction=True)
def test_two_revocations_at_once_give_one_success_and_one_refusal(world, day):
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    cert = certify(world.commune_a1, "101/QĐ-UBND")

    def revoke(reason):
        stale = Certification.objects.get(pk=cert.pk)
        return lambda: certifications.certification_revoke(
            certification=stale, revoked_on=datetime.date(2027, 11, 1), reason=reason
        )

    outcomes = race(revoke("Một"), revoke("Hai"))
    refusals = [o for o in outcomes if isinstance(o, Exception)]
    cert.refresh_from_db()
    if connection.vendor != "postgresql" and len(refusals) == 2:
        # SQLite's one writer told both the database was busy: nothing was written.
        assert cert.revoked_on is None
        return
    assert len(refusals) == 1
    if connection.vendor == "postgresql":
        assert refusals[0].code == "already_revoked"
    won = "Hai" if refusals[0] is outcomes[0] else "Một"
    assert cert.revocation_reason == won
    assert cert.history.filter(revoked_on__isnull=False).count() == 1


def refuse_doubles():
    from django.apps import apps

    migration = importlib.import_module(
        "criteria.migrations.0014_certification_one_in_force_per_set"
    )
    migration.refuse_doubles(apps, SimpleNamespace(connection=connection))


def test_the_migration_passes_the_demo_which_has_no_doubles(world):
    refuse_doubles()  # the seeded demo: 46 decisions, one per commune and tier


def test_the_migration_stops_on_doubles_and_lists_them_changing_nothing(world):
    """Doubles recorded before the constraint (05986 got four in the attack of issue 24): the
    migration names them for an administrator and changes no decision."""
    with connection.cursor() as cursor:  # as before 0014 (rolled back with the test)
        cursor.execute('DROP INDEX "certification_one_in_force_per_set"')
    for number in ("1/QĐ", "2/QĐ"):
        make_certification(world.commune_a1, world.cset, DECIDED, decision_number=number)
    with pytest.raises(RuntimeError) as exc:
        refuse_doubles()
    assert "98101 Xã Một, ntm, test-set, 1/QĐ (15/10/2027)" in str(exc.value)
    assert "98101 Xã Một, ntm, test-set, 2/QĐ (15/10/2027)" in str(exc.value)
    assert Certification.objects.filter(commune=world.commune_a1, revoked_on=None).count() == 2
