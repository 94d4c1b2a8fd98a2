import dataclasses
import io
import re
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from ops.crafted import plan_rows_workbook
from plans import services
from plans.models import Plan

pytestmark = pytest.mark.django_db

URL = reverse("plans:plan_import", args=["98"])


def workbook(*rows, header=("year", "district code", "target_certified", "target_average")):
    wb = Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("kh.xlsx", out.getvalue())


def test_it_imports_province_and_district_plans(client, world):
    """2024: the districts' last full year (they end on 30/06/2025), 19 criteria (2021-2025)."""
    client.force_login(world.province_staff)
    response = client.post(
        URL, {"file": workbook((2024, None, 13, 11.5), (2024, "981", 4, "12,25"))}
    )
    assert response.status_code == 302
    province_plan = Plan.objects.get(year=2024, district__isnull=True)
    assert (province_plan.target_certified, str(province_plan.target_average)) == (13, "11.50")
    district_plan = Plan.objects.get(year=2024, district=world.district_a)
    assert (district_plan.target_certified, str(district_plan.target_average)) == (4, "12.25")


def test_bad_rows_are_listed_and_nothing_is_written(client, world):
    client.force_login(world.province_staff)
    response = client.post(
        URL,
        {
            "file": workbook(
                (2024, None, 13, 11.5),
                ("hai nghìn", None, 1, 1),
                (2024, "971", 1, 1),  # a district of another province
                (2024, "981", -2, 40),
                (2024, None, 3, None),  # same as line 2
            )
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Dòng 3: năm “hai nghìn” không hợp lệ" in text
    assert "Dòng 4: không có huyện mã “971” trong tỉnh" in text
    assert "Dòng 5: số xã “-2” phải là số nguyên không âm." in text
    assert "Dòng 5: bình quân “40” phải từ 0 đến 30." in text
    assert "Dòng 6: trùng với dòng 2" in text
    assert not Plan.objects.exists()


def test_missing_columns_are_named(client, world):
    client.force_login(world.province_staff)
    response = client.post(URL, {"file": workbook((2028, 3), header=("year", "target_certified"))})
    assert response.status_code == 400
    assert "Thiếu cột: target_average" in response.content.decode()


def test_an_existing_plan_is_kept_unless_replace_is_ticked(client, plan_world):
    client.force_login(plan_world.province_staff)
    response = client.post(URL, {"file": workbook((2027, None, 9, None))})
    assert response.status_code == 400
    assert "Dòng 2: đã có kế hoạch năm 2027 cho cả tỉnh" in response.content.decode()
    plan_world.plan.refresh_from_db()
    assert plan_world.plan.target_certified == 3

    response = client.post(URL, {"file": workbook((2027, None, 9, None)), "replace": "on"})
    assert response.status_code == 302
    plan_world.plan.refresh_from_db()
    assert plan_world.plan.target_certified == 9
    assert str(plan_world.plan.target_average) == "2.50"  # blank cell: unchanged


def test_a_file_that_is_not_a_workbook_is_refused(client, world):
    client.force_login(world.province_staff)
    response = client.post(URL, {"file": SimpleUploadedFile("kh.xlsx", b"not a workbook")})
    assert response.status_code == 400
    assert "Tệp không phải là bảng tính Excel .xlsx." in response.content.decode()


def test_district_officials_cannot_import(client, world):
    client.force_login(world.official_a)
    assert client.post(URL, {"file": workbook((2028, None, 1, 1))}).status_code == 404
    assert not Plan.objects.exists()


# --- The hardened reader, numbers and bounds (both worlds) -----------------------------------


def workbook_bytes(*rows, header=("year", "district code", "target_certified", "target_average")):
    return workbook(*rows, header=header).read()


def refusal_codes(content: bytes, province) -> list[str]:
    with pytest.raises(ValidationError) as refusal:
        services.read_plan_rows(content, province=province)
    return [e.code for e in refusal.value.error_list]


def with_cell_value(content: bytes, placeholder: int, value: str) -> bytes:
    """The workbook with the number cell `placeholder` holding `value` as written in the XML
    (openpyxl writes no infinity; a crafted file can)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as src, zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(f"<v>{placeholder}</v>".encode(), f"<v>{value}</v>".encode())
            dst.writestr(name, data)
    return out.getvalue()


def test_nan_infinities_and_exponents_are_refused_with_a_code(world):
    content = workbook_bytes(
        (2024, None, 1, "NaN"),
        (2024, "981", 1, "inf"),
        (2024, "982", 1, "1e1"),
        (2023, None, 1, "-Infinity"),
        (2023, "981", 1, 777),  # a number cell holding an infinity
        (2023, "982", "1e1", 5),
    )
    content = with_cell_value(content, 777, "1e999")
    assert refusal_codes(content, world.province) == [
        "value_not_number",
        "value_not_number",
        "value_not_number",
        "value_not_number",
        "value_not_number",
        "invalid_count",
    ]


def test_nan_is_shown_per_row_without_a_server_error(client, reform_world):
    client.force_login(reform_world.province_staff)
    url = reverse("plans:plan_import", args=["96"])
    response = client.post(url, {"file": workbook((2027, None, 2, "NaN"), (2027, None, 2, "1e1"))})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Dòng 2: bình quân “NaN” không phải là số." in text
    assert "Dòng 3: bình quân “1e1” không phải là số." in text
    assert not Plan.objects.filter(province=reform_world.province).exists()


def test_the_reform_province_imports_with_a_decimal_comma(client, reform_world):
    w = reform_world
    client.force_login(w.province_staff)
    url = reverse("plans:plan_import", args=["96"])
    response = client.post(url, {"file": workbook((2027, None, 2, "6,5"), (2024, "961", 1, 7))})
    assert response.status_code == 302
    assert Plan.objects.get(province=w.province, year=2027).target_average == Decimal("6.50")
    assert Plan.objects.get(district=w.old_district, year=2024).target_certified == 1


def test_rows_break_the_plans_rules_with_their_codes(reform_world):
    w = reform_world
    content = workbook_bytes(
        (2027, "961", 1, None),  # the former district ended on 30/06/2025
        (2027, None, None, 11),  # 10 criteria in 2027
        (2027, None, None, "6,555"),  # rounding would change the figure typed
        (2028, None, None, None),
    )
    assert refusal_codes(content, w.province) == [
        "district_not_in_year",
        "average_above_criteria",
        "too_many_decimals",
        "no_target",
    ]


def test_a_formula_without_a_value_is_refused(world, tmp_path):
    wb = Workbook()
    wb.active.append(("year", "district code", "target_certified", "target_average"))
    wb.active.append((2024, None, 3, "=1/0"))
    path = tmp_path / "kh.xlsx"
    wb.save(path)
    assert refusal_codes(path.read_bytes(), world.province) == ["formula_without_value"]


def test_a_file_past_the_row_cap_is_refused(client, world):
    rows = [(2024, None, 1, 1)] * (services.MAX_ROWS + 1)
    client.force_login(world.province_staff)
    response = client.post(URL, {"file": workbook(*rows)})
    assert response.status_code == 400
    assert f"tối đa {services.MAX_ROWS} dòng dữ liệu" in response.content.decode()
    with pytest.raises(ValidationError) as refusal:
        services.read_plan_rows(workbook_bytes(*rows), province=world.province)
    assert refusal.value.code == "row_cap"


def test_a_file_past_the_column_cap_is_refused(world):
    header = ("year", "district code", "target_certified", "target_average")
    row = (2024, None, 1, 1) + (None,) * services.MAX_COLUMNS + ("x",)
    with pytest.raises(ValidationError) as refusal:
        services.read_plan_rows(workbook_bytes(row, header=header), province=world.province)
    assert refusal.value.code == "column_cap"


def test_a_file_too_large_is_refused_before_it_is_read(client, world):
    client.force_login(world.province_staff)
    big = SimpleUploadedFile("kh.xlsx", b"PK" + b"\0" * services.MAX_BYTES)
    response = client.post(URL, {"file": big})
    assert response.status_code == 400
    assert "Tệp quá lớn." in response.content.decode()


def test_the_errors_listed_are_bounded(client, world):
    rows = [(2024, None, 1, "NaN")] * 400
    client.force_login(world.province_staff)
    response = client.post(URL, {"file": workbook(*rows)})
    assert response.status_code == 400
    text = response.content.decode()
    assert text.count("không phải là số") == services.ERRORS_LISTED
    assert f"… và {400 - services.ERRORS_LISTED} lỗi khác." in text
    assert len(response.content) < 100_000


def test_a_long_cell_is_quoted_short(world):
    with pytest.raises(ValidationError) as refusal:
        services.read_plan_rows(
            workbook_bytes((2024, None, 1, "9" * 5000 + "x")), province=world.province
        )
    assert len(refusal.value.messages[0]) < 120


def test_a_declared_dimension_over_empty_rows_is_read_as_its_data(client, world, tmp_path):
    """A plan workbook declaring A1:XFD16001 with 16,000 empty rows spanning every column (the
    kind of file of a few kilobytes that once took a worker down) is read as its one row."""
    wb = Workbook()
    wb.active.append(("year", "district code", "target_certified", "target_average"))
    wb.active.append((2024, None, 13, "8,5"))
    path = tmp_path / "kh.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()
    xml = re.sub(r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:XFD16001"/>', xml)
    empty = "".join(
        f'<row r="{n}" spans="1:16384"><c r="XFD{n}" s="0"/></row>' for n in range(3, 16002)
    )
    parts["xl/worksheets/sheet1.xml"] = xml.replace("</sheetData>", empty + "</sheetData>").encode()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    assert path.stat().st_size < 100_000
    client.force_login(world.province_staff)
    with path.open("rb") as fh:
        response = client.post(URL, {"file": fh})
    assert response.status_code == 302
    assert Plan.objects.get(province=world.province, year=2024).target_average == Decimal("8.50")


# --- The crafted files of issue 24 (N3): refused or answered within bounds -------------------

PEAK_BYTES = 300 * 1024 * 1024


def post_peak(client, path):
    """The plan import's answer to `path`, and the request's peak of traced memory."""
    tracemalloc.start()
    try:
        with path.open("rb") as fh:
            response = client.post(URL, {"file": fh})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, peak


@pytest.fixture
def no_time_budget(monkeypatch):
    """The caps under test, not the time budget (a loaded machine, tracemalloc's slowness)."""
    monkeypatch.setattr(services, "LIMITS", dataclasses.replace(services.LIMITS, seconds=3600))


def test_a_file_of_many_rows_is_refused_at_the_row_cap(client, world, tmp_path, no_time_budget):
    path = plan_rows_workbook(tmp_path / "rows.xlsx", rows=100_000)
    assert path.stat().st_size < services.MAX_BYTES
    client.force_login(world.province_staff)
    response, peak = post_peak(client, path)
    assert response.status_code == 400
    assert f"tối đa {services.MAX_ROWS} dòng dữ liệu" in response.content.decode()
    assert peak < PEAK_BYTES
    assert not Plan.objects.exists()


def test_a_long_wrong_value_in_every_cell_is_refused_at_the_character_cap(
    client, world, tmp_path, no_time_budget
):
    path = plan_rows_workbook(tmp_path / "cells.xlsx", rows=services.MAX_ROWS, text="9" * 32_767)
    client.force_login(world.province_staff)
    response, peak = post_peak(client, path)
    assert response.status_code == 400
    assert "Tệp có quá nhiều chữ" in response.content.decode()
    assert peak < PEAK_BYTES
    with pytest.raises(ValidationError) as refusal:
        services.read_plan_rows(path, province=world.province)
    assert refusal.value.code == "text_cap"


def test_wrong_values_under_the_caps_draw_a_short_page(client, world, tmp_path, no_time_budget):
    text = "9" * 400 + "x"  # 500 rows x 2 cells x 401 characters: under the character cap
    path = plan_rows_workbook(tmp_path / "cells.xlsx", rows=services.MAX_ROWS, text=text)
    client.force_login(world.province_staff)
    response, peak = post_peak(client, path)
    assert response.status_code == 400
    assert f"… và {2 * services.MAX_ROWS - services.ERRORS_LISTED} lỗi khác." in (
        response.content.decode()
    )
    assert len(response.content) < 100_000 and peak < PEAK_BYTES


def test_the_time_budget_refuses_a_slow_read(world, monkeypatch):
    monkeypatch.setattr(services, "LIMITS", dataclasses.replace(services.LIMITS, seconds=0))
    content = workbook_bytes((2024, None, 13, 11.5))
    assert refusal_codes(content, world.province) == ["time_budget"]


def test_the_reform_province_is_read_within_the_same_caps(reform_world, tmp_path, no_time_budget):
    path = plan_rows_workbook(tmp_path / "rows.xlsx", rows=services.MAX_ROWS + 1)
    with pytest.raises(ValidationError) as refusal:
        services.read_plan_rows(path, province=reform_world.province)
    assert refusal.value.code == "row_cap"
