"""What an upload may cost (issue 24, N2 and N11): the shared-strings table, the cells and the
characters read, the XML of a row and a time budget, each refused with its code and nothing
stored; what a preview stores is capped and counted by the quota in stored bytes, and the quota
holds when uploads arrive at once."""

import random
import threading
import tracemalloc
import zipfile

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from imports import services as import_services
from imports import uploads
from imports import workbook as import_workbook
from imports.models import PendingImport
from imports.services import import_assessments
from ntm.lib import workbook
from ops.crafted import many_shared_strings_workbook, repeated_string_workbook
from tests.base import make_world
from tests.imports.conftest import HEADER_19, fingerprint, write_xlsx

pytestmark = pytest.mark.django_db

UPLOAD = reverse("imports:import_upload")
ROW = ["06505", "Vạn Linh", 2019] + ["x"] * 19
PEAK_BYTES = 300 * 1024 * 1024


def upload_peak(client, path):
    """The response to uploading `path`, and the request's peak of traced memory."""
    tracemalloc.start()
    try:
        with path.open("rb") as fh:
            response = client.post(UPLOAD, {"file": fh})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, peak


def stored_report_codes() -> list[str]:
    entry = uploads.load(PendingImport.objects.get().user, PendingImport.objects.get().token)
    assert entry["sheet"] is None  # the file as a whole was refused: no rows kept
    return [e["code"] for e in entry["report"]["errors"]]


@pytest.fixture
def staff_client(client, province_user):
    client.force_login(province_user)
    return client


def test_ten_million_shared_strings_are_refused_before_the_table_is_built(
    staff_client, tmp_path, no_time_budget
):
    path = many_shared_strings_workbook(tmp_path / "strings.xlsx", strings=10_000_000)
    assert path.stat().st_size < 3_000_000
    before = fingerprint()
    response, peak = upload_peak(staff_client, path)
    assert response.status_code == 302
    assert stored_report_codes() == ["strings_cap"]
    assert peak < PEAK_BYTES
    assert PendingImport.objects.get().size < 2_000 and fingerprint() == before


def test_one_shared_string_repeated_over_many_rows_is_refused_at_the_character_cap(
    staff_client, tmp_path, no_time_budget
):
    path = repeated_string_workbook(tmp_path / "repeated.xlsx", rows=12_000, length=32_767)
    assert path.stat().st_size < 200_000
    before = fingerprint()
    response, peak = upload_peak(staff_client, path)
    assert response.status_code == 302
    assert stored_report_codes() == ["text_cap"]
    assert peak < PEAK_BYTES
    assert PendingImport.objects.get().size < 2_000 and fingerprint() == before
    preview = staff_client.get(response["Location"])
    assert "Tệp có quá nhiều chữ: hơn 5000000 ký tự" in preview.content.decode()


def test_the_table_is_refused_past_its_characters(tmp_path, province_user, monkeypatch):
    monkeypatch.setattr(import_workbook, "MAX_CHARS", 100_000)
    path = repeated_string_workbook(tmp_path / "long.xlsx", rows=1, length=100_001)
    report = import_assessments(file=path, user=province_user)
    assert [e.code for e in report.errors] == ["text_cap"]


def test_a_file_past_the_cell_cap_is_refused(xlsx, province_user, monkeypatch):
    monkeypatch.setattr(import_workbook, "MAX_CELLS", 22 * 3)
    fits = import_assessments(file=xlsx([HEADER_19, ROW, ROW[:1] + ["Tân Đoàn", 2019]]))
    assert "cell_cap" not in [e.code for e in fits.errors]
    report = import_assessments(file=xlsx([HEADER_19, ROW, ROW, ROW]), user=province_user)
    assert [e.code for e in report.errors] == ["cell_cap"]
    assert report.errors[0].message == (
        "Tệp có quá nhiều ô: tối đa 66 ô (số dòng × số cột thực có trong tệp). "
        "Hãy chia thành nhiều tệp."
    )


