"""The workflow's mail (accounts/notifications.py): an assessment submitted (to the province's
reviewers), returned or approved (to its author and the commune's officials), a certification
recorded (to the commune's officials). Sent by the worker after the commit, once per event,
never to anyone out of scope, to an inactive user, one without an address or one who turned
mail off. Both worlds."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Membership, NotificationPreference, SentNotification
from accounts.tasks import send_notification
from criteria.models import Assessment
from dossiers.services import certification_record
from tests.base import make_assessment, make_user, run_worker

pytestmark = pytest.mark.django_db

YEAR = 2027
BASE = "https://ntm.example.vn"
DAY = datetime.datetime(YEAR, 12, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _site(settings, time_machine):
    settings.NTM_BASE_URL = BASE
    time_machine.move_to(DAY, tick=False)


def with_address(*users):
    for user in users:
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    return users


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def address(user) -> str:
    return f"{user.username}@example.vn"


@pytest.fixture
def people(world):
    """Everyone of the world with an address, and a second official of commune A1 and one of
    commune A2 (another commune of the same district)."""
    second = make_user(
        "commune-a1-second", role=Membership.Role.COMMUNE_OFFICIAL, commune=world.commune_a1
    )
    a2 = make_user("commune-a2", role=Membership.Role.COMMUNE_OFFICIAL, commune=world.commune_a2)
    with_address(
        world.admin,
        world.province_staff,
        world.other_province_staff,
        world.official_a,
        world.official_b,
        world.commune_official,
        second,
        a2,
    )
    world.second_official, world.a2_official = second, a2
    return world


def draft(commune, cset, *, author) -> Assessment:
    assessment = make_assessment(commune, YEAR, cset, met=1, status=Assessment.Status.DRAFT)
    Assessment.objects.filter(pk=assessment.pk).update(created_by=author)
    assessment.refresh_from_db()
    return assessment


def post(client, user, name, commune, data=None):
    client.force_login(user)
    return client.post(reverse(f"pages:assessment_{name}", args=[commune.code, YEAR]), data or {})


# --- Submitted ------------------------------------------------------------------------------


def test_submission_is_mailed_by_the_worker_to_the_province_reviewers_only(
    client, people, queued, django_capture_on_commit_callbacks
):
    draft(people.commune_a1, people.cset, author=people.commune_official)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, people.commune_official, "submit", people.commune_a1)
    assert response.status_code == 302
    assert mail.outbox == []  # queued, not sent in the request
    run_worker()
    assert recipients() == [address(people.province_staff)]
    message = mail.outbox[0]
    assert message.subject == "[NTM] Đánh giá Xã Một 2027 chờ tỉnh phê duyệt"
    assert "commune-a1 đã gửi đánh giá Xã Một 2027 lên tỉnh phê duyệt." in message.body
    assert f"Xem tại: {BASE}/communes/98101/{YEAR}/" in message.body
    assert f"{BASE}/accounts/notifications/" in message.body
    run_worker()
    assert len(mail.outbox) == 1  # nothing left in the queue


def test_a_task_run_twice_sends_each_mail_once(people, django_capture_on_commit_callbacks):
    """The immediate backend: the task runs at the commit; running it again sends nothing."""
    assessment = draft(people.commune_a1, people.cset, author=people.commune_official)
    from criteria.services import assessment_submit

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assessment_submit(assessment=assessment, user=people.official_a)
    assert recipients() == [address(people.province_staff)]
    (queue_mail,) = [c for c in callbacks if c.__qualname__.startswith("notify.")]
    queue_mail()  # the same task again (a retry)
    assert len(mail.outbox) == 1
    assert SentNotification.objects.filter(user=people.province_staff).count() == 1


def test_inactive_users_and_users_without_an_address_receive_nothing(
    people, django_capture_on_commit_callbacks
):
    from criteria.services import assessment_submit

    inactive = make_user(
        "province-inactive", role=Membership.Role.PROVINCE_STAFF, province=people.province
    )
    with_address(inactive)
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    make_user("province-no-mail", role=Membership.Role.PROVINCE_STAFF, province=people.province)
    assessment = draft(people.commune_a1, people.cset, author=people.commune_official)
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, user=people.commune_official)
    assert recipients() == [address(people.province_staff)]


def test_nothing_is_sent_for_a_change_rolled_back(people, django_capture_on_commit_callbacks):
    from django.db import transaction

    from criteria.services import assessment_submit

    assessment = draft(people.commune_a1, people.cset, author=people.commune_official)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                assessment_submit(assessment=assessment, user=people.commune_official)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert mail.outbox == []


# --- Returned and approved --------------------------------------------------------------------


def test_return_is_mailed_to_the_author_and_the_communes_officials(
    client, people, queued, django_capture_on_commit_callbacks
):
    """The district official sent it; the commune's two officials and the district official
    are told, with the reason; not the province staff who returned it, nor anyone else."""
    draft(people.commune_a1, people.cset, author=people.commune_official)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, people.official_a, "submit", people.commune_a1)
        response = post(
            client, people.province_staff, "return", people.commune_a1, {"reason": "Thiếu 1.1"}
        )
    assert response.status_code == 302
    run_worker()
    returned = [m for m in mail.outbox if "trả lại" in m.subject]
    assert sorted(a for m in returned for a in m.to) == sorted(
        [
            address(people.official_a),
            address(people.commune_official),
            address(people.second_official),
        ]
    )
    assert returned[0].subject == "[NTM] Đánh giá Xã Một 2027 đã bị trả lại"
    assert "province-staff đã trả lại đánh giá Xã Một 2027" in returned[0].body
    assert "Lý do: Thiếu 1.1" in returned[0].body
    everyone = recipients()
    for outsider in (people.other_province_staff, people.official_b, people.a2_official):
        assert address(outsider) not in everyone
    assert address(people.admin) not in everyone


def test_approval_is_mailed_once_to_an_author_who_is_also_the_communes_official(
    client, people, queued, django_capture_on_commit_callbacks
):
    draft(people.commune_a1, people.cset, author=people.commune_official)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, people.commune_official, "submit", people.commune_a1)
        response = post(client, people.province_staff, "approve", people.commune_a1)
    assert response.status_code == 302
    assert mail.outbox == []
    run_worker()
    approved = [m for m in mail.outbox if "phê duyệt" in m.subject and "chờ" not in m.subject]
    assert sorted(a for m in approved for a in m.to) == sorted(
        [address(people.commune_official), address(people.second_official)]
    )
    assert approved[0].subject == "[NTM] Đánh giá Xã Một 2027 đã được phê duyệt"
    assert f"{BASE}/communes/98101/{YEAR}/" in approved[0].body
    assert address(people.a2_official) not in recipients()


def test_a_user_who_turned_mail_off_receives_nothing(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people.second_official)
    response = client.post(reverse("accounts:notification_settings"), {})  # box unticked
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=people.second_official).email is False
    assessment = draft(people.commune_a1, people.cset, author=people.commune_official)
    from criteria.services import assessment_approve, assessment_submit

    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=assessment, user=people.commune_official)
        assessment_approve(assessment=assessment, user=people.province_staff)
    assert address(people.second_official) not in recipients()
    assert address(people.commune_official) in recipients()


# --- Certified --------------------------------------------------------------------------------


def test_certification_is_mailed_to_the_communes_officials(
    people, queued, django_capture_on_commit_callbacks
):
    make_assessment(people.commune_a1, YEAR, people.cset, met=3)
    with django_capture_on_commit_callbacks(execute=True):
        certification_record(
            commune=people.commune_a1,
            tier="ntm",
            decision_number="123/QĐ-UBND",
            decision_date=datetime.date(YEAR, 11, 15),
            authority="Chủ tịch UBND tỉnh",
            user=people.province_staff,
            dossier_reason="Hồ sơ giấy lưu tại Sở",
        )
    assert mail.outbox == []
    run_worker()
    assert recipients() == sorted(
        [address(people.commune_official), address(people.second_official)]
    )
    message = mail.outbox[0]
    assert message.subject == "[NTM] Xã Một được công nhận: Đạt chuẩn NTM"
    assert (
        "Xã Một đã được công nhận (Đạt chuẩn NTM) năm 2027 theo quyết định số 123/QĐ-UBND "
        "ngày 15/11/2027 của Chủ tịch UBND tỉnh." in message.body
    )
    assert f"Xem tại: {BASE}/communes/98101/" in message.body


# --- After the reform -------------------------------------------------------------------------


@pytest.fixture
def reform(reform_world):
    w = reform_world
    w.bac_son_official = make_user(
        "reform-bac-son", role=Membership.Role.COMMUNE_OFFICIAL, commune=w.bac_son
    )
    w.old_dong_official = make_user(
        "reform-old-dong", role=Membership.Role.COMMUNE_OFFICIAL, commune=w.old_dong
    )
    with_address(
        w.admin,
        w.province_staff,
        w.commune_official,
        w.former_district_official,
        w.bac_son_official,
        w.old_dong_official,
    )
    return w


def test_after_the_reform_the_workflow_mails_stay_in_the_unit(
    client, reform, queued, django_capture_on_commit_callbacks
):
    """Xã Đông Tây (96101, a reused code): the province's staff hear of the submission; the
    unit's own official of the approval; not the former district official, nor the official of
    the ended xã Đông that had the code, nor another unit's."""
    draft(reform.dong_tay, reform.cset, author=reform.commune_official)
    with django_capture_on_commit_callbacks(execute=True):
        post(client, reform.commune_official, "submit", reform.dong_tay)
    run_worker()
    assert recipients() == [address(reform.province_staff)]
    assert "Xã Đông Tây 2027" in mail.outbox[0].subject
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, reform.province_staff, "approve", reform.dong_tay)
    assert response.status_code == 302
    run_worker()
    assert recipients() == [address(reform.commune_official)]


