"""The app's stored files on a real S3 API (moto's server on loopback): practice photos with
their display copies and thumbnails, dossier evidence, issued reports, rendered report files
and the compendium's photos are written to the bucket and read back through the app's scoped
views only; the app makes nothing public and never sends a browser to the bucket."""

import datetime
import os

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from dossiers.models import Dossier, DossierFile
from ntm.lib import reportfiles
from practices.models import Attachment
from tests.base import make_assessment, make_province, make_user
from tests.practices.conftest import PDF_BYTES, image_bytes, make_practice, png_upload

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def assert_not_public(s3, response) -> None:
    """No answer sends the browser to the bucket, or names it."""
    endpoint = s3.server.endpoint_url
    assert endpoint not in response.get("Location", "")
    assert s3.name not in response.get("Location", "")
    if not response.streaming:
        assert endpoint.encode() not in response.content


def assert_private(s3) -> None:
    """No object and not the bucket is readable by anyone but its owner, and the app set no
    bucket policy."""
    client = s3.server.client()
    everyone = ("http://acs.amazonaws.com/groups/global/AllUsers", "AuthenticatedUsers")
    keys = s3.names()
    assert keys
    for key in [None, *keys]:
        acl = (
            client.get_bucket_acl(Bucket=s3.name)
            if key is None
            else client.get_object_acl(Bucket=s3.name, Key=key)
        )
        for grant in acl["Grants"]:
            uri = grant["Grantee"].get("URI", "")
            assert not uri.endswith(everyone), (key, grant)
    with pytest.raises(client.exceptions.ClientError) as exc:
        client.get_bucket_policy(Bucket=s3.name)
    assert exc.value.response["Error"]["Code"] == "NoSuchBucketPolicy"


def outsider(w):
    """A province staff member of another province."""
    if hasattr(w, "other_province_staff"):
        return w.other_province_staff
    other = make_province("77", "Tỉnh Khác")
    return make_user("ngoai-tinh", role=Membership.Role.PROVINCE_STAFF, province=other)