def test_inline_strings_count_towards_the_characters(xlsx, province_user, monkeypatch):
    monkeypatch.setattr(import_workbook, "MAX_CHARS", 1_000)
    long_note = ROW + ["ghi chú " * 200]
    report = import_assessments(file=xlsx([HEADER_19 + ["Ghi chú"], long_note]))
    assert [e.code for e in report.errors] == ["text_cap"]


def test_the_time_budget_refuses_a_slow_read(xlsx, province_user, monkeypatch):
    monkeypatch.setattr(import_workbook, "MAX_SECONDS", 0.0)
    before = fingerprint()
    report = import_assessments(file=xlsx([HEADER_19, ROW]), user=province_user, dry_run=False)
    assert [e.code for e in report.errors] == ["time_budget"]
    assert report.errors[0].message.startswith("Đọc tệp mất quá 0 giây nên đã dừng")
    assert not report.applied and fingerprint() == before


def test_the_budget_also_stops_the_planning_of_the_rows(xlsx, province_user, monkeypatch):
    """Reading and planning share one budget: a file read in time whose rows would take the
    rest past it is refused too, nothing planned or written. Here the import's budget is spent
    before planning starts; the reader keeps its own (unspent) one."""
    from imports import services as import_services
    from ntm.lib.workbook import Budget

    monkeypatch.setattr(import_services, "Budget", lambda seconds: Budget(-1.0))
    before = fingerprint()
    report = import_assessments(file=xlsx([HEADER_19, ROW]), user=province_user, dry_run=False)
    assert [e.code for e in report.errors] == ["time_budget"]
    assert not report.applied and fingerprint() == before


def test_the_budget_is_checked_between_rows(monkeypatch):
    """A deadline passed in the middle of the sheet stops the reading at the next row."""
    clock = iter(range(100))
    monkeypatch.setattr(workbook.time, "monotonic", lambda: next(clock))
    budget = workbook.Budget(5)  # the deadline is "5"; every call advances the clock by 1

    class Parser:
        def parse(self):
            for number in range(1, 50):
                yield number, [{"column": 1, "value": "x", "formula": False}]

    limits = workbook.Limits(
        max_bytes=1,
        max_rows=100,
        max_columns=10,
        max_cells=1000,
        max_strings=1,
        max_chars=1000,
        seconds=5,
    )
    read = []
    with pytest.raises(workbook.WorkbookError) as refusal:
        for number, _values, _formulas in workbook.xml_rows(Parser(), limits=limits, budget=budget):
            read.append(number)
    assert refusal.value.code == "time_budget"
    assert read == [1, 2, 3, 4, 5]


def test_a_row_of_too_much_xml_is_refused_before_it_is_parsed(xlsx, province_user):
    path = xlsx([HEADER_19, ROW])
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        "</sheetData>", '<row r="3">' + "<c/>" * 300_000 + "</row></sheetData>"
    ).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        # Incompressible: keeps the file under the zip-bomb ratio.
        zf.writestr(zipfile.ZipInfo("xl/media/image1.bin"), random.Random(1).randbytes(30_000))
    report = import_assessments(file=path, user=province_user)
    assert [e.code for e in report.errors] == ["row_too_large"]


def test_a_doctype_is_refused(xlsx, province_user):
    path = xlsx([HEADER_19, ROW])
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        "<worksheet", '<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet', 1
    ).encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    report = import_assessments(file=path, user=province_user)
    assert [e.code for e in report.errors] == ["unsafe_xml"]


def test_shared_strings_read_as_openpyxl_reads_them(tmp_path, province_user):
    """Runs and plain text joined, phonetic runs left out, the cells read by their index."""
    path = repeated_string_workbook(tmp_path / "one.xlsx", rows=1, length=10)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{ns}"><si><r><t>Ghi </t></r><r><rPr/><t>chú</t></r>'
        "<rPh><t>phonetic</t></rPh></si></sst>"
    ).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    sheet = import_workbook.read_source(file=path)
    assert [r.values for r in sheet.rows] == [
        {"commune_code": "06505", "year": 2019, "note": "Ghi chú"}
    ]