def test_after_the_reform_a_certification_is_mailed_to_the_units_official(
    reform, queued, django_capture_on_commit_callbacks
):
    make_assessment(reform.dong_tay, YEAR, reform.cset, met=10)
    with django_capture_on_commit_callbacks(execute=True):
        certification_record(
            commune=reform.dong_tay,
            tier="ntm",
            decision_number="9/QĐ-UBND",
            decision_date=datetime.date(YEAR, 11, 20),
            authority="Chủ tịch UBND tỉnh",
            user=reform.province_staff,
            dossier_reason="Hồ sơ giấy lưu tại Sở",
        )
    run_worker()
    assert recipients() == [address(reform.commune_official)]
    assert "Xã Đông Tây được công nhận" in mail.outbox[0].subject


# --- The preference page ----------------------------------------------------------------------


def test_the_preference_page_shows_the_address_and_the_choice(client, people):
    client.force_login(people.commune_official)
    page = client.get(reverse("accounts:notification_settings")).content.decode()
    assert "commune-a1@example.vn" in page
    assert 'name="email"' in page and "checked" in page


def test_the_page_says_when_the_account_has_no_address(client, world):
    client.force_login(world.official_b)
    page = client.get(reverse("accounts:notification_settings")).content.decode()
    assert "chưa có địa chỉ email" in page


