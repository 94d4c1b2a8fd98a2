import pytest
from django.urls import reverse

from practices.models import Attachment, Category, Practice
from tests.practices.conftest import png_upload

pytestmark = pytest.mark.django_db

URL = reverse("practices:practice_create")


def form_data(world, **overrides):
    data = {
        "title": "Mô hình nuôi ong lấy mật",
        "category": Category.objects.order_by("order").last().pk,
        "district": world.district_a.pk,
        "communes": [world.commune_a1.pk],
        "year": 2026,
        "criteria": [world.cset.criteria.get(number=2).pk],
        "summary": "Hộ nuôi ong theo tổ hợp tác.",
        "results": "Thu nhập tăng.",
        "households": "12",
        "investment_million_vnd": "",
        "income_million_vnd": "45,5",
        "contact": "Tổ hợp tác ong, xã Một",
        "partners": "",
    }
    data.update(overrides)
    return data


def test_province_staff_create_a_draft_with_a_photo(client, world):
    client.force_login(world.province_staff)
    data = form_data(world, **{"upload-file": png_upload(), "upload-caption": "Trại ong"})
    response = client.post(URL, data)
    practice = Practice.objects.get(title="Mô hình nuôi ong lấy mật")
    assert response.status_code == 302 and response["Location"] == practice.get_absolute_url()
    assert practice.status == "draft"
    assert practice.province == world.province and practice.created_by == world.province_staff
    assert str(practice.income_million_vnd) == "45.5"
    assert list(practice.communes.all()) == [world.commune_a1]
    photo = practice.attachments.get()
    assert (photo.kind, photo.caption, photo.content_type) == ("photo", "Trại ong", "image/png")
    assert photo.file.name.startswith("practices/") and "anh" not in photo.file.name


def test_district_official_proposes_a_draft_in_their_district(client, world):
    client.force_login(world.official_a)
    response = client.post(URL, form_data(world))
    assert response.status_code == 302
    practice = Practice.objects.get(title="Mô hình nuôi ong lấy mật")
    assert (practice.status, practice.district, practice.created_by) == (
        "draft",
        world.district_a,
        world.official_a,
    )


def test_district_official_cannot_propose_for_another_district(client, world):
    client.force_login(world.official_a)
    response = client.post(
        URL, form_data(world, district=world.district_b.pk, communes=[world.commune_b1.pk])
    )
    assert response.status_code == 400
    assert "district" in response.context["form"].errors
    assert not Practice.objects.filter(title="Mô hình nuôi ong lấy mật").exists()


def test_province_staff_cannot_pick_a_commune_of_another_province(client, world):
    client.force_login(world.province_staff)
    response = client.post(URL, form_data(world, district="", communes=[world.commune_other.pk]))
    assert "communes" in response.context["form"].errors
    assert not Practice.objects.filter(title="Mô hình nuôi ong lấy mật").exists()


def test_a_commune_must_lie_in_the_chosen_district(client, world):
    client.force_login(world.province_staff)
    response = client.post(URL, form_data(world, communes=[world.commune_b1.pk]))
    assert "không thuộc huyện đã chọn" in str(response.context["form"].errors["communes"])


def test_criteria_must_belong_to_a_set_in_force_that_year(client, world):
    client.force_login(world.province_staff)
    response = client.post(URL, form_data(world, year=2018))
    errors = response.context["form"].errors["criteria"]
    assert "không thuộc bộ tiêu chí áp dụng năm 2018" in str(errors)
    assert not Practice.objects.filter(title="Mô hình nuôi ong lấy mật").exists()


def test_a_bad_upload_writes_nothing(client, world):
    client.force_login(world.province_staff)
    data = form_data(world, **{"upload-file": png_upload(name="anh.pdf")})
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "không khớp" in str(response.context["upload_form"].errors["file"])
    assert not Practice.objects.filter(title="Mô hình nuôi ong lấy mật").exists()
    assert not Attachment.objects.exists()


def test_required_fields_have_vietnamese_messages(client, world):
    client.force_login(world.province_staff)
    response = client.post(URL, form_data(world, title="", year="1500"))
    form = response.context["form"]
    assert "Trường này là bắt buộc." in form.errors["title"]
    assert "Năm phải trong khoảng 1990–2100." in form.errors["year"]


def test_the_form_offers_only_districts_in_scope(client, world):
    client.force_login(world.official_a)
    form = client.get(URL).context["form"]
    assert list(form.fields["district"].queryset) == [world.district_a]
    assert set(form.fields["communes"].queryset) == {world.commune_a1, world.commune_a2}
    client.force_login(world.province_staff)
    form = client.get(URL).context["form"]
    assert set(form.fields["district"].queryset) == {world.district_a, world.district_b}


def test_admin_chooses_the_province(client, world):
    client.force_login(world.admin)
    response = client.post(URL, form_data(world, province=world.province.pk))
    assert response.status_code == 302
    assert Practice.objects.get(title="Mô hình nuôi ong lấy mật").province == world.province


def test_a_user_without_a_role_is_refused(client, django_user_model, world):
    client.force_login(django_user_model.objects.create_user("khach", password="x"))
    assert client.get(URL).status_code == 403