@pytest.mark.parametrize("world_fixture", ["world", "reform_world"])
def test_a_photo_its_copies_and_its_deletion_go_through_the_bucket(
    client, request, s3, world_fixture, django_capture_on_commit_callbacks
):
    w = request.getfixturevalue(world_fixture)
    district = getattr(w, "district_a", None)
    practice = make_practice(w.province, "Trại ong", district=district)
    client.force_login(w.province_staff)
    add = reverse("practices:attachment_add", args=[practice.pk])
    photo = image_bytes("PNG", size=(2000, 1500))  # large enough for smaller copies
    upload = SimpleUploadedFile("trai-ong.png", photo, content_type="image/png")
    response = client.post(add, {"file": upload, "caption": "Ảnh 1"})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert s3.names() == sorted(
        f"media/{field.name}"
        for field in (attachment.file, attachment.display, attachment.thumbnail)
    )
    assert attachment.display.name.startswith("practices/display/")
    assert attachment.thumbnail.name.startswith("practices/thumbnails/")
    assert_private(s3)

    urls = {
        "file": reverse("practices:attachment_file", args=[attachment.pk]),
        "display": reverse("practices:attachment_display", args=[attachment.pk]),
        "thumbnail": reverse("practices:attachment_thumbnail", args=[attachment.pk]),
    }
    served = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert_not_public(s3, response)
        served[name] = body(response)
        assert int(response["Content-Length"]) == len(served[name])
        assert response["X-Content-Type-Options"] == "nosniff"
    assert served["file"] == photo == s3.body(f"media/{attachment.file.name}")
    assert served["display"] == s3.body(f"media/{attachment.display.name}")
    assert served["thumbnail"] == s3.body(f"media/{attachment.thumbnail.name}")
    assert len(served["thumbnail"]) < len(served["display"]) < len(photo)

    client.logout()
    for url in urls.values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login")
    client.force_login(outsider(w))
    for url in urls.values():
        assert client.get(url).status_code == 404

    client.force_login(w.province_staff)
    delete = reverse("practices:attachment_delete", args=[attachment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(delete).status_code == 302
    assert s3.names() == []


def test_dossier_evidence_is_served_from_the_bucket_only_in_scope(client, world, s3):
    make_assessment(world.commune_a1, 2026, world.cset, met=3)
    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=2026)
    client.force_login(world.official_a)
    criterion = world.cset.criteria.get(number=1)
    url = reverse("dossiers:evidence_add", args=[dossier.pk])
    upload = SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf")
    assert client.post(url, {"criterion": criterion.pk, "file": upload}).status_code == 302
    item = DossierFile.objects.get()
    assert s3.names() == [f"media/{item.file.name}"]
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200 and body(response) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment;")  # a PDF is a download
    assert_not_public(s3, response)
    client.force_login(world.official_b)
    assert client.get(item.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(item.get_absolute_url()).status_code == 302
    assert_private(s3)


def test_an_issued_report_is_kept_in_the_bucket_and_served_byte_for_byte(
    client, s3, renders, time_machine, world
):
    from tests.issued.conftest import ISSUING_DAY, issue

    time_machine.move_to(ISSUING_DAY)
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    client.force_login(world.province_staff)
    assert issue(client).status_code == 302
    (key,) = s3.names()
    assert key.startswith("media/issued/") and key.endswith(".pdf")
    from issued.models import IssuedReport

    report = IssuedReport.objects.get()
    url = reverse("issued:issued_pdf", args=[report.code])
    response = client.get(url)
    assert response.status_code == 200
    assert body(response) == s3.body(key) == b"%PDF-fake 1"
    assert_not_public(s3, response)
    client.force_login(world.other_province_staff)
    assert client.get(url).status_code == 404


def test_report_files_are_stored_replaced_and_cleaned_up_in_the_bucket(s3, time_machine):
    start = datetime.datetime(2027, 3, 1, 8, tzinfo=datetime.UTC)
    time_machine.move_to(start)
    reportfiles.store("tinh-98-2027-aaa.pdf", b"%PDF old", variant="tinh-98-2027")
    reportfiles.store("tinh-96-2027-bbb.pdf", b"%PDF other", variant="tinh-96-2027")
    assert reportfiles.read("tinh-98-2027-aaa.pdf") == b"%PDF old"
    reportfiles.store("tinh-98-2027-ccc.pdf", b"%PDF new", variant="tinh-98-2027")
    assert s3.names() == ["reports/tinh-96-2027-bbb.pdf", "reports/tinh-98-2027-ccc.pdf"]
    assert reportfiles.read("tinh-98-2027-aaa.pdf") is None  # replaced: the older one is gone
    assert reportfiles.status("tinh-98-2027-ccc.pdf") == "ready"

    time_machine.move_to(start + datetime.timedelta(days=25))
    reportfiles.store("tinh-98-2027-ddd.xlsx", b"PK new", variant="tinh-98-2027")
    assert storages["reports"].get_modified_time("tinh-98-2027-ddd.xlsx") > start

    time_machine.move_to(start + datetime.timedelta(days=31))
    old, _rows = reportfiles.remove_old(now=timezone.now(), dry_run=True)
    assert old == ["tinh-96-2027-bbb.pdf", "tinh-98-2027-ccc.pdf"]
    assert len(s3.names()) == 3  # a dry run deletes nothing
    with open(os.devnull, "w") as devnull:
        call_command("cleanup_report_files", stdout=devnull)
    assert s3.names() == ["reports/tinh-98-2027-ddd.xlsx"]


def test_the_compendium_draws_photos_read_from_the_bucket(client, world, s3, tmp_path):
    from tests.practices.test_compendium_pdf import pdf_text, url

    practice = make_practice(world.province, "Nuôi ong lấy mật")
    from practices.services import attachment_add

    attachment_add(practice=practice, upload=png_upload(), caption="Trại ong")
    client.force_login(world.province_staff)
    response = client.get(url("98", 2026))
    assert response.status_code == 200
    content = body(response)
    assert b"/Subtype /Image" in content or b"/Subtype/Image" in content
    assert "Trại ong" in pdf_text(content, tmp_path)
    (stored,) = [key for key in s3.names() if key.startswith("reports/compendium-98-2026-")]
    assert s3.body(stored) == content  # rendered once, kept in the bucket
    assert_not_public(s3, response)


def test_a_signed_url_if_ever_asked_for_lives_a_minute(s3):
    """The app serves files itself; a bucket URL (none is issued by any view) would be signed
    and short-lived, never a public address."""
    storages["default"].save("practices/x.png", png_upload())
    link = storages["default"].url("practices/x.png")
    assert "X-Amz-Signature=" in link and "X-Amz-Expires=60" in link


def test_a_file_gone_from_the_bucket_is_a_404_not_an_error(client, world, s3):
    from practices.services import attachment_add

    practice = make_practice(world.province, "Chợ phiên")
    attachment = attachment_add(practice=practice, upload=png_upload())
    s3.server.client().delete_object(Bucket=s3.name, Key=f"media/{attachment.file.name}")
    client.force_login(world.province_staff)
    url = reverse("practices:attachment_file", args=[attachment.pk])
    assert client.get(url).status_code == 404


def test_the_admin_links_an_issued_pdf_through_the_app_never_the_bucket(
    client, s3, renders, time_machine, world
):
    """The admin's read-only page of an issued report would draw its file field as a link to
    the field's `.url`, a URL of the bucket: it links the app's scoped download instead."""
    from issued.models import IssuedReport
    from tests.issued.conftest import ISSUING_DAY, issue

    time_machine.move_to(ISSUING_DAY)
    make_assessment(world.commune_a1, 2027, world.cset, met=3)
    client.force_login(world.province_staff)
    assert issue(client).status_code == 302
    report = IssuedReport.objects.get()
    client.force_login(world.admin)
    page = client.get(reverse("admin:issued_issuedreport_change", args=[report.pk]))
    assert page.status_code == 200
    assert_not_public(s3, page)
    assert s3.name.encode() not in page.content
    assert f'href="{reverse("issued:issued_pdf", args=[report.code])}"'.encode() in page.content


def test_no_admin_page_draws_a_stored_file_field(rf, admin_user):
    """A file field in an admin form is drawn with a link to its storage's URL (the bucket's,
    signed): no admin page or inline shows one; stored files are linked through the app."""
    from django.contrib import admin
    from django.contrib.admin.utils import flatten_fieldsets
    from django.db.models import FileField

    request = rf.get("/admin/")
    request.user = admin_user
    checked = 0
    for model_admin in admin.site._registry.values():
        for each in [model_admin, *model_admin.get_inline_instances(request)]:
            stored = {f.name for f in each.model._meta.fields if isinstance(f, FileField)}
            if not stored:
                continue
            checked += 1
            shown = set(flatten_fieldsets(each.get_fieldsets(request)))
            assert not shown & stored, (type(each).__name__, shown & stored)
    assert checked >= 3  # practices' attachments, dossier files, issued reports
