"""Every URL of the project, for every persona, against one table of expected answers.

The URL list comes from the resolver: a new URL without a row here fails
`test_every_url_has_a_row`. Object URLs point at objects of district A of province 98, so the
district official of district B and the staff of province 97 try objects outside their scope
(guessing codes and ids must not work: 404); the commune official is commune A1's, so its own
commune's pages answer and every report of a district or province is outside its scope.
Codes: 302 = to the login page (anonymous) or a redirect after a successful POST; 405 = a
state-changing URL asked with GET.

The objects are built once for the module inside a transaction that is rolled back at the end;
each test runs in a savepoint within it, so what a test changes is undone before the next.
Only status codes are asserted here, so the one PDF pipeline (`ntm.lib.pdf.render_pdf`) is
replaced by a stub: each report, compendium and dossier document still builds its HTML from the
data (a broken template fails here), but WeasyPrint's seconds of layout are left to the tests
that read real PDFs back (tests/reports, tests/practices/test_compendium_pdf.py, tests/dossiers).
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from criteria.models import Assessment, Certification
from criteria.services import assessment_create
from dossiers.models import Dossier
from dossiers.services import file_add
from issued.models import IssuedReport
from plans.models import Plan
from tests.base import make_assessment, make_certification, make_world
from tests.conftest import FAST_HASHERS
from tests.practices.conftest import PDF_BYTES, make_practice, png_upload

ANON, A, B, P, OTHER, ADM = "anonymous", "official_a", "official_b", "province", "other", "admin"
C = "commune_a1"
PERSONAS = (ANON, A, B, P, OTHER, ADM, C)
YEAR = 2027
TIER_KWARGS = {"code": "98101", "year": YEAR, "tier": "modern"}


def row(anon, a, b, p, o, adm, c):
    return dict(zip(PERSONAS, (anon, a, b, p, o, adm, c), strict=True))


EVERYONE = row(302, 200, 200, 200, 200, 200, 200)
PROVINCE_98 = row(302, 404, 404, 200, 404, 200, 404)  # the province's own staff (and admin)
DISTRICT_A = row(302, 200, 404, 200, 404, 200, 404)  # district A's official, the province, admin
COMMUNE_A1 = row(302, 200, 404, 200, 404, 200, 200)  # and commune A1's own official
POST_ONLY = row(302, 405, 405, 405, 405, 405, 405)
ADMIN_ONLY = row(302, 404, 404, 404, 404, 200, 404)  # the national summary

# name -> (kwargs builder, expected GET answers)
GET_MATRIX = {
    "login": (lambda o: {}, row(200, 200, 200, 200, 200, 200, 200)),
    "logout": (lambda o: {}, row(302, 405, 405, 405, 405, 405, 405)),
    "set_language": (lambda o: {}, row(302, 302, 302, 302, 302, 302, 302)),
    "home": (lambda o: {}, EVERYONE),
    "queue_count": (lambda o: {}, EVERYONE),
    "reports:province_report": (lambda o: {"code": "98", "year": YEAR}, PROVINCE_98),
    "reports:province_report_pdf": (lambda o: {"code": "98", "year": YEAR}, PROVINCE_98),
    "reports:province_report_xlsx": (lambda o: {"code": "98", "year": YEAR}, PROVINCE_98),
    "reports:district_report": (lambda o: {"code": "981", "year": YEAR}, DISTRICT_A),
    "reports:district_report_pdf": (lambda o: {"code": "981", "year": YEAR}, DISTRICT_A),
    "reports:district_report_xlsx": (lambda o: {"code": "981", "year": YEAR}, DISTRICT_A),
    "reports:national_report": (lambda o: {"year": YEAR}, ADMIN_ONLY),
    "reports:national_report_pdf": (lambda o: {"year": YEAR}, ADMIN_ONLY),
    "reports:national_report_xlsx": (lambda o: {"year": YEAR}, ADMIN_ONLY),
    "criteria:commune_list": (lambda o: {}, EVERYONE),
    "criteria:commune_detail": (lambda o: {"code": "98101"}, COMMUNE_A1),
    "criteria:assessment_edit": (lambda o: {"code": "98101", "year": YEAR}, COMMUNE_A1),
    "criteria:assessment_submit": (lambda o: {"code": "98101", "year": YEAR}, POST_ONLY),
    "criteria:assessment_approve": (lambda o: {"code": "98101", "year": YEAR}, POST_ONLY),
    "criteria:assessment_return": (lambda o: {"code": "98101", "year": YEAR}, POST_ONLY),
    "criteria:assessment_reopen": (lambda o: {"code": "98101", "year": YEAR}, POST_ONLY),
    # A higher tier's assessment (commune A1's modern one): the same rules.
    "criteria:tier_assessment_edit": (lambda o: TIER_KWARGS, COMMUNE_A1),
    "criteria:tier_assessment_submit": (lambda o: TIER_KWARGS, POST_ONLY),
    "criteria:tier_assessment_approve": (lambda o: TIER_KWARGS, POST_ONLY),
    "criteria:tier_assessment_return": (lambda o: TIER_KWARGS, POST_ONLY),
    "criteria:tier_assessment_reopen": (lambda o: TIER_KWARGS, POST_ONLY),
    "criteria:certification_create": (lambda o: {"code": "98101"}, POST_ONLY),
    "criteria:certification_revoke": (
        lambda o: {"code": "98101", "pk": o["certification"].pk},
        POST_ONLY,
    ),
    "practices:practice_list": (lambda o: {}, EVERYONE),
    # A commune official has no province in its scope: no practices of its own (404).
    "practices:practice_create": (lambda o: {}, row(302, 200, 200, 200, 200, 200, 404)),
    "practices:practice_detail": (
        lambda o: {"pk": o["practice"].pk},
        row(302, 200, 200, 200, 404, 200, 404),
    ),
    "practices:practice_edit": (
        lambda o: {"pk": o["practice"].pk},
        row(302, 404, 404, 200, 404, 200, 404),
    ),
    "practices:practice_publish": (lambda o: {"pk": o["practice"].pk}, POST_ONLY),
    "practices:practice_unpublish": (lambda o: {"pk": o["practice"].pk}, POST_ONLY),
    "practices:attachment_add": (lambda o: {"pk": o["practice"].pk}, POST_ONLY),
    "practices:attachment_file": (
        lambda o: {"pk": o["attachment"].pk},
        row(302, 200, 200, 200, 404, 200, 404),
    ),
    "practices:attachment_thumbnail": (
        lambda o: {"pk": o["attachment"].pk},
        row(302, 200, 200, 200, 404, 200, 404),
    ),
    "practices:attachment_display": (
        lambda o: {"pk": o["attachment"].pk},
        row(302, 200, 200, 200, 404, 200, 404),
    ),
    "practices:attachment_delete": (lambda o: {"pk": o["attachment"].pk}, POST_ONLY),
    "practices:compendium_pdf": (
        lambda o: {"province_code": "98", "year": YEAR},
        row(302, 200, 200, 200, 404, 200, 404),
    ),
    # Imports: province staff and admin; district and commune officials may not import (403).
    # A preview token belongs to one session: nobody else can open it (404).
    "imports:import_upload": (lambda o: {}, row(302, 403, 403, 200, 200, 200, 403)),
    "imports:import_preview": (
        lambda o: {"token": "0" * 32},
        row(302, 403, 403, 404, 404, 404, 403),
    ),
    "imports:import_apply": (lambda o: {"token": "0" * 32}, POST_ONLY),
    "imports:import_cancel": (lambda o: {"token": "0" * 32}, POST_ONLY),
    # Without the query string naming a province these answer 400 (see QUERY_MATRIX below).
    "imports:template_download": (lambda o: {}, row(302, 403, 403, 400, 400, 400, 403)),
    "imports:export_download": (lambda o: {}, row(302, 403, 403, 400, 400, 400, 403)),
    # Plans: the province's staff and admins; district officials read them in their reports.
    "plans:plan_home": (lambda o: {}, row(302, 404, 404, 302, 302, 404, 404)),
    "plans:plan_list": (lambda o: {"code": "98"}, PROVINCE_98),
    "plans:plan_create": (lambda o: {"code": "98"}, PROVINCE_98),
    "plans:plan_edit": (lambda o: {"code": "98", "pk": o["plan"].pk}, PROVINCE_98),
    "plans:plan_import": (lambda o: {"code": "98"}, PROVINCE_98),
    # Issued reports: everyone lists those of their scope; a province report is the province's.
    "issued:issued_list": (lambda o: {}, EVERYONE),
    "issued:issued_create": (lambda o: {}, POST_ONLY),
    "issued:issued_detail": (lambda o: {"code": o["issued"].code}, PROVINCE_98),
    "issued:issued_pdf": (lambda o: {"code": o["issued"].code}, PROVINCE_98),
    "issued:issued_withdraw": (lambda o: {"code": o["issued"].code}, POST_ONLY),
    # Dossiers of commune A1 and their files.
    "dossiers:dossier_list": (lambda o: {}, EVERYONE),
    "dossiers:dossier_create": (lambda o: {}, POST_ONLY),
    "dossiers:dossier_detail": (lambda o: {"pk": o["dossier"].pk}, COMMUNE_A1),
    "dossiers:step_record": (lambda o: {"pk": o["dossier"].pk}, POST_ONLY),
    "dossiers:dossier_decide": (lambda o: {"pk": o["dossier"].pk}, POST_ONLY),
    "dossiers:evidence_add": (lambda o: {"pk": o["dossier"].pk}, POST_ONLY),
    "dossiers:dossier_document_pdf": (
        lambda o: {"pk": o["dossier"].pk, "kind": "to-trinh"},
        COMMUNE_A1,
    ),
    "dossiers:file_serve": (lambda o: {"pk": o["dossier_file"].pk}, COMMUNE_A1),
}

# Downloads scoped by a query string: province 98's template and export.
QUERY = {
    "imports:template_download": "?province=98&year=2027",
    "imports:export_download": "?province=98&first=2026&last=2027",
}
QUERY_MATRIX = {
    "imports:template_download": row(302, 403, 403, 200, 404, 200, 403),
    "imports:export_download": row(302, 403, 403, 200, 404, 200, 403),
}

# State-changing URLs: name -> (assessment state before, POST data, expected answers)
POST_MATRIX = {
    "criteria:assessment_submit": ("draft", {}, row(302, 302, 404, 302, 404, 302, 302)),
    "criteria:assessment_approve": ("submitted", {}, row(302, 403, 404, 302, 404, 302, 403)),
    "criteria:assessment_return": (
        "submitted",
        {"reason": "Thiếu hồ sơ"},
        row(302, 403, 404, 302, 404, 302, 403),
    ),
    "criteria:assessment_reopen": (
        "approved",
        {"reason": "Sửa số liệu"},
        row(302, 403, 404, 302, 404, 302, 403),
    ),
}
# The higher tiers' workflow answers exactly as the standard one.
POST_MATRIX |= {
    name.replace("criteria:", "criteria:tier_"): case for name, case in POST_MATRIX.items()
}


def url_names() -> set[str]:
    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue  # the Django admin checks its own permissions (tests/test_admin.py)
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield f"{namespace}:{p.name}" if namespace else p.name

    return set(walk(get_resolver().url_patterns))


def test_every_url_has_a_row():
    assert url_names() == set(GET_MATRIX)


@pytest.fixture(scope="module")
def module_objects(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and its objects, once for the module (see the module docstring)."""
    media, reports = tmp_path_factory.mktemp("media"), tmp_path_factory.mktemp("reports")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media, REPORT_CACHE_DIR=reports, PASSWORD_HASHERS=FAST_HASHERS
        ),
        transaction.atomic(),
    ):
        yield _build_objects(make_world())
        transaction.set_rollback(True)


