"""A certification dossier assembled in the browser: evidence on a criterion and an indicator,
steps, missing items, a decision refused without a reason while incomplete, the decision (a
2024 dossier under 18/2022/QĐ-TTg); and a 2026 dossier of a unit with a reused code, whose
procedure is unconfirmed. The procedures are data seeded by migration: each test starts from
the demo database, which holds them."""

import pytest
from playwright.sync_api import Page, expect

from dossiers.models import Dossier
from tests.base import make_assessment, make_criteria_set, make_reform_world, make_world
from tests.browser.test_assessment_journeys import log_in
from tests.practices.conftest import PDF_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = PDF_BYTES  # a real PDF: uploads are parsed


def test_a_dossier_walked_through_its_steps(
    demo_database, live_server, page: Page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_world()
    cset = make_criteria_set(code="test-2021-2025", first_year=2021, last_year=2025)
    make_assessment(world.commune_a1, 2024, cset, met=3)
    log_in(page, live_server.url, "province-staff")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dossiers/")
    page.get_by_label("Năm xét công nhận").fill("2024")
    page.get_by_role("button", name="Đổi năm").click()
    page.get_by_label("Xã").select_option("98101")
    page.get_by_role("button", name="Lập hồ sơ").click()
    expect(page.get_by_text("Đã lập hồ sơ.")).to_be_visible()
    missing = page.locator("[data-missing]")
    expect(missing).to_contain_text("Chưa ghi bước: Tự đánh giá, báo cáo kết quả (UBND xã).")
    expect(page.locator("[data-procedure]")).to_contain_text("Trình tự theo 18/2022/QĐ-TTg.")

    # Evidence on criterion 1.
    page.get_by_role("combobox", name="Tiêu chí").select_option(label="1. TC 1")
    page.get_by_label("Tệp minh chứng (PDF hoặc ảnh)").set_input_files(
        {"name": "dien.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Tải minh chứng lên").click()
    expect(page.locator("[data-criterion='1']")).to_contain_text("dien.pdf")
    # And on indicator 1.2 (its criterion follows from it).
    page.get_by_role("combobox", name="Chỉ tiêu").select_option(label="1.2 – Tỷ lệ")
    page.get_by_label("Tệp minh chứng (PDF hoặc ảnh)").set_input_files(
        {"name": "ty-le.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Tải minh chứng lên").click()
    expect(page.locator("[data-criterion='1'] [data-indicator='1.2']")).to_contain_text("ty-le.pdf")

    steps = [
        ("self_assessment", "2024-09-01", {}),
        ("posting", "2024-09-05", {"Đến ngày (công khai)": "2024-09-12"}),  # too short
        ("appraisal", "2024-10-05", {}),
        ("council", "2024-10-20", {"Số phiếu đồng ý": "21", "Số phiếu không đồng ý": "1"}),
        ("proposal", "2024-10-25", {}),
    ]
    for value, day, extra in steps:
        page.get_by_role("combobox", name="Bước").select_option(value)
        page.get_by_label("Ngày (bắt đầu)").fill(day)
        for label, text in extra.items():
            page.get_by_label(label).fill(text)
        page.get_by_label("Tài liệu của bước (PDF hoặc ảnh)").set_input_files(
            {"name": f"{value}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.get_by_role("button", name="Ghi bước").click()
        expect(page.get_by_text("Đã ghi bước của hồ sơ.")).to_be_visible()
    expect(page.locator("[data-step='posting']")).to_contain_text(
        "Công khai đến ít nhất ngày 20/09/2024"
    )
    expect(missing).to_contain_text(
        "Thời gian công khai chưa đủ 15 ngày (phải đến ngày 20/09/2024)."
    )
    expect(missing).not_to_contain_text("Chưa ghi bước")

    # Deciding while something is missing asks for a reason.
    page.get_by_label("Số quyết định").fill("123/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("2024-11-20")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.get_by_text("Hồ sơ chưa đủ; cần ghi lý do")).to_be_visible()
    assert not Dossier.objects.get().is_complete

    # Posting corrected: the dossier is complete but for the decision.
    page.get_by_role("combobox", name="Bước").select_option("posting")
    page.get_by_label("Ngày (bắt đầu)").fill("2024-09-05")
    page.get_by_label("Đến ngày (công khai)").fill("2024-09-25")
    page.get_by_role("button", name="Ghi bước").click()
    expect(page.locator("[data-ready]")).to_be_visible()

    page.get_by_label("Số quyết định").fill("123/QĐ-UBND")
    page.get_by_label("Ngày quyết định").fill("2024-11-20")
    page.get_by_role("button", name="Ghi quyết định").click()
    expect(page.locator("[data-complete]")).to_contain_text("123/QĐ-UBND")
    dossier = Dossier.objects.get()
    assert dossier.is_complete and dossier.certification.decision_number == "123/QĐ-UBND"
    # Nothing sticks out sideways at 390 px.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_2026_dossier_of_a_reused_code(demo_database, live_server, page: Page):
    """xã Đông Tây carries 96101, the code of the old xã Đông: the 2026 picker offers the new
    unit; its dossier has no district step and says its procedure is unconfirmed."""
    make_reform_world()
    log_in(page, live_server.url, "reform-province-staff")
    page.goto(f"{live_server.url}/dossiers/?year=2026")
    page.get_by_label("Xã").select_option(label="Xã Đông Tây (96101)")
    page.get_by_role("button", name="Lập hồ sơ").click()
    expect(page.get_by_text("Đã lập hồ sơ.")).to_be_visible()
    expect(page.locator("h1")).to_contain_text("Xã Đông Tây")
    expect(page.locator("[data-unconfirmed]")).to_contain_text("chưa xác nhận")
    expect(page.locator("[data-step]")).to_have_count(5)
    expect(page.locator("[data-step='appraisal']")).to_have_count(0)
    expect(page.get_by_role("combobox", name="Bước").locator("option")).to_have_count(4)
    assert Dossier.objects.get().commune.valid_from is not None  # the unit of 01/07/2025