# --- What is stored, and the quota -----------------------------------------------------------


def upload(client, tmp_path, name="book.xlsx"):
    path = write_xlsx(tmp_path / name, [HEADER_19, ROW])
    with path.open("rb") as fh:
        return client.post(UPLOAD, {"file": fh})


def test_what_an_upload_stores_is_capped(staff_client, tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_STORED_BYTES", 500)
    response = upload(staff_client, tmp_path)
    assert response.status_code == 400
    assert "Kết quả đọc tệp quá lớn để giữ chờ xác nhận" in response.content.decode()
    assert not PendingImport.objects.exists()


def test_the_quota_counts_the_bytes_stored_not_the_file(staff_client, tmp_path, settings):
    assert upload(staff_client, tmp_path).status_code == 302
    stored = PendingImport.objects.get().size
    file_size = write_xlsx(tmp_path / "size.xlsx", [HEADER_19, ROW]).stat().st_size
    # Room for a second upload's JSON (a few bytes more or less: the report stores how long the
    # reading took), not for the file on top of the first one's JSON.
    slack = 100
    assert stored + slack < file_size
    settings.NTM_IMPORT_MAX_PENDING_BYTES = 2 * stored + slack
    assert upload(staff_client, tmp_path).status_code == 302
    assert PendingImport.objects.count() == 2


def test_the_quota_holds_when_the_checks_run_before_the_stores(province_user, settings):
    """The race of ten uploads at once, step by step: each passes the check made before its
    file is read, then each stores; only the quota's five are kept."""
    settings.NTM_IMPORT_MAX_PENDING = 5
    assert all(uploads.quota_error(province_user) == "" for _ in range(10))
    refused = []
    for n in range(10):
        try:
            uploads.store(province_user, f"token-{n:02d}-abcdefghijkl", {"n": n})
        except uploads.QuotaError as exc:
            refused.append(exc.code)
    assert PendingImport.objects.filter(user=province_user).count() == 5
    assert refused == ["pending_quota"] * 5


@pytest.mark.django_db(transaction=True)
def test_ten_uploads_at_once_leave_at_most_the_quota(tmp_path, settings, monkeypatch):
    """Ten requests of one user, held together after their quota check and their reading until
    all ten are there, then storing at once (issue 24, N11: 8 pending against a quota of 5).
    PostgreSQL: each waits for the user's row lock and sees the others' uploads. SQLite has
    one writer, which serves them one after the other."""
    settings.NTM_IMPORT_MAX_PENDING = 5
    world = make_world()
    path = write_xlsx(tmp_path / "book.xlsx", [HEADER_19, ROW])
    real = uploads.store
    statuses = []

    def post():
        try:
            client = Client(raise_request_exception=False)
            client.force_login(world.province_staff)
            with path.open("rb") as fh:
                statuses.append(client.post(UPLOAD, {"file": fh}).status_code)
        finally:
            connection.close()

    if connection.vendor == "postgresql":
        # Held until all ten are there, then storing at once.
        together = threading.Barrier(10, timeout=60)

        def store_together(*args, **kwargs):
            together.wait()
            return real(*args, **kwargs)

        monkeypatch.setattr(uploads, "store", store_together)
        threads = [threading.Thread(target=post) for _ in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        # SQLite has one writer (a store takes the database's write lock before it counts):
        # the ten are served one after the other, as its lock serves them.
        for _ in range(10):
            post()
    assert sorted(statuses) == [302] * 5 + [400] * 5
    assert PendingImport.objects.filter(user=world.province_staff).count() == 5


def test_a_report_keeps_the_first_errors_and_counts_the_rest(xlsx, province_user, monkeypatch):
    monkeypatch.setattr(import_services, "MAX_ERRORS", 5)
    rows = [["06505", "Vạn Linh", 2019] + ["zz"] * 19]
    report = import_assessments(file=xlsx([HEADER_19, *rows]), user=province_user)
    assert [e.code for e in report.errors] == ["invalid_met"] * 5 + ["more_errors"]
    assert report.errors[-1].message == "… và 14 lỗi khác."
