"""Every URL of the project, for every persona, against one table of expected answers.

The URL list comes from the resolver, with the methods each view accepts (read from its
`require_http_methods` decorator, `http_method_names` for a class-based view; a view without
either accepts GET and POST): a (name, method) without a row here fails
`test_every_url_and_method_has_a_row`. Every URL that accepts POST has a POST row: the
expected answer of each persona, and whether the allowed personas' POST writes. A POST that is
refused (or a page that only reads) leaves the project's tables as they were
(`fingerprint`); an allowed write changes them.

Object URLs point at objects of district A of province 98, so the district official of
district B, the former official of district 983 and the staff of province 97 try objects
outside their scope (guessing codes and ids must not work: 404); the commune official is
commune A1's, so its own commune's pages answer and every report of a district or province is
outside its scope; commune A2's official reaches none of A1's pages.
Codes: 302 = to the login page (anonymous) or a redirect after a successful POST; 405 = a
state-changing URL asked with GET.

The objects are built once for the module inside a transaction that is rolled back at the end;
each test runs in a savepoint within it, so what a test changes is undone before the next.
Only status codes and the tables' fingerprints are asserted here, so the one PDF pipeline
(`ntm.lib.pdf.render_pdf`) is replaced by a stub: each report, compendium and dossier document
still builds its HTML from the data (a broken template fails here), but WeasyPrint's seconds of
layout are left to the tests that read real PDFs back (tests/reports,
tests/practices/test_compendium_pdf.py, tests/dossiers).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Membership
from communes.models import DISTRICTS_END
from criteria.models import Assessment, Certification, CriterionResult, IndicatorValue
from criteria.services import assessment_create
from dossiers.models import Dossier, DossierFile, DossierStep
from dossiers.services import file_add
from issued.models import IssuedReport
from maps.services import boundary_upload
from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE
from plans.models import Plan
from practices.models import Attachment, Category, Practice
from tests.base import (
    make_assessment,
    make_certification,
    make_commune,
    make_district,
    make_user,
    make_world,
)
from tests.conftest import FAST_HASHERS
from tests.criteria.conftest import form_data, indicators
from tests.maps.files import geojson
from tests.practices.conftest import PDF_BYTES, make_practice, png_upload

ANON, A, B, P, OTHER, ADM = "anonymous", "official_a", "official_b", "province", "other", "admin"
C, C2, N, F = "commune_a1", "commune_a2", "no_role", "former_district"
# No role: logged in without a membership. C2: commune A2's official (A1's objects are not
# theirs). F: the official of district 983 of province 98, whose units all ended on 30/06/2025
# (reads its years, writes nothing; district A's objects are outside its scope).
PERSONAS = (ANON, A, B, P, OTHER, ADM, C, N, C2, F)
YEAR = 2027
TIER_KWARGS = {"code": "98101", "year": YEAR, "tier": "modern"}
# The POSTs' day: the decisions, steps and issue dates of YEAR are in the past, whatever the
# machine's clock.
POST_DAY = datetime.datetime(YEAR, 12, 10, 9, 0, tzinfo=datetime.UTC)


def row(anon, a, b, p, o, adm, c, *, n=None, c2=None, f=None):
    """The answers of the first seven personas; by default a user without a role is refused
    (403) where anonymous is sent to log in, commune A2's official answers as A1's, and the
    former district official as district B's (both outside district A)."""
    n = n if n is not None else (403 if anon == 302 else anon)
    c2 = c2 if c2 is not None else c
    f = f if f is not None else b
    return dict(zip(PERSONAS, (anon, a, b, p, o, adm, c, n, c2, f), strict=True))


