import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

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
    client.force_login(world.province_staff)
    response = client.post(
        URL, {"file": workbook((2028, None, 13, 11.5), (2028, "981", 4, "12,25"))}
    )
    assert response.status_code == 302
    province_plan = Plan.objects.get(year=2028, district__isnull=True)
    assert (province_plan.target_certified, str(province_plan.target_average)) == (13, "11.50")
    district_plan = Plan.objects.get(year=2028, district=world.district_a)
    assert (district_plan.target_certified, str(district_plan.target_average)) == (4, "12.25")


def test_bad_rows_are_listed_and_nothing_is_written(client, world):
    client.force_login(world.province_staff)
    response = client.post(
        URL,
        {
            "file": workbook(
                (2028, None, 13, 11.5),
                ("hai nghìn", None, 1, 1),
                (2028, "971", 1, 1),  # a district of another province
                (2028, "981", -2, 40),
                (2028, None, 3, None),  # same as line 2
            )
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Dòng 3: năm “hai nghìn” không hợp lệ" in text
    assert "Dòng 4: không có huyện mã “971” trong tỉnh" in text
    assert "Dòng 5: số xã “-2” phải là số nguyên không âm; bình quân “40” phải từ 0 đến 30" in text
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
    assert "cần tệp Excel .xlsx" in response.content.decode()


def test_district_officials_cannot_import(client, world):
    client.force_login(world.official_a)
    assert client.post(URL, {"file": workbook((2028, None, 1, 1))}).status_code == 404
    assert not Plan.objects.exists()
