"""Entering assessments end to end in Debian's Chromium: from the commune row to the province's
approval and the certification, a returned assessment fixed and sent again, a new year started
from last year's approved values."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from criteria.evaluation import IndicatorEntry
from criteria.models import Assessment, Certification, IndicatorValue
from criteria.services import AssessmentInput, assessment_create, assessment_save
from tests.base import PASSWORD, make_assessment, make_world
from tests.browser.conftest import HANOI

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.datetime(2026, 12, 7, 10, tzinfo=HANOI)  # the home page's working year is its year
YEAR = DAY.year
# Whether the page would warn before leaving (the dialog itself is the browser's).
LEAVE = (
    "() => { const e = new Event('beforeunload', {cancelable: true});"
    " window.dispatchEvent(e); return e.defaultPrevented; }"
)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def save_bar(page: Page):
    return page.locator(".save-bar")


@pytest.fixture(autouse=True)
def _working_day(server_day):
    server_day(DAY)


@pytest.fixture
def world(transactional_db):
    world = make_world()
    assert world.cset.first_year <= YEAR <= world.cset.last_year, "the test set must cover YEAR"
    return world


def test_commune_submits_province_approves_and_records_the_certification(
    live_server, page: Page, world
):
    log_in(page, live_server.url, "commune-a1")
    page.goto(f"{live_server.url}/communes/?year={YEAR}")
    row = page.get_by_role("row", name="Xã Một")
    row.get_by_role("link", name="Nhập đánh giá").click()
    expect(page.locator("[data-criterion-mark]").first).to_contain_text("Chưa nhập")
    page.get_by_label("1.1 – kết quả").select_option("1")
    page.get_by_label("1.2 – giá trị (%)").fill("90")
    page.get_by_label("2.1 – kết quả").select_option("1")
    page.get_by_label("3.1 – kết quả").select_option("1")
    expect(page.locator("#met-total")).to_have_text("3")
    save_bar(page).get_by_role("button", name="Lưu đánh giá").click()
    expect(page.get_by_text("Đã lưu đánh giá.")).to_be_visible()
    save_bar(page).get_by_role("button", name="Gửi tỉnh duyệt").click()
    expect(page.get_by_text("Đã gửi đánh giá lên tỉnh duyệt.")).to_be_visible()
    log_out(page)

    log_in(page, live_server.url, "province-staff")
    # The navbar's count (fetched after load) is the home page's: one waiting for approval.
    badge = page.get_by_role("navigation").locator("[data-queue-badge]")
    expect(badge).to_be_visible()
    expect(badge).to_have_text("11 việc đang chờ bạn")  # "1" shown, the rest read out only
    expect(page.get_by_role("link", name="Tổng quan 1 việc đang chờ bạn")).to_be_visible()
    expect(page.locator("[data-queue-total]")).to_have_text("1")
    queue = page.locator("[data-work-queue]")
    waiting = queue.locator("[data-queue=submitted]")
    expect(waiting).to_contain_text("Chờ phê duyệt")
    expect(waiting).to_contain_text("Xã Một")
    waiting.get_by_role("link", name="Xem và duyệt").click()
    save_bar(page).get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_text("Đã phê duyệt đánh giá.")).to_be_visible()

    page.goto(f"{live_server.url}/")
    ready = page.locator("[data-work-queue] [data-queue=ready]")
    expect(ready).to_contain_text("Xã Một")
    ready.get_by_role("link", name="Ghi quyết định công nhận").click()
    page.fill("#id_decision_number", "12/QĐ-UBND")
    page.fill("#id_decision_date", DAY.date().isoformat())
    page.fill("#id_authority", "UBND tỉnh Thử")
    page.locator("#certify").get_by_role("button", name="Ghi nhận").click()
    # No dossier for the commune: the decision needs an explicit reason.
    expect(page.locator("#certify")).to_contain_text("Chưa lập hồ sơ xét công nhận")
    page.get_by_label("Lý do công nhận khi hồ sơ chưa đủ").fill("Hồ sơ giấy lưu tại Sở")
    page.locator("#certify").get_by_role("button", name="Ghi nhận").click()
    expect(page.get_by_text("Đã ghi nhận quyết định công nhận.")).to_be_visible()
    expect(page.locator("#certifications [data-dossier-reason]")).to_contain_text(
        "Hồ sơ giấy lưu tại Sở"
    )
    assessment = Assessment.objects.get(commune=world.commune_a1, year=YEAR)
    assert assessment.status == Assessment.Status.APPROVED
    assert assessment.submitted_by == world.commune_official
    cert = Certification.objects.get(commune=world.commune_a1)
    assert cert.recognised_year == YEAR and cert.decision_number == "12/QĐ-UBND"
    assert cert.dossier_reason == "Hồ sơ giấy lưu tại Sở"


def test_a_returned_assessment_is_fixed_and_sent_again_by_its_submitter(
    live_server, page: Page, world
):
    assessment = make_assessment(world.commune_a1, YEAR, world.cset, met=2, status="draft")
    log_in(page, live_server.url, "commune-a1")
    page.goto(f"{live_server.url}{assessment.get_absolute_url()}")
    save_bar(page).get_by_role("button", name="Gửi tỉnh duyệt").click()
    expect(page.get_by_text("Đã gửi đánh giá lên tỉnh duyệt.")).to_be_visible()
    log_out(page)

    log_in(page, live_server.url, "province-staff")
    page.goto(f"{live_server.url}{assessment.get_absolute_url()}")
    page.get_by_label("Lý do trả lại (người gửi sẽ thấy)").fill("Chỉ tiêu 1.2 chưa nhập")
    save_bar(page).get_by_role("button", name="Trả lại để sửa").click()
    expect(page.get_by_text("Đã trả lại đánh giá để sửa.")).to_be_visible()
    log_out(page)

    log_in(page, live_server.url, "commune-a1")
    returned = page.locator("[data-work-queue] [data-queue=returned]")
    expect(returned).to_contain_text("Chỉ tiêu 1.2 chưa nhập")
    returned.get_by_role("link", name="Xã Một").click()
    expect(page.locator("#return-reason")).to_contain_text("Chỉ tiêu 1.2 chưa nhập")
    page.get_by_label("1.2 – giá trị (%)").fill("88")
    save_bar(page).get_by_role("button", name="Lưu đánh giá").click()
    expect(page.get_by_text("Đã lưu đánh giá.")).to_be_visible()
    save_bar(page).get_by_role("button", name="Gửi tỉnh duyệt").click()
    expect(page.get_by_text("Đã gửi đánh giá lên tỉnh duyệt.")).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED
    assert IndicatorValue.objects.get(assessment=assessment, indicator__code="1.2").value == 88


def test_a_district_official_sees_the_return_and_sends_it_again(live_server, page: Page, world):
    assessment = make_assessment(world.commune_a1, YEAR, world.cset, met=1, status="draft")
    Assessment.objects.filter(pk=assessment.pk).update(return_reason="Xã đã bổ sung hồ sơ?")
    log_in(page, live_server.url, "official-a")
    page.goto(f"{live_server.url}{assessment.get_absolute_url()}")
    expect(page.locator("#return-todo")).to_contain_text("Gửi tỉnh duyệt")
    expect(page.locator("#assessment-form select")).to_have_count(0)
    save_bar(page).get_by_role("button", name="Gửi tỉnh duyệt").click()
    expect(page.get_by_text("Đã gửi đánh giá lên tỉnh duyệt.")).to_be_visible()


def _approved_last_year(world) -> Assessment:
    inds = {i.code: i for i in world.cset.criteria.first().indicators.all()}
    last = assessment_create(commune=world.commune_a1, year=YEAR)
    entries = {
        inds["1.1"].pk: IndicatorEntry(met=True),
        inds["1.2"].pk: IndicatorEntry(value=Decimal("85")),
    }
    assessment_save(assessment=last, data=AssessmentInput(entries=entries))
    Assessment.objects.filter(pk=last.pk).update(status=Assessment.Status.APPROVED)
    return last


def test_start_from_last_year_prefills_and_saves(live_server, page: Page, world):
    _approved_last_year(world)
    log_in(page, live_server.url, "province-staff")
    page.goto(f"{live_server.url}/communes/98101/{YEAR + 1}/")
    page.get_by_role("link", name="Bắt đầu từ năm trước").click()
    carried = page.locator("[data-carried]")
    expect(carried).to_have_count(2)
    expect(page.get_by_label("1.2 – giá trị (%)")).to_have_value("85")
    expect(page.locator("#met-total")).to_have_text("1")
    # Nothing typed yet: leaving does not warn.
    leave = LEAVE
    assert page.evaluate(leave) is False

    page.get_by_label("1.2 – giá trị (%)").fill("90")
    expect(carried).to_have_count(1)
    assert page.evaluate(leave) is True
    page.locator("[data-carried]").get_by_role("button", name="Xác nhận").click()
    expect(page.locator("[data-carried]")).to_have_count(0)
    # Enter in a field does not save the form.
    page.get_by_label("1.2 – giá trị (%)").press("Enter")
    expect(page.locator("#save")).to_be_visible()
    assert not Assessment.objects.filter(commune=world.commune_a1, year=YEAR + 1).exists()

    save_bar(page).get_by_role("button", name="Lưu đánh giá").click()
    expect(page.get_by_text("Đã lưu đánh giá.")).to_be_visible()
    created = Assessment.objects.get(commune=world.commune_a1, year=YEAR + 1)
    values = {v.indicator.code: v for v in created.values.select_related("indicator")}
    assert values["1.2"].value == 90 and values["1.1"].met is True
    assert created.criteria_met == 1
    entries = page.locator("#history [data-history-entry]")
    expect(entries).to_have_count(1)
    expect(entries.first).to_contain_text("Tạo đánh giá")


def test_a_refused_save_moves_focus_to_the_error_summary(live_server, page: Page, world):
    make_assessment(world.commune_a1, YEAR, world.cset, status="draft")
    log_in(page, live_server.url, "province-staff")
    page.goto(f"{live_server.url}/communes/98101/{YEAR}/")
    page.get_by_label("1.2 – giá trị (%)").fill("nhiều")
    save_bar(page).get_by_role("button", name="Lưu đánh giá").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="1.2 – giá trị (%)", exact=False).click()
    expect(page.get_by_label("1.2 – giá trị (%)")).to_be_focused()


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_the_save_bar_keeps_one_line_on_a_phone_with_every_action(
    live_server, page: Page, world, status
):
    make_assessment(world.commune_a1, YEAR, world.cset, met=1, status=status)
    log_in(page, live_server.url, "province-staff")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/communes/98101/{YEAR}/")
    bar = save_bar(page)
    expect(bar.get_by_role("button")).to_have_count(2 if status == "draft" else 3)
    assert bar.bounding_box()["height"] <= 64
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.evaluate("(b) => b.scrollWidth - b.clientWidth", bar.element_handle()) <= 0
