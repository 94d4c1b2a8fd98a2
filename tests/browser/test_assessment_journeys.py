"""What people do on the assessment pages, end to end in Debian's Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from criteria.models import Assessment, IndicatorValue
from tests.base import PASSWORD, make_assessment, make_reform_world, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()


def test_province_staff_change_values_so_that_a_criterion_flips(live_server, page: Page):
    world = make_world()
    assessment = make_assessment(world.commune_a1, 2027, world.cset, status="draft")
    log_in(page, live_server.url, "province-staff")
    page.goto(f"{live_server.url}/communes/?year=2027")
    page.get_by_role("link", name="Xã Một").click()
    page.get_by_role("link", name="Xem đánh giá").first.click()
    expect(page.locator("#met-total")).to_have_text("0")

    page.get_by_label("1.1 – kết quả").select_option("1")
    page.get_by_label("1.2 – giá trị (%)").fill("75,5")
    # The live mark: 75,5 passes the region's 70.
    expect(page.locator("#met-total")).to_have_text("1")
    page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.get_by_role("alert").filter(has_text="Đã lưu đánh giá.")).to_be_visible()
    expect(page.locator("#met-total")).to_have_text("1")

    page.get_by_label("1.2 – giá trị (%)").fill("65")
    criterion_1 = page.locator("[data-criterion]").first
    expect(criterion_1.locator("[data-criterion-mark]")).to_contain_text("Chưa đạt")
    page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.locator("#met-total")).to_have_text("0")
    assessment.refresh_from_db()
    assert assessment.criteria_met == 0
    expect(page.locator("#history")).to_contain_text("75,5 → 65")


def test_values_typed_before_the_form_script_runs_count_in_the_total(live_server, page: Page):
    """On a slow connection the fields can be typed in before assessment-form.js has run: the
    script counts what is already there when it starts (it used to wait for the next edit)."""
    world = make_world()
    assessment = make_assessment(world.commune_a1, 2027, world.cset, status="draft")
    log_in(page, live_server.url, "province-staff")
    held = []
    page.route(re.compile(r"/assessment-form(\.[0-9a-f]+)?\.js$"), lambda route: held.append(route))
    page.goto(f"{live_server.url}{assessment.get_absolute_url()}", wait_until="commit")
    page.get_by_label("1.1 – kết quả").select_option("1")
    page.get_by_label("1.2 – giá trị (%)").fill("75,5")
    expect(page.locator("#met-total")).to_have_text("0")  # the script is still on its way
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#met-total")).to_have_text("1")


def test_district_official_submits_and_the_province_approves(live_server, page: Page):
    world = make_world()
    assessment = make_assessment(world.commune_a1, 2027, world.cset, met=2, status="draft")
    log_in(page, live_server.url, "official-a")
    page.goto(f"{live_server.url}{assessment.get_absolute_url()}")
    expect(page.get_by_role("button", name="Lưu đánh giá")).to_have_count(0)
    page.get_by_role("button", name="Gửi tỉnh duyệt").click()
    expect(page.get_by_text("Đã gửi đánh giá lên tỉnh duyệt.")).to_be_visible()
    log_out(page)

    log_in(page, live_server.url, "province-staff")
    page.goto(f"{live_server.url}{assessment.get_absolute_url()}")
    page.get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_text("Đã phê duyệt đánh giá.")).to_be_visible()
    expect(page.get_by_text("Đánh giá đã được phê duyệt nên bị khóa.", exact=False)).to_be_visible()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    assert assessment.submitted_by == world.official_a
    assert assessment.approved_by == world.province_staff


def test_a_second_tabs_stale_save_is_refused(live_server, page: Page):
    world = make_world()
    assessment = make_assessment(world.commune_a1, 2027, world.cset, status="draft")
    log_in(page, live_server.url, "province-staff")
    url = f"{live_server.url}{assessment.get_absolute_url()}"
    page.goto(url)
    other = page.context.new_page()
    other.goto(url)

    page.get_by_label("1.2 – giá trị (%)").fill("90")
    page.get_by_role("button", name="Lưu đánh giá").click()
    expect(page.get_by_text("Đã lưu đánh giá.")).to_be_visible()

    other.get_by_label("1.2 – giá trị (%)").fill("50")
    other.get_by_role("button", name="Lưu đánh giá").click()
    stale = other.locator("#stale")
    expect(stale).to_contain_text("đã được người khác thay đổi")
    expect(stale.get_by_role("row", name=re.compile("Chỉ tiêu 1.2: giá trị"))).to_contain_text("90")
    expect(other.get_by_label("1.2 – giá trị (%)")).to_have_value("50")
    saved = IndicatorValue.objects.get(assessment=assessment, indicator__code="1.2")
    assert saved.value == 90


def _whole_criteria_world():
    """The reform world with a 2026 set judged criterion by criterion as 51/2025/QĐ-TTg is in
    the demo: criterion 1 keeps its indicators, criteria 2-10 have none (judged as a whole)."""
    from criteria.models import Indicator

    world = make_reform_world()
    whole = world.cset.criteria.exclude(number=1)
    Indicator.objects.filter(criterion__in=whole).delete()
    whole.update(whole_reason="Chưa có chỉ tiêu chi tiết (thử)")
    return world


def test_an_approved_assessment_shows_its_stored_count_and_marks(live_server, page: Page):
    """Approved with 8/10 (criterion 1 by its flag, 2-8 as a whole): the locked page keeps
    the server's 8/10 and each criterion's mark; the script recounts nothing there."""
    world = _whole_criteria_world()
    make_assessment(world.dong_tay, 2026, world.cset, met=8)
    log_in(page, live_server.url, "reform-province-staff")
    page.goto(f"{live_server.url}/communes/96101/2026/")
    expect(page.locator("#met-total")).to_have_text("8")
    expect(page.get_by_role("button", name="Mở lại để sửa")).to_be_visible()
    marks = page.locator("[data-criterion-mark]")
    expect(marks).to_have_count(10)
    expect(marks.filter(has_text="Đạt")).to_have_count(10)  # "✔ Đạt" and "✘ Chưa đạt"
    for n in range(8):
        expect(marks.nth(n)).to_have_text("✔ Đạt")
    for n in (8, 9):
        expect(marks.nth(n)).to_have_text("✘ Chưa đạt")
    expect(marks.filter(has_text="Chưa nhập")).to_have_count(0)
    expect(page.locator(".save-bar .js-met-total")).to_have_text("8")

    # The commune sees the same once it has sent its assessment (not editable by it).
    Assessment.objects.filter(commune=world.dong_tay, year=2026).update(status="submitted")
    log_out(page)
    log_in(page, live_server.url, "reform-commune")
    page.goto(f"{live_server.url}/communes/96101/2026/")
    expect(page.locator("#met-total")).to_have_text("8")
    expect(page.locator("[data-criterion-mark]").nth(7)).to_have_text("✔ Đạt")


def test_a_whole_criterion_marked_met_raises_the_count_while_editing(live_server, page: Page):
    world = _whole_criteria_world()
    make_assessment(world.dong_tay, 2026, world.cset, status="draft")
    log_in(page, live_server.url, "reform-commune")
    page.goto(f"{live_server.url}/communes/96101/2026/")
    expect(page.locator("#met-total")).to_have_text("0")
    page.get_by_label("Kết quả tiêu chí 5").select_option("1")
    expect(page.locator("#met-total")).to_have_text("1")
    expect(page.locator("[data-criterion-mark]").nth(4)).to_have_text("✔ Đạt")
    page.get_by_label("Kết quả tiêu chí 2").select_option("1")
    page.get_by_label("1.1 – kết quả").select_option("1")
    page.get_by_label("1.2 – giá trị (%)").fill("85")  # N2's level is 80
    expect(page.locator("#met-total")).to_have_text("3")
    page.get_by_label("Kết quả tiêu chí 2").select_option("0")
    expect(page.locator("#met-total")).to_have_text("2")
    expect(page.locator("[data-criterion-mark]").nth(1)).to_have_text("✘ Chưa đạt")