@pytest.fixture
def objects(db, module_objects, monkeypatch):
    monkeypatch.setattr("ntm.lib.pdf.render_pdf", lambda html: PDF_BYTES)
    return module_objects


@pytest.fixture
def world(objects):
    return objects["world"]


def _build_objects(world) -> dict:
    from practices.services import attachment_add

    make_assessment(world.commune_a1, YEAR, world.cset, met=1, status=Assessment.Status.DRAFT)
    # Under the 2026-2030 modern pilot (loaded empty: no criteria to judge).
    assessment_create(commune=world.commune_a1, year=YEAR, tier=Assessment.Tier.MODERN)
    make_assessment(world.commune_a2, YEAR, world.cset, met=3)
    certification = make_certification(world.commune_a2, world.cset, datetime.date(YEAR, 11, 1))
    # The revoke URL names commune A1's code with A2's certification: both are in district A.
    Certification.objects.filter(pk=certification.pk).update(commune=world.commune_a1)
    practice = make_practice(
        world.province,
        "Mô hình thử",
        year=YEAR,
        district=world.district_a,
        created_by=world.province_staff,
    )
    attachment = attachment_add(practice=practice, upload=png_upload(), user=world.province_staff)
    plan = Plan.objects.create(province=world.province, year=YEAR, target_certified=1)
    issued = IssuedReport(
        province=world.province,
        kind="province",
        year=YEAR,
        area_name="tỉnh Tỉnh Thử",
        number=1,
        series_year=YEAR,
        issued_on=datetime.date(YEAR, 12, 1),
        issued_by=world.province_staff,
        code="TESTCODE",
        figures={"figures": {}, "names": {}},
        figures_sha256="0" * 64,
        pdf_sha256="0" * 64,
    )
    issued.pdf.save("TESTCODE.pdf", ContentFile(b"%PDF-fake"), save=False)
    issued.save()
    dossier = Dossier.objects.create(commune=world.commune_a1, tier="ntm", year=YEAR)
    dossier_file = file_add(
        dossier=dossier,
        upload=png_upload(),
        user=world.province_staff,
        criterion=world.cset.criteria.get(number=1),
    )
    users = {
        A: world.official_a,
        B: world.official_b,
        P: world.province_staff,
        OTHER: world.other_province_staff,
        ADM: world.admin,
        C: world.commune_official,
    }
    return {
        "world": world,
        "certification": certification,
        "practice": practice,
        "attachment": attachment,
        "plan": plan,
        "issued": issued,
        "dossier": dossier,
        "dossier_file": dossier_file,
        "users": users,
    }