EVERYONE = row(302, 200, 200, 200, 200, 200, 200)
PROVINCE_98 = row(302, 404, 404, 200, 404, 200, 404)  # the province's own staff (and admin)
DISTRICT_A = row(302, 200, 404, 200, 404, 200, 404)  # district A's official, the province, admin
COMMUNE_A1 = row(302, 200, 404, 200, 404, 200, 200, c2=404)  # and commune A1's own official
# The pages that ask accounts.roles.can_view_* answer a user without a role as one without the
# unit in scope (404); the others ask scope_for first (403).
REPORT_98 = row(302, 404, 404, 200, 404, 200, 404, n=404)
REPORT_A = row(302, 200, 404, 200, 404, 200, 404, n=404)
COMMUNE_PAGE_A1 = row(302, 200, 404, 200, 404, 200, 200, n=404, c2=404)
POST_ONLY = row(302, 405, 405, 405, 405, 405, 405, n=405)
# The boundary files ask accounts.roles.can_manage_boundaries: 404 for everyone else.
MAPS_98 = row(302, 404, 404, 200, 404, 200, 404, n=404)
ADMIN_ONLY = row(302, 404, 404, 404, 404, 200, 404, n=404)  # the national summary

# name -> (kwargs builder, expected GET answers)
GET_MATRIX = {
    "login": (lambda o: {}, row(200, 200, 200, 200, 200, 200, 200)),
    "logout": (lambda o: {}, row(302, 405, 405, 405, 405, 405, 405, n=405)),
    "set_language": (lambda o: {}, row(302, 302, 302, 302, 302, 302, 302, n=302)),
    "home": (lambda o: {}, EVERYONE),
    # The probes answer everyone alike, without login; no worker runs here, so /readyz says
    # "not ready" (503) to everyone (tests/ops/test_health.py covers its answers).
    "healthz": (lambda o: {}, row(200, 200, 200, 200, 200, 200, 200, n=200)),
    "readyz": (lambda o: {}, row(503, 503, 503, 503, 503, 503, 503, n=503)),
    "queue_count": (lambda o: {}, EVERYONE),
    # One's own mail preference: everyone signed in, a user without a role too.
    "accounts:notification_settings": (lambda o: {}, row(302, 200, 200, 200, 200, 200, 200, n=200)),
    "reports:province_report": (lambda o: {"code": "98", "year": YEAR}, REPORT_98),
    "reports:province_report_pdf": (lambda o: {"code": "98", "year": YEAR}, REPORT_98),
    "reports:province_report_xlsx": (lambda o: {"code": "98", "year": YEAR}, REPORT_98),
    "reports:district_report": (lambda o: {"code": "981", "year": YEAR}, REPORT_A),
    "reports:district_report_pdf": (lambda o: {"code": "981", "year": YEAR}, REPORT_A),
    "reports:district_report_xlsx": (lambda o: {"code": "981", "year": YEAR}, REPORT_A),
    # The re-scoring preview (GET only): the province report's readers.
    "reports:rescoring": (lambda o: {"code": "98", "year": YEAR}, REPORT_98),
    "reports:rescoring_xlsx": (lambda o: {"code": "98", "year": YEAR}, REPORT_98),
    "reports:national_report": (lambda o: {"year": YEAR}, ADMIN_ONLY),
    "reports:national_report_pdf": (lambda o: {"year": YEAR}, ADMIN_ONLY),
    "reports:national_report_xlsx": (lambda o: {"year": YEAR}, ADMIN_ONLY),
    "pages:commune_list": (lambda o: {}, EVERYONE),
    "pages:commune_detail": (lambda o: {"code": "98101"}, COMMUNE_PAGE_A1),
    "pages:assessment_edit": (lambda o: {"code": "98101", "year": YEAR}, COMMUNE_PAGE_A1),
    "pages:assessment_submit": (lambda o: {"code": "98101", "year": YEAR}, POST_ONLY),
    "pages:assessment_approve": (lambda o: {"code": "98101", "year": YEAR}, POST_ONLY),
    "pages:assessment_return": (lambda o: {"code": "98101", "year": YEAR}, POST_ONLY),
    "pages:assessment_reopen": (lambda o: {"code": "98101", "year": YEAR}, POST_ONLY),
    # A higher tier's assessment (commune A1's modern one): the same rules.
    "pages:tier_assessment_edit": (lambda o: TIER_KWARGS, COMMUNE_PAGE_A1),
    "pages:tier_assessment_submit": (lambda o: TIER_KWARGS, POST_ONLY),
    "pages:tier_assessment_approve": (lambda o: TIER_KWARGS, POST_ONLY),
    "pages:tier_assessment_return": (lambda o: TIER_KWARGS, POST_ONLY),
    "pages:tier_assessment_reopen": (lambda o: TIER_KWARGS, POST_ONLY),
    "pages:certification_create": (lambda o: {"code": "98101"}, POST_ONLY),
    "pages:certification_revoke": (
        lambda o: {"code": "98101", "pk": o["certification"].pk},
        POST_ONLY,
    ),
    "practices:practice_list": (lambda o: {}, EVERYONE),
    # A commune official has no province in its scope: no practices of its own (404).
    # A former district official reads the province's practices and proposes none.
    "practices:practice_create": (lambda o: {}, row(302, 200, 200, 200, 200, 200, 404, f=404)),
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
        row(302, 200, 200, 200, 404, 200, 404, n=404),
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
    # Boundary files of province 98 (issue 29): its staff and admins upload and read them.
    "maps:boundary_list": (lambda o: {"code": "98"}, MAPS_98),
    "maps:boundary_detail": (lambda o: {"code": "98", "pk": o["boundary"].pk}, MAPS_98),
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

# --- POST -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A POST row: the URL's kwargs and data (built from the module's objects), the answer per
    persona, whether the allowed personas' POST changes the tables (False: it writes a session
    or a file only, or nothing), and what to set up first (`prepare(objects)`, undone with the
    test's savepoint)."""

    kwargs: Callable[[dict], dict]
    data: Callable[[dict], dict]
    expected: dict
    writes: bool = True
    prepare: Callable[[dict], None] | None = None


def _status(state: str, tier: str = "ntm"):
    def prepare(o):
        Assessment.objects.filter(commune=o["world"].commune_a1, year=YEAR, tier=tier).update(
            status=state
        )

    return prepare


def _no_decision(o):
    """Commune A1's dossier of YEAR in progress: no decision recognises A1 yet."""
    Certification.objects.filter(commune=o["world"].commune_a1).delete()


def _certifiable(o):
    """Commune A1 meets every criterion of YEAR and has no decision yet."""
    w = o["world"]
    Certification.objects.filter(commune=w.commune_a1).delete()
    Assessment.objects.filter(commune=w.commune_a1, year=YEAR, tier="ntm").delete()
    make_assessment(w.commune_a1, YEAR, w.cset, met=w.cset.criteria.count())


def _assessment_data(tier: str):
    def data(o):
        a = Assessment.objects.get(commune=o["world"].commune_a1, year=YEAR, tier=tier)
        if tier != "ntm":  # the modern pilot's set has no criteria: its note is all there is
            return {"version": str(a.version), "note": "Ghi chú mới"}
        values = dict.fromkeys(indicators(o["world"].cset), "1")
        return form_data(o["world"].cset, a.version, values, note="Ghi chú mới")

    return data


def _practice_data(o, **overrides):
    w = o["world"]
    return {
        "province": w.province.pk,
        "title": "Mô hình nuôi ong lấy mật",
        "category": Category.objects.order_by("order").last().pk,
        "district": w.district_a.pk,
        "communes": [w.commune_a1.pk],
        "year": 2026,
        "criteria": [w.cset.criteria.get(number=2).pk],
        "summary": "Hộ nuôi ong theo tổ hợp tác.",
        "results": "Thu nhập tăng.",
        "households": "12",
        "investment_million_vnd": "",
        "income_million_vnd": "45,5",
        "contact": "Tổ hợp tác ong, xã Một",
        "partners": "",
    } | overrides


def _published(o):
    Practice.objects.filter(pk=o["practice"].pk).update(status=Practice.Status.PUBLISHED)


def _draft(o):
    Practice.objects.filter(pk=o["practice"].pk).update(status=Practice.Status.DRAFT)


def _export(o) -> SimpleUploadedFile:
    from imports.writer import export_workbook

    content = export_workbook(o["world"].province, YEAR, YEAR)
    return SimpleUploadedFile("xuat.xlsx", content, content_type=XLSX_CONTENT_TYPE)


PLAN = {"year": YEAR, "tier": "ntm", "target_certified": 2, "note": "Kế hoạch thử"}
DECISION = {
    "tier": "ntm",
    "decision_number": "123/QĐ-UBND",
    "decision_date": "2027-11-15",
    "authority": "Chủ tịch UBND tỉnh",
    "dossier_reason": "Hồ sơ giấy lưu tại Sở",
}
A1 = {"code": "98101", "year": YEAR}
TOKEN = {"token": "0" * 32}
REVIEW = row(302, 403, 404, 302, 404, 302, 403, n=404, c2=404, f=404)
ALL_404 = row(302, 404, 404, 302, 404, 302, 404, f=404)  # the province's (and admins') write

POST_MATRIX = {
    # The session's own: nothing of the project's tables changes.
    "login": Post(
        lambda o: {},
        lambda o: {"username": "nobody", "password": "wrong"},
        row(200, 200, 200, 200, 200, 200, 200),
        writes=False,
    ),
    "logout": Post(
        lambda o: {}, lambda o: {}, row(302, 302, 302, 302, 302, 302, 302, n=302), writes=False
    ),
    "set_language": Post(
        lambda o: {},
        lambda o: {"language": "en", "next": "/"},
        row(302, 302, 302, 302, 302, 302, 302, n=302),
        writes=False,
    ),
    # The user's own preference (no table of a province's: `fingerprint` does not see it).
    "accounts:notification_settings": Post(
        lambda o: {},
        lambda o: {"email": ""},
        row(302, 302, 302, 302, 302, 302, 302, n=302),
        writes=False,
    ),
    # Assessments of commune A1 (its own official enters and sends; the province reviews).
    "pages:assessment_edit": Post(
        lambda o: A1,
        _assessment_data("ntm"),
        row(302, 403, 404, 302, 404, 302, 302, n=404, c2=404, f=404),
        prepare=_status("draft"),
    ),
    "pages:tier_assessment_edit": Post(
        lambda o: TIER_KWARGS,
        _assessment_data("modern"),
        row(302, 403, 404, 302, 404, 302, 302, n=404, c2=404, f=404),
        prepare=_status("draft", "modern"),
    ),
    "pages:assessment_submit": Post(
        lambda o: A1,
        lambda o: {},
        row(302, 302, 404, 302, 404, 302, 302, n=404, c2=404, f=404),
        prepare=_status("draft"),
    ),
    "pages:assessment_approve": Post(
        lambda o: A1, lambda o: {}, REVIEW, prepare=_status("submitted")
    ),
    "pages:assessment_return": Post(
        lambda o: A1, lambda o: {"reason": "Thiếu hồ sơ"}, REVIEW, prepare=_status("submitted")
    ),
    "pages:assessment_reopen": Post(
        lambda o: A1, lambda o: {"reason": "Sửa số liệu"}, REVIEW, prepare=_status("approved")
    ),
    "pages:certification_create": Post(
        lambda o: {"code": "98101"}, lambda o: DECISION, REVIEW, prepare=_certifiable
    ),
    "pages:certification_revoke": Post(
        lambda o: {"code": "98101", "pk": o["certification"].pk},
        lambda o: {"revoked_on": "2027-12-01", "reason": "Sai phạm hồ sơ"},
        REVIEW,
    ),
    # Good practices of district A (the province's staff created it).
    "practices:practice_create": Post(
        lambda o: {},
        _practice_data,
        # A district outside the user's scope is a form error (the page again, 400).
        row(302, 302, 400, 302, 400, 302, 404, c2=404, f=404),
    ),
    "practices:practice_edit": Post(
        lambda o: {"pk": o["practice"].pk},
        lambda o: _practice_data(o, title="Mô hình đã sửa"),
        ALL_404,
    ),
    "practices:practice_publish": Post(
        lambda o: {"pk": o["practice"].pk}, lambda o: {}, ALL_404, prepare=_draft
    ),
    "practices:practice_unpublish": Post(
        lambda o: {"pk": o["practice"].pk}, lambda o: {}, ALL_404, prepare=_published
    ),
    "practices:attachment_add": Post(
        lambda o: {"pk": o["practice"].pk},
        lambda o: {"file": png_upload(), "caption": "Ảnh"},
        ALL_404,
    ),
    "practices:attachment_delete": Post(
        lambda o: {"pk": o["attachment"].pk}, lambda o: {}, ALL_404
    ),
    # Plans of province 98.
    "plans:plan_create": Post(
        lambda o: {"code": "98"}, lambda o: PLAN | {"year": YEAR + 1}, ALL_404
    ),
    "plans:plan_edit": Post(
        lambda o: {"code": "98", "pk": o["plan"].pk},
        lambda o: PLAN | {"target_certified": 3},
        ALL_404,
    ),
    # A file that is no workbook: refused with a message (400), nothing written.
    "plans:plan_import": Post(
        lambda o: {"code": "98"},
        lambda o: {"file": SimpleUploadedFile("a.xlsx", b"not a workbook")},
        row(302, 404, 404, 400, 404, 400, 404, f=404),
        writes=False,
    ),
    # Imports: the upload stores a pending file (no table of the project); apply and cancel
    # need a token of the user's own session (404 for a token that is not).
    "imports:import_upload": Post(
        lambda o: {},
        lambda o: {"file": _export(o)},
        row(302, 403, 403, 302, 302, 302, 403, c2=403, f=403),
        writes=False,
    ),
    "imports:import_apply": Post(
        lambda o: TOKEN, lambda o: {}, row(302, 403, 403, 404, 404, 404, 403, c2=403, f=403)
    ),
    "imports:import_cancel": Post(
        lambda o: TOKEN, lambda o: {}, row(302, 403, 403, 404, 404, 404, 403, c2=403, f=403)
    ),
    # Issued reports: the province's staff issue their own province's (the other province's
    # staff issue province 97's: a write of their own).
    "issued:issued_create": Post(
        lambda o: {},
        lambda o: {
            "province": "98",
            "kind": "province",
            "year": YEAR,
            "issued_on": "2027-12-20",
        },
        row(302, 404, 404, 302, 302, 302, 404, c2=404, f=404),
    ),
    "issued:issued_withdraw": Post(
        lambda o: {"code": o["issued"].code}, lambda o: {"reason": "Sai số liệu"}, ALL_404
    ),
    # Dossiers of commune A1: its official, district A's and the province's record its steps;
    # the decision is the province's.
    "dossiers:dossier_create": Post(
        lambda o: {},
        lambda o: {"year": YEAR, "commune": "98101", "tier": "advanced"},
        row(302, 302, 400, 302, 400, 302, 302, c2=400, f=400),
    ),
    "dossiers:step_record": Post(
        lambda o: {"pk": o["dossier"].pk},
        lambda o: {"step": "self_assessment", "done_on": "2027-09-01"},
        row(302, 302, 404, 302, 404, 302, 302, c2=404, f=404),
        prepare=_no_decision,
    ),
    "dossiers:dossier_decide": Post(
        lambda o: {"pk": o["dossier"].pk},
        lambda o: {
            "decision_number": "1/QĐ",
            "decision_date": "2027-11-20",
            "authority": "UBND tỉnh",
            "reason": "Hồ sơ giấy đã đủ",
        },
        row(302, 403, 404, 302, 404, 302, 403, c2=404, f=404),
        prepare=_certifiable,
    ),
    # A boundary file that is not GeoJSON: refused with its reason (400), nothing written.
    "maps:boundary_list": Post(
        lambda o: {"code": "98"},
        lambda o: {
            "file": SimpleUploadedFile("xa.geojson", b"{not json"),
            "describes_on": "2027-01-01",
            "source": "Sở NN&MT",
        },
        row(302, 404, 404, 400, 404, 400, 404, n=404, f=404),
        writes=False,
    ),
    "dossiers:evidence_add": Post(
        lambda o: {"pk": o["dossier"].pk},
        lambda o: {"file": png_upload(), "criterion": o["world"].cset.criteria.get(number=1).pk},
        row(302, 302, 404, 302, 404, 302, 302, c2=404, f=404),
        prepare=_no_decision,
    ),
}
# The higher tiers' workflow answers exactly as the standard one.
for _name in ("submit", "approve", "return", "reopen"):
    _case = POST_MATRIX[f"pages:assessment_{_name}"]
    _state = {"submit": "draft", "approve": "submitted", "return": "submitted"}.get(
        _name, "approved"
    )
    POST_MATRIX[f"pages:tier_assessment_{_name}"] = Post(
        lambda o: TIER_KWARGS, _case.data, _case.expected, prepare=_status(_state, "modern")
    )

# Pages that only read and take any method: a POST answers as the GET and writes nothing.
READ_ONLY_POST = {
    "home",
    "reports:province_report",
    "reports:province_report_pdf",
    "reports:province_report_xlsx",
    "reports:district_report",
    "reports:district_report_pdf",
    "reports:district_report_xlsx",
    "reports:national_report",
    "reports:national_report_pdf",
    "reports:national_report_xlsx",
    "pages:commune_list",
    "pages:commune_detail",
    "practices:practice_list",
    "practices:practice_detail",
    "practices:attachment_file",
    "practices:attachment_thumbnail",
    "practices:attachment_display",
    "practices:compendium_pdf",
    "plans:plan_home",
    "plans:plan_list",
    "issued:issued_list",
    "issued:issued_detail",
    "issued:issued_pdf",
    "dossiers:dossier_list",
    "dossiers:dossier_detail",
    "dossiers:dossier_document_pdf",
    "dossiers:file_serve",
    "maps:boundary_detail",
}

ANY = ("GET", "POST")


def allowed_methods(callback) -> set[str]:
    """The methods a view answers (of GET and POST): those of its `require_http_methods`
    (`require_GET`, `require_POST`), read from the decorator's closure; a class-based view's
    `http_method_names`; otherwise both."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names} & set(ANY)
    func = callback
    while func is not None:
        names = func.__code__.co_freevars
        cells = dict(zip(names, func.__closure__ or (), strict=True))
        if "request_method_list" in cells:
            return set(cells["request_method_list"].cell_contents) & set(ANY)
        func = getattr(func, "__wrapped__", None)
    return set(ANY)


def url_methods() -> dict[str, set[str]]:
    """Every named URL pattern (the admin's apart) with the methods its view answers."""

    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace == "admin":
                    continue  # the Django admin checks its own permissions (tests/test_admin.py)
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                yield name, allowed_methods(p.callback)

    return dict(walk(get_resolver().url_patterns))


def test_every_url_and_method_has_a_row():
    methods = url_methods()
    # Every URL has a GET row (405 for those that only take POST).
    assert set(methods) == set(GET_MATRIX)
    posting = {name for name, allowed in methods.items() if "POST" in allowed}
    assert posting == set(POST_MATRIX) | READ_ONLY_POST
    assert not set(POST_MATRIX) & READ_ONLY_POST
    # The rows say 405 exactly where the view refuses GET.
    for name, allowed in methods.items():
        refuses_get = set(GET_MATRIX[name][1].values()) - {302} == {405}
        assert refuses_get == ("GET" not in allowed), name


def test_the_methods_are_read_from_the_views():
    methods = url_methods()
    assert methods["dossiers:dossier_decide"] == {"POST"}
    assert methods["imports:import_preview"] == {"GET"}
    assert methods["imports:import_upload"] == {"GET", "POST"}
    assert methods["pages:assessment_edit"] == {"GET", "POST"}
    assert methods["logout"] == {"POST"}


# The tables a POST may write, limited to the test world's provinces (the demo's rows are many
# and no URL here touches them): a refused POST must leave every row as it was.
WRITTEN = {
    Assessment: "commune__province__code",
    CriterionResult: "assessment__commune__province__code",
    IndicatorValue: "assessment__commune__province__code",
    Certification: "commune__province__code",
    Practice: "province__code",
    Attachment: "practice__province__code",
    Plan: "province__code",
    IssuedReport: "province__code",
    Dossier: "commune__province__code",
    DossierStep: "dossier__commune__province__code",
    DossierFile: "dossier__commune__province__code",
}


def fingerprint() -> dict:
    world = ("98", "97")
    return {
        model.__name__: list(
            model.objects.filter(**{f"{path}__in": world}).order_by("pk").values_list()
        )
        for model, path in WRITTEN.items()
    }


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
    boundary = boundary_upload(
        province=world.province,
        name="xa.geojson",
        data=geojson(["98101"]),
        describes_on=datetime.date(YEAR, 1, 1),
        source="Sở NN&MT",
    )
    ended = make_district(world.province, "983", "Huyện Đã Nhập")
    make_commune(ended, "98301", "Xã Đã Nhập", valid_to=DISTRICTS_END)
    users = {
        N: make_user("no-role"),
        C2: make_user(
            "commune-a2", role=Membership.Role.COMMUNE_OFFICIAL, commune=world.commune_a2
        ),
        F: make_user("former-983", role=Membership.Role.DISTRICT_OFFICIAL, district=ended),
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
        "boundary": boundary,
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
def test_post(client, objects, name, persona, time_machine):
    """The persona's answer; a refused POST leaves the tables as they were, an allowed one
    (of a row that writes) changes them."""
    time_machine.move_to(POST_DAY)
    case = POST_MATRIX[name]
    if case.prepare is not None:
        case.prepare(objects)
    url = reverse(name, kwargs=case.kwargs(objects))
    data = case.data(objects)
    before = fingerprint()
    response = as_persona(client, objects, persona).post(url, data)
    assert response.status_code == case.expected[persona], (name, persona)
    allowed = response.status_code == 302 and persona != ANON
    if case.writes and allowed:
        assert fingerprint() != before, (name, persona)
    else:
        assert fingerprint() == before, (name, persona)


READ_POST_CASES = [(name, persona) for name in sorted(READ_ONLY_POST) for persona in PERSONAS]


@pytest.mark.parametrize(("name", "persona"), READ_POST_CASES)
def test_a_post_to_a_page_answers_as_its_get_and_writes_nothing(client, objects, name, persona):
    kwargs, expected = GET_MATRIX[name]
    url = reverse(name, kwargs=kwargs(objects))
    before = fingerprint()
    response = as_persona(client, objects, persona).post(url, {})
    assert response.status_code == expected[persona], (name, persona)
    assert fingerprint() == before


def test_an_upload_is_applied_by_its_uploader_only(client, objects, tmp_path, time_machine):
    """The import's apply with a real token: every other persona is refused (a token of
    another session is not found; a role that may not import is refused) and nothing is
    written; the uploader's apply writes commune B1's 2027 assessment."""
    from django.test import Client

    from tests.imports.conftest import write_xlsx

    time_machine.move_to(POST_DAY)
    Assessment.objects.filter(commune=objects["world"].commune_b1, year=YEAR).delete()
    path = write_xlsx(
        tmp_path / "b1.xlsx", [["Mã xã", "Năm", "TC1", "TC2", "TC3"], ["98201", YEAR, "x", "x", ""]]
    )
    as_persona(client, objects, P)
    with path.open("rb") as fh:
        response = client.post(reverse("imports:import_upload"), {"file": fh})
    assert response.status_code == 302
    token = response["Location"].rstrip("/").split("/")[-1]
    apply_url = reverse("imports:import_apply", kwargs={"token": token})
    refused = row(302, 403, 403, None, 404, 404, 403, c2=403, f=403)
    before = fingerprint()
    for persona in PERSONAS:
        if persona == P:
            continue
        other = as_persona(Client(), objects, persona)
        assert other.post(apply_url).status_code == refused[persona], persona
        cancel = reverse("imports:import_cancel", kwargs={"token": token})
        assert other.post(cancel).status_code == refused[persona], persona
        assert fingerprint() == before, persona
    assert client.post(apply_url).status_code == 302
    assert fingerprint() != before
    assert Assessment.objects.get(commune=objects["world"].commune_b1, year=YEAR).criteria_met == 2


# The admin's pages are left to the admin's own check (tests/test_admin.py), except those that
# answer their own access rule instead of the admin's staff check: the catalogue workbook's
# (accounts.roles.can_manage_catalogue; 403 for every other logged-in user).
CATALOGUE_ONLY = row(302, 403, 403, 403, 403, 200, 403)
ADMIN_OWN_CHECK = {
    "admin:criteria_criteriaset_catalogue_export": (
        lambda o: {"pk": o["world"].cset.pk},
        CATALOGUE_ONLY,
    ),
    "admin:criteria_criteriaset_catalogue_import": (
        lambda o: {"pk": o["world"].cset.pk},
        CATALOGUE_ONLY,
    ),
}


def test_the_admin_pages_with_their_own_check_are_listed():
    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and namespace == "admin":
                yield f"admin:{p.name}"

    catalogue = {name for name in walk(get_resolver().url_patterns) if "catalogue" in name}
    assert catalogue == set(ADMIN_OWN_CHECK)


@pytest.mark.parametrize(
    ("name", "persona"), [(n, p) for n in sorted(ADMIN_OWN_CHECK) for p in PERSONAS]
)
def test_admin_pages_with_their_own_check(client, objects, name, persona):
    from criteria.models import Indicator, Threshold

    kwargs, expected = ADMIN_OWN_CHECK[name]
    url = reverse(name, kwargs=kwargs(objects))
    client = as_persona(client, objects, persona)
    response = client.get(url)
    assert response.status_code == expected[persona], (name, persona)
    if persona == ANON:
        assert response["Location"].startswith(reverse("login"))
    # An apply asked by anyone else writes nothing (there is nothing to apply for the admin).
    before = (list(Indicator.objects.values_list()), list(Threshold.objects.values_list()))
    answer = client.post(url, {"apply": "1"}).status_code
    if expected[persona] != 200:
        assert answer in (expected[persona], 405), (name, persona)
    assert (list(Indicator.objects.values_list()), list(Threshold.objects.values_list())) == before


# The villages workbook's upload (admin:communes_village_load) sits behind the admin's own staff
# check and then asks accounts.roles.can_load_villages: every persona without the admin's staff
# flag is sent to the admin's login; an admin loads. (Staff flags given to a province's staff
# and a district official: tests/communes/test_village_admin.py.)
VILLAGES_LOAD = row(302, 302, 302, 302, 302, 200, 302, n=302, c2=302, f=302)


@pytest.mark.parametrize("persona", PERSONAS)
def test_villages_upload(client, objects, persona):
    from communes.models import Village

    url = reverse("admin:communes_village_load")
    client = as_persona(client, objects, persona)
    assert client.get(url).status_code == VILLAGES_LOAD[persona], persona
    before = list(Village.objects.values_list())
    answer = client.post(url, {"apply": "1"}).status_code
    assert answer == 302  # to a login, or back to the upload (nothing previewed to apply)
    assert list(Village.objects.values_list()) == before