def test_turning_mail_back_on_is_kept_and_touches_nobody_else(client, people):
    NotificationPreference.objects.create(user=people.commune_official, email=False)
    client.force_login(people.commune_official)
    response = client.post(reverse("accounts:notification_settings"), {"email": "on"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=people.commune_official).email is True
    assert NotificationPreference.objects.count() == 1


def test_the_task_refuses_an_unknown_event(world):
    with pytest.raises(ValueError, match="unknown event"):
        send_notification.call(
            event="nothing",
            key="nothing:1",
            commune_id=world.commune_a1.pk,
            path="/",
            actor_id=None,
            author_ids=[],
            details={},
        )
    assert mail.outbox == []


def test_decisions_transcribed_by_the_workbook_import_mail_no_one(
    people, queued, django_capture_on_commit_callbacks
):
    """The import records decisions already taken (often years old) through the same entry
    point, without a mail per row; the page's and the dossier's decisions mail as above."""
    make_assessment(people.commune_a1, YEAR, people.cset, met=3)
    with django_capture_on_commit_callbacks(execute=True):
        certification = certification_record(
            commune=people.commune_a1,
            tier="ntm",
            decision_number="124/QĐ-UBND",
            decision_date=datetime.date(YEAR, 11, 15),
            authority="Chủ tịch UBND tỉnh",
            user=people.province_staff,
            dossier_reason="Hồ sơ giấy lưu tại Sở",
            notify_officials=False,
        )
    run_worker()
    assert certification.pk and mail.outbox == []