def as_persona(client, objects, persona):
    if persona != ANON:
        client.force_login(objects["users"][persona])
    return client


CASES = [(name, persona) for name in sorted(GET_MATRIX) for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), CASES)
def test_get(client, objects, name, persona):
    kwargs, expected = GET_MATRIX[name]
    url = reverse(name, kwargs=kwargs(objects))
    response = as_persona(client, objects, persona).get(url)
    assert response.status_code == expected[persona], (name, persona, url)
    if response.status_code == 302 and persona == ANON and name != "set_language":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("name", "persona"), [(n, p) for n in QUERY for p in PERSONAS])
def test_scoped_downloads(client, objects, name, persona):
    url = reverse(name) + QUERY[name]
    response = as_persona(client, objects, persona).get(url)
    assert response.status_code == QUERY_MATRIX[name][persona], (name, persona)


POST_CASES = [(name, persona) for name in sorted(POST_MATRIX) for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), POST_CASES)
def test_post(client, objects, world, name, persona):
    state, data, expected = POST_MATRIX[name]
    tier = "modern" if name.startswith("criteria:tier_") else "ntm"
    kwargs = TIER_KWARGS if tier == "modern" else {"code": "98101", "year": YEAR}
    assessments = Assessment.objects.filter(commune=world.commune_a1, year=YEAR)
    assessments.update(status=state)
    url = reverse(name, kwargs=kwargs)
    response = as_persona(client, objects, persona).post(url, data)
    assert response.status_code == expected[persona], (name, persona)
    after = assessments.get(tier=tier).status
    other = assessments.exclude(tier=tier).get().status
    assert other == state  # the other tier's assessment of the year is never touched
    if expected[persona] in (403, 404) or persona == ANON:
        assert after == state  # refused: nothing changed
    else:
        assert after != state
