"""Cuối năm 2026: the year-end work of a province on the units and rules of 2026, end to end in
Debian's Chromium, in the world after the reform (province 96: no district, xã Đông Tây carrying
the code 96101 of the old xã Đông, commune groups, a set judged by commune group).

The commune official enters and sends its 2026 assessment; province staff approve it and the
page shows the stored count; a dossier is opened for the unit whose code was reused (no district
step, its procedure unconfirmed); a decision "năm 2026" dated 15/01/2027 is recorded and the
queue clears; a 2027 plan is made on the current units; the 2026 report (page, PDF, workbook)
compares nothing across the change of set and lists no tier without a set; the export of that
decision uploads back with no change."""

import datetime
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from criteria.models import Assessment, Certification, CriteriaSet
from dossiers.models import Dossier
from plans.models import Plan
from tests.base import make_assessment, make_reform_world
from tests.browser.conftest import HANOI
from tests.browser.test_assessment_entry_journeys import log_in, log_out, save_bar

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = datetime.datetime(2026, 12, 7, 10, tzinfo=HANOI)  # the working year of the home page: 2026
DECISION_DAY = "2027-01-15"


@pytest.fixture(autouse=True)
def _working_day(server_day):
    server_day(DAY)


@pytest.fixture
def world(demo_database, settings, tmp_path):
    """The reform world on the demo database (its catalogue: the 2021-2025 set judged 2024 and
    2025; the dossier procedures the migrations seed). Xã Đông, whose code Đông Tây carries
    now, was approved at 15/19 in 2024."""
    settings.MEDIA_ROOT = tmp_path / "media"
    world = make_reform_world()
    old_set = CriteriaSet.objects.for_year(2024).first()
    make_assessment(world.old_dong, 2024, old_set, met=15)
    return world


