"""The compendium PDF is rendered in the background like the reports (issue 15): a download
that finds no file queues one render and waits for it on a page that delivers the file by
itself; the file is stored under the version of the province's published practices, which
every change of what the compendium shows counts."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from communes.versions import bump_data_version
from ntm.lib import pdf
from practices.models import Category, Practice
from practices.pdf import compendium_key
from practices.services import (
    attachment_add,
    attachment_delete,
    practice_create,
    practice_publish,
    practice_unpublish,
)
from tests.base import run_worker
from tests.practices.conftest import edit, make_practice, png_upload

pytestmark = pytest.mark.django_db

URL = reverse("practices:compendium_pdf", args=["98", 2026])


def key_file(world) -> str:
    return compendium_key(world.province, 2026).file_name


def test_the_first_download_waits_for_the_worker_then_gets_the_file(client, world, renders, queued):
    make_practice(world.province, "Nuôi ong lấy mật")
    client.force_login(world.official_a)
    first = client.get(URL)
    assert first.status_code == 202
    page = first.content.decode()
    assert "Đang tạo tài liệu…" in page
    assert "mo-hinh-cach-lam-hay-98-2026.pdf" in page
    assert f'data-status-url="{URL}?status=1"' in page
    assert "/static/js/report-preparing.js" in page  # the poller starts the download
    assert first["Cache-Control"] == "no-store"
    assert client.get(URL).status_code == 202  # asked again: still one task
    assert client.get(URL, {"status": "1"}).json() == {"state": "pending"}
    assert DBTaskResult.objects.count() == 1
    assert renders == []

    run_worker()

    assert client.get(URL, {"status": "1"}).json() == {"state": "ready"}
    done = client.get(URL)
    assert done.status_code == 200
    assert done["Content-Type"] == "application/pdf"
    assert done["Content-Disposition"] == 'inline; filename="mo-hinh-cach-lam-hay-98-2026.pdf"'
    assert done.content == b"%PDF-fake 1"
    assert "Nuôi ong lấy mật" in renders[0]
    assert client.get(URL).content == b"%PDF-fake 1" and len(renders) == 1  # stored


def test_a_failed_render_says_so_and_the_next_download_tries_again(
    client, world, queued, monkeypatch
):
    monkeypatch.setattr(pdf, "render_pdf", lambda html: 1 / 0)
    client.force_login(world.province_staff)
    client.get(URL)
    run_worker()
    assert client.get(URL, {"status": "1"}).json() == {"state": "failed"}
    assert client.get(URL).status_code == 202
    assert DBTaskResult.objects.count() == 2


def test_the_status_is_as_private_as_the_compendium(client, world, queued):
    client.force_login(world.other_province_staff)
    assert client.get(URL, {"status": "1"}).status_code == 404
    assert DBTaskResult.objects.count() == 0


def test_a_publication_changes_the_key_and_the_file(client, world, renders):
    client.force_login(world.province_staff)
    practice = make_practice(world.province, "Chợ phiên", status=Practice.Status.DRAFT)
    before = key_file(world)
    assert client.get(URL).content == b"%PDF-fake 1"
    practice_publish(practice=practice, user=world.province_staff)
    assert key_file(world) != before
    assert client.get(URL).content == b"%PDF-fake 2"
    assert "Chợ phiên" in renders[1] and "Chợ phiên" not in renders[0]


@pytest.mark.parametrize(
    "change",
    [
        lambda w, p: practice_unpublish(practice=p, user=w.province_staff),
        lambda w, p: edit(p, user=None, title="Chợ quê"),
        lambda w, p: attachment_add(practice=p, upload=png_upload(), caption="Chợ"),
        lambda w, p: attachment_delete(
            attachment=attachment_add(practice=p, upload=png_upload()).__class__.objects.get()
        ),
    ],
    ids=["unpublish", "edit", "photo added", "photo added and deleted"],
)
def test_each_change_of_a_published_practice_changes_the_key(world, change):
    practice = make_practice(world.province, "Chợ phiên")
    before = key_file(world)
    other = compendium_key(world.other_province, 2026).file_name
    change(world, practice)
    assert key_file(world) != before
    assert compendium_key(world.other_province, 2026).file_name == other


def test_a_draft_changes_nothing_the_compendium_shows(world):
    before = key_file(world)
    draft = practice_create(
        province=world.province,
        title="Đề xuất",
        category=Category.objects.first(),
        year=2026,
        summary="Tóm tắt.",
        contact="UBND xã",
        user=world.official_a,
        upload=png_upload(),
    )
    edit(draft, user=world.official_a, title="Đề xuất mới")
    assert key_file(world) == before


def test_a_category_renamed_in_the_admin_changes_every_province_key(admin_client, world):
    keys = [compendium_key(p, 2026).file_name for p in (world.province, world.other_province)]
    category = Category.objects.order_by("order").first()
    response = admin_client.post(
        reverse("admin:practices_category_change", args=[category.pk]),
        {"name": category.name + " (sửa)", "order": category.order},
    )
    assert response.status_code == 302
    after = [compendium_key(p, 2026).file_name for p in (world.province, world.other_province)]
    assert after[0] != keys[0] and after[1] != keys[1]


def test_a_practice_edited_in_the_admin_changes_its_province_key(world, django_user_model):
    practice = make_practice(world.province, "Chợ phiên")
    before, other = key_file(world), compendium_key(world.other_province, 2026).file_name
    model_admin = admin.site._registry[Practice]
    request = RequestFactory().post("/")
    request.user = django_user_model.objects.get(username="admin")
    practice.title = "Chợ quê"
    model_admin.save_model(request, practice, form=None, change=True)
    assert key_file(world) != before
    assert compendium_key(world.other_province, 2026).file_name == other
    before = key_file(world)
    model_admin.delete_queryset(request, Practice.objects.filter(pk=practice.pk))
    assert key_file(world) != before


def test_a_change_of_reference_data_changes_every_key_and_figures_none(
    world, django_capture_on_commit_callbacks
):
    """A unit or catalogue load (a change everywhere) can rename what the compendium prints;
    an assessment of one province changes a figure, not its compendium."""
    keys = [compendium_key(p, 2026).file_name for p in (world.province, world.other_province)]
    with django_capture_on_commit_callbacks(execute=True):
        bump_data_version(province_ids=[world.province.pk], since_year=2026)
    assert [compendium_key(p, 2026).file_name for p in (world.province, world.other_province)] == (
        keys
    )
    with django_capture_on_commit_callbacks(execute=True):
        bump_data_version()
    after = [compendium_key(p, 2026).file_name for p in (world.province, world.other_province)]
    assert after[0] != keys[0] and after[1] != keys[1]
