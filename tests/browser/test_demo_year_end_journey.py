"""The year-end of 2026 on the demo that `make run` serves (Lạng Sơn, its 65 units of
01/07/2025, the 2026-2030 set of ten criteria judged as a whole): the demo accounts do their
work of 7 December 2026 without an error or a dead end."""

import datetime

import pytest
from playwright.sync_api import Page, expect

from criteria.models import Assessment
from tests.browser.conftest import HANOI
from tests.browser.test_assessment_entry_journeys import log_out, save_bar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.datetime(2026, 12, 7, 10, tzinfo=HANOI)
DEMO_PASSWORD = "demo12345"


def log_in_demo(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_role("button", name="Đăng xuất")).to_be_visible()


def test_the_demo_accounts_do_the_year_end_of_2026(
    demo_database, live_server, page: Page, server_day, settings, tmp_path
):
    server_day(DAY)
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url

    # xã Bằng Mạc (06475, formed on 01/07/2025; the code was xã Gia Lộc's) starts its 2026
    # assessment from its home, judges the ten criteria as a whole and sends it.
    log_in_demo(page, base, "xa")
    expect(page.locator("main")).to_contain_text("Chưa bắt đầu đánh giá năm 2026.")
    page.get_by_role("link", name="Bắt đầu đánh giá năm 2026").click()
    expect(page.locator("h1")).to_contain_text("Bằng Mạc")
    for n in range(1, 11):
        page.get_by_label(f"Kết quả tiêu chí {n}", exact=True).select_option("1" if n <= 7 else "0")
        # Judged as a whole (the 47 indicators are not in the catalogue): a reason each.
        page.get_by_label(f"Ghi chú tiêu chí {n}", exact=True).fill("Theo báo cáo của xã")
    expect(page.locator("#met-total")).to_have_text("7")
    save_bar(page).get_by_role("button", name="Lưu đánh giá").click()
    expect(page.get_by_text("Đã lưu đánh giá.")).to_be_visible()
    save_bar(page).get_by_role("button", name="Gửi tỉnh duyệt").click()
    expect(page.get_by_text("Đã gửi đánh giá lên tỉnh duyệt.")).to_be_visible()
    expect(page.locator("#met-total")).to_have_text("7")
    page.goto(f"{base}/")
    expect(page.locator("main")).to_contain_text("Đánh giá năm 2026 đã gửi, chờ tỉnh phê duyệt.")
    log_out(page)

    # The province approves it from its queue; the page keeps the stored 7/10.
    log_in_demo(page, base, "province")
    waiting = page.locator("[data-work-queue] [data-queue=submitted]")
    expect(waiting).to_contain_text("Bằng Mạc")
    waiting.get_by_role("link", name="Xem và duyệt").click()
    save_bar(page).get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_text("Đã phê duyệt đánh giá.")).to_be_visible()
    expect(page.locator("#met-total")).to_have_text("7")
    assessment = Assessment.objects.get(commune__code="06475", year=2026, tier="ntm")
    assert (assessment.status, assessment.criteria_met) == ("approved", 7)

    # A dossier for 06475 in 2026 is the new unit's, with no district step.
    page.goto(f"{base}/dossiers/?year=2026")
    page.get_by_label("Xã").select_option("06475")
    page.get_by_role("button", name="Lập hồ sơ").click()
    expect(page.get_by_text("Đã lập hồ sơ.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Bằng Mạc")
    expect(page.locator("[data-step='appraisal']")).to_have_count(0)

    # A 2027 plan is offered the 61 xã of 2027.
    page.goto(f"{base}/plans/20/new/?year=2027")
    expect(page.locator("#id_target_communes option")).to_have_count(61)

    # The 2026 report compares nothing across the change of set and lists no tier without a
    # set; its units are those of 01/07/2025.
    page.goto(f"{base}/reports/province/20/2026/")
    body = page.locator("main")
    expect(body).to_contain_text("Năm 2025 đánh giá theo bộ tiêu chí khác")
    expect(body).not_to_contain_text("nâng cao")
    expect(page.locator('[data-figure="units"]')).to_have_text("65")
    expect(page.locator('[data-figure="units-in-programme"]')).to_have_text("61")
    log_out(page)

    # The official of huyện Chi Lăng is told the district ended and led to its history.
    log_in_demo(page, base, "district")
    expect(page.locator("main")).to_contain_text("đã kết thúc ngày 30/06/2025")
    expect(page.locator("[data-work-queue]")).to_have_count(0)  # no 2026 work can be its
    expect(page.locator("[data-ended-report]")).to_contain_text("Báo cáo năm 2024")
    page.locator("[data-ended-report]").get_by_role("link", name="Xem").click()
    expect(page.locator("h1")).to_contain_text("Chi Lăng")