def test_the_year_end_of_2026(live_server, page: Page, world, tmp_path):
    base = live_server.url

    # The commune official starts, fills and sends the commune's 2026 assessment from its home.
    log_in(page, base, "reform-commune")
    home = page.locator("main")
    expect(home).to_contain_text("Chưa bắt đầu đánh giá năm 2026.")
    page.get_by_role("link", name="Bắt đầu đánh giá năm 2026").click()
    expect(page.locator("h1")).to_contain_text("Xã Đông Tây")
    for n in range(1, 11):
        page.get_by_label(f"{n}.1 – kết quả").select_option("1")
    page.get_by_label("1.2 – giá trị (%)").fill("85")  # group N2's level is 80
    expect(page.locator("#met-total")).to_have_text("10")
    save_bar(page).get_by_role("button", name="Lưu đánh giá").click()
    expect(page.get_by_text("Đã lưu đánh giá.")).to_be_visible()
    save_bar(page).get_by_role("button", name="Gửi tỉnh duyệt").click()
    expect(page.get_by_text("Đã gửi đánh giá lên tỉnh duyệt.")).to_be_visible()
    # Locked now: the stored count, not a recount to 0/10.
    expect(page.locator("#met-total")).to_have_text("10")
    page.goto(f"{base}/")
    expect(home).to_contain_text("Đánh giá năm 2026 đã gửi, chờ tỉnh phê duyệt.")
    log_out(page)

    # Province staff approve it from the queue; the approved page shows the stored 10/10.
    log_in(page, base, "reform-province-staff")
    waiting = page.locator("[data-work-queue] [data-queue=submitted]")
    expect(waiting).to_contain_text("Xã Đông Tây")
    waiting.get_by_role("link", name="Xem và duyệt").click()
    save_bar(page).get_by_role("button", name="Phê duyệt").click()
    expect(page.get_by_text("Đã phê duyệt đánh giá.")).to_be_visible()
    expect(page.locator("#met-total")).to_have_text("10")
    expect(page.locator("[data-criterion-mark]").first).not_to_contain_text("Chưa nhập")
    assessment = Assessment.objects.get(commune=world.dong_tay, year=2026)
    assert (assessment.status, assessment.criteria_met) == ("approved", 10)

    # A dossier for 96101 in 2026: the unit of 2026, no district step, procedure unconfirmed.
    page.goto(f"{base}/dossiers/?year=2026")
    page.get_by_label("Xã").select_option(label="Xã Đông Tây (96101)")
    page.get_by_role("button", name="Lập hồ sơ").click()
    expect(page.get_by_text("Đã lập hồ sơ.")).to_be_visible()
    expect(page.locator("[data-unconfirmed]")).to_contain_text("chưa xác nhận")
    expect(page.locator("[data-step='appraisal']")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text("UBND huyện")
    dossier = Dossier.objects.get()
    assert dossier.commune == world.dong_tay

    # The queue asks for the decision; "năm 2026", signed on 15/01/2027, clears it.
    page.goto(f"{base}/")
    ready = page.locator("[data-work-queue] [data-queue=ready]")
    expect(ready).to_contain_text("Xã Đông Tây")
    ready.get_by_role("link", name="Ghi quyết định công nhận").click()
    page.fill("#id_decision_number", "15/QĐ-UBND")
    page.fill("#id_decision_date", DECISION_DAY)
    page.fill("#id_authority", "UBND tỉnh Sau")
    page.locator("#certify").get_by_role("button", name="Ghi nhận").click()
    # The dossier has none of its steps yet: the decision needs an explicit reason.
    page.get_by_label("Lý do công nhận khi hồ sơ chưa đủ").fill("Hồ sơ giấy lưu tại Sở")
    page.locator("#certify").get_by_role("button", name="Ghi nhận").click()
    expect(page.get_by_text("Đã ghi nhận quyết định công nhận.")).to_be_visible()
    decision = Certification.objects.get(commune=world.dong_tay)
    assert (decision.recognised_year, str(decision.decision_date)) == (2026, DECISION_DAY)
    page.goto(f"{base}/")
    expect(ready).not_to_contain_text("Xã Đông Tây")
    expect(ready).to_contain_text("Không có xã nào chờ công nhận.")
    assert Dossier.objects.completed().get() == dossier
    page.goto(f"{base}/dossiers/{dossier.pk}/")
    expect(page.locator("main")).to_contain_text("công nhận năm 2026")

    # A 2027 plan on the units of 2027: the two xã, not the old units nor the ward.
    page.goto(f"{base}/plans/96/new/?year=2027")
    offered = page.locator("#id_target_communes option")
    expect(offered).to_have_count(2)
    expect(page.locator("#id_target_communes")).to_contain_text("Xã Đông Tây")
    expect(page.locator("#id_target_communes")).to_contain_text("Xã Bắc Sơn")
    page.locator("#id_target_communes").select_option(str(world.bac_son.pk))
    page.fill("#id_target_average", "6,5")
    page.get_by_role("button", name="Lưu").click()
    plan = Plan.objects.get(province=world.province, year=2027)
    assert str(plan.target_average) == "6.50"
    assert list(plan.target_communes.all()) == [world.bac_son]

    # The 2026 report: the current units, no comparison across the change of set, no tier
    # without a set in force, the recognition of 2026 decided in 2027 noted apart.
    page.goto(f"{base}/reports/province/96/2026/")
    body = page.locator("main")
    expect(body).to_contain_text("Năm 2025 đánh giá theo bộ tiêu chí khác")
    expect(body).not_to_contain_text("nâng cao")
    expect(body).not_to_contain_text("kiểu mẫu")
    expect(page.locator('[data-figure="certified"]')).to_have_text("0/2")
    expect(body).to_contain_text("15/QĐ-UBND")
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Tải PDF").click()
    pdf_path = tmp_path / "bao-cao.pdf"
    pdf_download.value.save_as(pdf_path)
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-layout", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Năm 2025 đánh giá theo bộ tiêu chí khác" in " ".join(text.split())
    assert "nâng cao" not in text and "kiểu mẫu" not in text
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Tải Excel").click()
    xlsx_path = tmp_path / "bao-cao.xlsx"
    xlsx_download.value.save_as(xlsx_path)
    # The commune tiers only (the villages' sheet names the village kind "khu dân cư NTM kiểu
    # mẫu", a recognition of villages, not a tier of communes).
    cells = [
        str(cell)
        for sheet in load_workbook(xlsx_path, read_only=True).worksheets
        if sheet.title != "Thôn, xã biên giới"
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    ]
    assert not any("nâng cao" in cell or "kiểu mẫu" in cell for cell in cells)
    assert any("15/QĐ-UBND" in cell for cell in cells)

    # The export of 2026 carries the decision on the 2026 row; uploaded back, it changes
    # nothing.
    exported = page.request.get(f"{base}/imports/export.xlsx?province=96&first=2026&last=2026")
    assert exported.ok
    book = load_workbook(io.BytesIO(exported.body()))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, row, strict=False)) for row in sheet.iter_rows(2, values_only=True)]
    dong_tay = next(r for r in rows if r["Mã xã"] == "96101")
    assert (dong_tay["Năm"], dong_tay["Số QĐ công nhận"]) == (2026, "15/QĐ-UBND")
    upload = tmp_path / "xuat.xlsx"
    upload.write_bytes(exported.body())
    page.goto(f"{base}/imports/")
    page.set_input_files("#id_file", str(upload))
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator('[data-count="errors"]')).to_have_text("0")
    expect(page.locator('[data-count="create"]')).to_have_text("0")
    expect(page.locator('[data-count="update"]')).to_have_text("0")
    expect(page.locator('[data-count="unchanged"]')).not_to_have_text("0")
    assert Certification.objects.filter(commune__province=world.province).count() == 1
