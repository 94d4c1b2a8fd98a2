"""Pages about communes and their assessments: the commune list, the commune page, the
assessment form, the review workflow and certification.

Access is decided in the `_get_*_for_user` helpers: out of the user's scope is 404 (guessing a
code reveals nothing), in scope but not allowed by the role is 403. Every change is a POST that
goes through `criteria.services`; a certification decision through the dossiers' rule first
(`dossiers.services.certification_record`: a complete dossier, or a reason).
"""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from accounts.roles import scope_for
from communes.models import Commune, CommuneGroupAssignment, District, year_end
from criteria import applicable, queue, services
from criteria.catalogue_import import (
    CatalogueRefused,
    catalogue_apply,
    other_set_error,
    plan_catalogue,
)
from criteria.catalogue_workbook import Upload, catalogue_xlsx, read_catalogue_upload
from criteria.evaluation import Catalogue, evaluate_assessment
from criteria.forms import (
    AssessmentForm,
    CatalogueUploadForm,
    CertificationForm,
    ReasonForm,
    RevocationForm,
    indicator_field,
)
from criteria.history import assessment_history, revision
from criteria.lineage import lineage_profile
from criteria.models import (
    TIER_BELOW,
    TIER_LEVEL,
    TIER_SLUG,
    Assessment,
    Certification,
    CriteriaSet,
    Tier,
)
from criteria.services import PROGRAMME_FIRST_DATE
from criteria.standing import Band, bands_for, with_standing
from dossiers import services as dossier_services
from ntm.lib.spreadsheet import XLSX_CONTENT_TYPE
from ntm.lib.text import starts_a_word_q
from ntm.lib.workbook import WorkbookError
from ntm.lib.years import YEAR_MAX, date_from_query, year_from_query
from practices.learning import practices_for_commune

PAGE_SIZE = 50


def _band_choices(n_criteria: int | None) -> dict[str, Band]:
    """The criteria-met bands of the reports (criteria.standing.bands_for) as the list's filter:
    "all" for the top band, "15-18" for the others; none without a set in force."""
    bands = bands_for(n_criteria) if n_criteria else []
    return {"all" if b.is_top else f"{b.low}-{b.high}": b for b in bands}


def _year(request: HttpRequest, default: int) -> int:
    """`?year=` (404 when it is not a year), else `default`."""
    year = year_from_query(request)
    return default if year is None else year


def _criteria_count(year: int) -> int | None:
    """Criteria in the set in force in `year` (one query), None when there is no set."""
    found = (
        CriteriaSet.objects.for_year(year)
        .annotate(n=Count("criteria"))
        .values_list("n", flat=True)
        .first()
    )
    return found


# --- Access ---------------------------------------------------------------------------------


def _get_commune_for_user(request: HttpRequest, code: str, year: int | None = None):
    """The commune with `code` (the unit of `year` when a reissued code is shared), or 404
    when there is none or it lies outside the user's scope."""
    commune = (
        Commune.objects.with_code(code, year).select_related("district", "province__region").first()
    )
    if commune is None:
        raise Http404
    if not roles.can_view_commune(request.user, commune):
        raise Http404
    return commune, scope_for(request.user)


def _get_assessment_for_user(request: HttpRequest, code: str, year: int, tier: str = Tier.NTM):
    commune, scope = _get_commune_for_user(request, code, year)
    assessment = get_object_or_404(
        Assessment.objects.select_related("criteria_set", "submitted_by", "approved_by"),
        commune=commune,
        year=year,
        tier=tier,
    )
    assessment.commune = commune  # the access predicates read it
    return assessment, commune, scope


# --- Commune list ---------------------------------------------------------------------------


def _report_areas(scope, districts, district_code: str) -> list[tuple[str, str, str]]:
    """The reports the list links to: (kind, code, label) for the user's province and for the
    district shown (a district official's own, or the district filter)."""
    areas = []
    if scope.province is not None and not scope.is_district:
        areas.append(("province", scope.province.code, str(scope.province)))
    shown = scope.district or next((d for d in districts if d.code == district_code), None)
    if shown is not None:
        areas.append(("district", shown.code, str(shown)))
    return areas


def _list_default_year(scope, latest: int | None) -> int:
    """The year the list opens on: a commune official's working year (its own unit's work);
    for others the latest year assessed in the scope, else the working year, or for a
    district that ended before it (30/06/2025) its last year (the last 31 December it
    existed on). No query."""
    working = queue.working_year()
    if scope.is_commune:
        return working
    if latest is not None:
        return latest
    ended = scope.district.valid_to if scope.district is not None else None
    if ended is not None and ended < year_end(working):
        return (ended + datetime.timedelta(days=1)).year - 1
    return working


def commune_list(request: HttpRequest) -> HttpResponse:
    """Programme communes in the user's scope for a year, with criteria met, the year's
    assessment status and certification, as the units stand on `?as_at=` (default 31/12 of the
    year; the year of `as_at` when no year is given). Twelve queries whatever the number of
    communes (session and user, scope, latest year, criteria count, permissions, districts,
    units outside the programme, count, page)."""
    scope = scope_for(request.user)
    # MAX() rather than ORDER BY year DESC LIMIT 1: with the whole country loaded, PostgreSQL
    # answered the LIMIT form by walking the year index backwards through every other
    # province's later years (194 ms); MAX goes through the scope's communes (1 ms).
    latest = (
        Assessment.objects.standard()
        .filter(commune__in=scope.communes())
        .aggregate(latest=Max("year"))["latest"]
    )
    as_at = date_from_query(request, "as_at", year=year_from_query(request))
    year = as_at.year if as_at else _year(request, _list_default_year(scope, latest))
    as_at = as_at or year_end(year)
    n_criteria = _criteria_count(year)
    units = scope.communes().valid_on(as_at)
    communes = units.in_programme()
    districts = District.objects.filter(pk__in=communes.values("district_id")).order_by("code")
    this_year = Assessment.objects.standard().filter(commune=OuterRef("pk"), year=year)
    rows = with_standing(communes.select_related("district"), year, as_at=as_at).annotate(
        status=Subquery(this_year.values("status")[:1]),
        year_met=Subquery(this_year.values("criteria_met")[:1]),
    )

    district = request.GET.get("district", "")
    if district:
        rows = rows.filter(district__code=district)
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(starts_a_word_q("search_name", q) | Q(code__startswith=q))
    status = request.GET.get("status", "")
    if status == "none":
        rows = rows.filter(status__isnull=True)
    elif status in Assessment.Status.values:
        rows = rows.filter(status=status)
    band = request.GET.get("band", "")
    bands = _band_choices(n_criteria)
    if band in bands:
        chosen = bands[band]
        rows = rows.filter(met__gte=chosen.low)
        if not chosen.is_top:
            rows = rows.filter(met__lte=chosen.high)
    border = request.GET.get("border", "")
    if border in ("1", "0"):
        rows = rows.filter(is_border=border == "1")
    disadvantaged = request.GET.get("disadvantaged", "")
    if disadvantaged in ("1", "0"):
        rows = rows.filter(is_disadvantaged=disadvantaged == "1")

    page = Paginator(rows.order_by("district__code", "code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    filters = request.GET.copy()
    filters.pop("page", None)
    ctx = {
        "year": year,
        "as_at": as_at,
        # "?as_at=…" for the report links when a day other than 31/12 was asked for.
        "as_at_query": "" if as_at == year_end(year) else f"?as_at={as_at.isoformat()}",
        # Wards and thị trấn exist on the day but are outside the programme: not listed, and
        # the page says how many (Lạng Sơn 2026: 65 units, 61 xã listed, 4 phường).
        "outside_programme": units.filter(in_programme=False).count(),
        "report_areas": _report_areas(scope, districts, district),
        "n_criteria": n_criteria,
        # The year field's bounds: the programme's first year to the last the app knows.
        "years": (PROGRAMME_FIRST_DATE.year, YEAR_MAX),
        "page": page,
        "districts": districts,
        "district": district,
        "q": q,
        "status": status,
        "statuses": Assessment.Status.choices,
        "band": band,
        "bands": [
            (key, _("Đạt tất cả tiêu chí") if b.is_top else capfirst(b.label))
            for key, b in bands.items()
        ],
        "border": border,
        "disadvantaged": disadvantaged,
        "query": filters.urlencode(),
        "can_create": n_criteria is not None and roles.can_create_assessments(request.user),
    }
    return render(request, "criteria/commune_list.html", ctx)


# --- Commune page ---------------------------------------------------------------------------


def _year_rows(commune: Commune) -> list[dict]:
    """A row per assessed year with criteria met, status and the criteria gained and lost
    since the previous assessed year (two queries)."""
    assessments = list(
        commune.assessments.standard()
        .select_related("criteria_set")
        .annotate(n_criteria=Count("criteria_set__criteria"))
        .order_by("year")
    )
    met_numbers: dict[int, set[int]] = {a.pk: set() for a in assessments}
    for assessment_id, number in (
        commune.assessments.standard()
        .filter(results__met=True)
        .values_list("pk", "results__criterion__number")
    ):
        met_numbers[assessment_id].add(number)
    rows, previous = [], None
    for a in assessments:
        met = met_numbers[a.pk]
        comparable = previous is not None and previous.criteria_set_id == a.criteria_set_id
        rows.append(
            {
                "assessment": a,
                "gained": sorted(met - met_numbers[previous.pk]) if comparable else [],
                "lost": sorted(met_numbers[previous.pk] - met) if comparable else [],
                "new_set": previous is not None and not comparable,
            }
        )
        previous = a
    rows.reverse()
    return rows


def _tier_rows(commune: Commune) -> list[Assessment]:
    """The commune's advanced, model and modern assessments, newest year first (one query)."""
    return list(
        commune.assessments.exclude(tier=Tier.NTM)
        .select_related("criteria_set")
        .annotate(n_criteria=Count("criteria_set__criteria"))
        .order_by("-year", "tier")
    )


def _tier_offers(user, commune: Commune, latest_year: int | None, tier_rows) -> list[dict]:
    """The higher tiers whose assessment the user may start here, each for one year: the year
    after the tier's latest assessment, else the year of the latest standard assessment. A
    tier is offered where the commune may have one: a set of the tier is in force that year
    and the commune holds the certification of the tier below (models.TIER_BELOW) on 31/12 of
    it. One query; none when the user may not create assessments."""
    if latest_year is None or not commune.in_programme:
        return []
    latest: dict[str, int] = {}
    for a in tier_rows:
        latest[a.tier] = max(latest.get(a.tier, a.year), a.year)
    offered = {tier: latest[tier] + 1 if tier in latest else latest_year for tier in TIER_SLUG}
    years = {
        tier: y
        for tier, y in offered.items()
        if commune.exists_in(y) and roles.can_create_assessment(user, commune, y)
    }
    if not years:
        return []
    checks = {}
    for tier, y in years.items():
        checks[f"set_{tier}"] = Exists(CriteriaSet.objects.for_year(y, TIER_LEVEL[tier]))
        checks[f"below_{tier}"] = Exists(
            Certification.objects.in_force_on(year_end(y)).filter(
                commune=OuterRef("pk"), tier=TIER_BELOW[tier]
            )
        )
    found = Commune.objects.filter(pk=commune.pk).annotate(**checks).values(*checks).get()
    return [
        {
            "year": y,
            "title": CriteriaSet.Level(TIER_LEVEL[tier]).label,
            "url": reverse("criteria:tier_assessment_edit", args=[commune.code, y, tier]),
        }
        for tier, y in years.items()
        if found[f"set_{tier}"] and found[f"below_{tier}"]
    ]


def _render_commune(request, commune, scope, *, status=200, **forms) -> HttpResponse:
    can_certify = roles.can_certify(request.user, commune)
    years = _year_rows(commune)
    latest_year = years[0]["assessment"].year if years else None
    tier_rows = _tier_rows(commune)
    # A unit never assessed (one formed on 01/07/2025) starts with the working year.
    next_year = (latest_year + 1) if latest_year else queue.working_year()
    can_create = (
        next_year is not None
        and roles.can_create_assessment(request.user, commune, next_year)
        and commune.exists_in(next_year)
        and CriteriaSet.objects.for_year(next_year).exists()
    )
    target, bound = forms.get("revocation_target"), forms.get("revocation_form")
    certifications = [
        {
            "certification": cert,
            # Ids per row: several revocation forms share the page.
            "form": bound
            if cert.pk == target
            else RevocationForm(auto_id=f"id_revoke{cert.pk}_%s"),
            "open": cert.pk == target,
        }
        for cert in commune.certifications.select_related("created_by", "criteria_set")
    ]
    ctx = {
        "commune": commune,
        "year_param": request.GET.get("year", ""),
        "lineage": lineage_profile(commune),
        "successors": list(
            commune.successor_links.select_related("successor").order_by("successor__code")
        ),
        "years": years,
        "latest_year": latest_year,
        "tier_rows": tier_rows,
        "tier_offers": _tier_offers(request.user, commune, latest_year, tier_rows),
        # Published practices helping the criteria missed in the latest year (two queries).
        "learn_from": practices_for_commune(commune, latest_year) if latest_year else [],
        "certifications": certifications,
        "can_certify": can_certify,
        "next_year": next_year if can_create else None,
        "certification_form": forms.get("certification_form")
        or CertificationForm(initial=_certify_initial(request)),
    }
    return render(request, "criteria/commune_detail.html", ctx, status=status)


def _certify_initial(request: HttpRequest) -> dict:
    """`?certify=<year>` (the work queue's "record the decision" link) opens the form with
    the year to recognise filled in; `?certify=1` only opens it."""
    value = request.GET.get("certify", "")
    if len(value) == 4 and value.isdigit() and 2000 <= int(value) <= YEAR_MAX:
        return {"recognised_year": int(value)}
    return {}


def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    year = _year(request, 0) or None
    commune, scope = _get_commune_for_user(request, code, year)
    return _render_commune(request, commune, scope)


@require_POST
def certification_create(request: HttpRequest, code: str) -> HttpResponse:
    commune, scope = _get_commune_for_user(request, code, _year(request, 0) or None)
    if not roles.can_certify(request.user, commune):
        raise PermissionDenied
    form = CertificationForm(request.POST)
    if form.is_valid():
        try:
            conditions = form.conditions()
            data = {k: v for k, v in form.cleaned_data.items() if k not in conditions}
            # Through the dossier's rule: a complete dossier, or the reason given in the form.
            dossier_services.certification_record(
                commune=commune, user=request.user, conditions=conditions, **data
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Đã ghi nhận quyết định công nhận."))
            return redirect(_commune_url(commune, request))
    return _render_commune(request, commune, scope, status=400, certification_form=form)


@require_POST
def certification_revoke(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    commune, scope = _get_commune_for_user(request, code, _year(request, 0) or None)
    certification = get_object_or_404(Certification, pk=pk, commune=commune)
    if not roles.can_revoke_certification(request.user, commune):
        raise PermissionDenied
    form = RevocationForm(request.POST, auto_id=f"id_revoke{pk}_%s")
    if form.is_valid():
        try:
            services.certification_revoke(
                certification=certification,
                revoked_on=form.cleaned_data["revoked_on"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as e:
            form.add_error(None, e)
        else:
            messages.success(request, _("Đã thu hồi quyết định công nhận."))
            return redirect(_commune_url(commune, request))
    return _render_commune(
        request, commune, scope, status=400, revocation_form=form, revocation_target=pk
    )


def _commune_url(commune: Commune, request: HttpRequest) -> str:
    url = commune.get_absolute_url()
    year = _year(request, 0)
    return f"{url}?year={year}" if year else url


# --- Assessment form ------------------------------------------------------------------------


HISTORY_PAGE_SIZE = 20


def assessment_edit(
    request: HttpRequest, code: str, year: int, tier: str = Tier.NTM
) -> HttpResponse:
    """GET shows the assessment of `code` in `year` at `tier` (the standard one at
    /communes/<code>/<year>/, a higher tier's at /communes/<code>/<year>/<slug>/), an empty form
    when there is none yet and the user may create it (under a set of the tier's level in force
    that year, prefilled from the latest approved assessment of the same set with
    `?prefill=1`); POST saves it through `services.assessment_save`. A unit the user can see
    but with no assessment to show (or a tier without a set that year) answers a page that says
    why, never a 404.

    Queries do not grow with the catalogue: the catalogue is loaded in three, the saved values,
    results and the three history tables in one each."""
    try:
        commune, scope = _get_commune_for_user(request, code, year)
    except Http404:
        if request.method != "GET":
            raise
        return _assessment_missing(request, code, year, None, tier)
    assessment = (
        Assessment.objects.select_related("criteria_set", "revision", "submitted_by", "approved_by")
        .filter(commune=commune, year=year, tier=tier)
        .first()
    )
    user = request.user
    if assessment is not None:
        assessment.commune = commune  # the access predicates read it
    may_change = roles.can_change_assessments(user, commune, year)
    set_choices = []
    previous = None  # the approved assessment a new form may start from
    values, results, carried = {}, {}, frozenset()
    if assessment is None:
        if request.method == "GET" and not (
            roles.can_create_assessment(user, commune, year) and commune.in_programme
        ):
            return _assessment_missing(request, code, year, commune, tier)
        if not roles.can_create_assessment(user, commune, year):
            raise Http404
        if not commune.in_programme:
            # No form for a unit that assessment_create refuses (wards, townships).
            raise Http404
        # Where periods overlap (2021 and early 2022, early 2026) the user picks the set with
        # ?set=<code>; the form posts back to the same address, so the choice is kept.
        level = TIER_LEVEL[tier]
        try:
            criteria_set = applicable.criteria_set_for_year(
                year, level, code=request.GET.get("set")
            )
        except ValidationError:
            if request.method == "GET" and not request.GET.get("set"):
                return _assessment_missing(request, code, year, commune, tier)
            raise Http404 from None  # a ?set= that does not apply to the year is a bad address
        set_choices = list(CriteriaSet.objects.for_year(year, level))
        if request.method == "GET":
            # Same set only: indicators of another set are other questions.
            previous = (
                Assessment.objects.approved()
                .filter(commune=commune, year__lt=year, tier=tier, criteria_set=criteria_set)
                .order_by("-year")
                .first()
            )
            if previous is not None and request.GET.get("prefill") == "1":
                values = {v.indicator_id: v for v in previous.values.all()}
                carried = frozenset(
                    pk
                    for pk, v in values.items()
                    if v.value is not None or v.value_secondary is not None or v.met is not None
                )
    else:
        criteria_set = assessment.criteria_set

    # 318/QĐ-TTg: a designated commune is judged against the northern-mountain levels (one
    # query, only under a set with that rule); the page says so.
    designation = applicable.designation_for_thresholds(commune, year, criteria_set)
    key = applicable.threshold_key(commune, year, criteria_set, designated=designation is not None)
    # This commune's thresholds only, as at the revision the assessment stands on.
    revision = applicable.revision_for(criteria_set, year, assessment)
    catalogue = Catalogue.load(criteria_set, for_key=key, revision=revision)
    by_group = criteria_set.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP
    # The assignment rather than the group: its note says what it rests on ("minh họa").
    assignment = (
        CommuneGroupAssignment.objects.filter(commune=commune, group_id=key.commune_group_id)
        .filter(year_from__lte=year)
        .exclude(year_to__lt=year)
        .select_related("group")
        .order_by("-year_from")
        .first()
        if by_group and key.commune_group_id
        else None
    )
    commune_group = assignment.group if assignment else None
    if assessment is not None:
        values = {v.indicator_id: v for v in assessment.values.all()}
        results = {r.criterion_id: r for r in assessment.results.all()}
    locked = assessment is not None and assessment.status == Assessment.Status.APPROVED
    editable = assessment is None or roles.can_edit_assessment(user, assessment)

    def make_form(data=None):
        return AssessmentForm(
            data,
            catalogue=catalogue,
            key=key,
            values=values,
            results=results,
            note=assessment.note if assessment else "",
            version=assessment.version if assessment else 0,
            disabled=not editable,
            carried=carried,
        )

    stale = None
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        # Values carried over from last year that the user has not confirmed or changed yet
        # (assessment-form.js drops the marker when they do): still marked after a refusal.
        carried = frozenset(
            ind.pk
            for ind in catalogue.all_indicators()
            if request.POST.get(indicator_field(ind.pk, "carried")) == "1"
        )
        form = make_form(request.POST)
        if locked:
            messages.error(request, _("Đánh giá đã được phê duyệt và bị khóa."))
            return redirect(request.path)
        if not editable:
            raise PermissionDenied  # a commune official's assessment while the province has it
        if form.is_valid():
            outcome = _save(request, commune, year, tier, assessment, form, criteria_set)
            if outcome is None:
                messages.success(request, _("Đã lưu đánh giá."))
                return redirect(request.path)
            if isinstance(outcome, services.StaleAssessment):
                stale = _stale_context(outcome.current, form, request)
                form = stale["form"]
            else:
                form.add_service_errors(outcome)
        status = 409 if stale else 400
    elif request.method == "GET":
        form = make_form()
        status = 200
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})

    typed = form.to_input()
    evaluation = evaluate_assessment(catalogue, key, typed.entries, typed.criterion_flags)
    if assessment is not None and not editable:
        # A page that cannot be edited shows what was recorded, not a recount: a threshold
        # edited since the approval changes no mark and no total (the script recounts only
        # while editing).
        evaluation.criteria_met = {
            c.pk: results[c.pk].met if c.pk in results else False for c in catalogue.criteria
        }
    met_total = assessment.criteria_met if assessment is not None and not editable else None
    can_review = assessment is not None and roles.can_review(user, assessment)
    state = assessment.status if assessment else None
    history = assessment_history(assessment, catalogue) if assessment else []
    can_submit = state == Assessment.Status.DRAFT and roles.can_submit(user, assessment)
    ctx = {
        "commune": commune,
        "year": year,
        # The higher tier's name in titles ("Xã nông thôn mới nâng cao"); empty for the
        # standard tier, whose page is unchanged.
        "tier_title": "" if tier == Tier.NTM else CriteriaSet.Level(TIER_LEVEL[tier]).label,
        "urls": _assessment_urls(commune.code, year, tier),
        "assessment": assessment,
        "form": form,
        "groups": form.groups(evaluation),
        "error_summary": form.error_summary() if not stale else [],
        "met_total": evaluation.total if met_total is None else met_total,
        "n_criteria": len(catalogue.criteria),
        "criteria_set": criteria_set,
        "revision": revision,
        "set_choices": set_choices if len(set_choices) > 1 else [],
        "previous": previous,
        "prefilled": bool(carried) and request.method == "GET",
        "carried_count": len(carried),
        "by_group": by_group,
        "commune_group": commune_group,
        "commune_group_note": assignment.note if assignment else "",
        "province": commune.province,
        "region": criteria_set.designated_region if designation else commune.province.region,
        "designation": designation,
        "editable": editable,
        "locked": locked,
        "stale": stale,
        "returned": state == Assessment.Status.DRAFT and bool(assessment.return_reason),
        "can_submit": can_submit,
        "can_approve": state == Assessment.Status.SUBMITTED and can_review,
        "can_return": state == Assessment.Status.SUBMITTED and can_review,
        "can_reopen": state == Assessment.Status.APPROVED and can_review,
        "history": Paginator(history, HISTORY_PAGE_SIZE).get_page(request.GET.get("history_page")),
        # Published practices helping the standard criteria still missed (two queries).
        "learn_from": practices_for_commune(commune, year) if tier == Tier.NTM else [],
    }
    return render(request, "criteria/assessment_form.html", ctx, status=status)


def _assessment_urls(code: str, year: int, tier: str) -> dict[str, str]:
    """The page and workflow addresses of the assessment of `code` in `year` at `tier`."""
    names = ("edit", "submit", "approve", "return", "reopen")
    if tier == Tier.NTM:
        return {n: reverse(f"criteria:assessment_{n}", args=[code, year]) for n in names}
    return {n: reverse(f"criteria:tier_assessment_{n}", args=[code, year, tier]) for n in names}


def _assessment_missing(
    request, code: str, year: int, commune, tier: str = Tier.NTM
) -> HttpResponse:
    """There is no assessment of `code` in `year` at `tier` to show and the user may not
    start one here: say why, with the way back. 404 only when the user can see no unit with
    the code."""
    if commune is None:
        commune = Commune.objects.with_code(code).select_related("district", "province").first()
        if commune is None or not roles.can_view_commune(request.user, commune):
            raise Http404
        reason = _("%(unit)s không tồn tại trong năm %(year)s.") % {
            "unit": f"{commune.get_kind_display()} {commune.name}",
            "year": year,
        }
    elif not commune.in_programme:
        reason = _("%(unit)s không thuộc chương trình nông thôn mới.") % {
            "unit": f"{commune.get_kind_display()} {commune.name}"
        }
    elif tier == Tier.NTM and not CriteriaSet.objects.for_year(year).exists():
        reason = _("Không có bộ tiêu chí nào áp dụng cho năm %(year)s.") % {"year": year}
    elif tier != Tier.NTM and not CriteriaSet.objects.for_year(year, TIER_LEVEL[tier]).exists():
        # 2026-2030 has one national commune set and the modern pilot, no national advanced
        # or model set (ntm-reference §16.2, §16.5); 2018-2020 had no national advanced set
        # (§5.2). An administrator adds a set (a province's own, say) when its text is at hand.
        reason = _(
            "Không có bộ tiêu chí “%(level)s” nào áp dụng cho năm %(year)s, nên chưa nhập được "
            "đánh giá hạng này. Khi có văn bản (ví dụ bộ tiêu chí của tỉnh), quản trị viên "
            "thêm bộ tiêu chí trong trang quản trị."
        ) % {"level": CriteriaSet.Level(TIER_LEVEL[tier]).label, "year": year}
    elif roles.can_submit(request.user, _Unsaved(commune, year)):
        reason = _(
            "Đánh giá do UBND xã hoặc cán bộ tỉnh nhập; khi có, bạn xem và gửi tỉnh duyệt tại đây."
        )
    else:
        reason = _("Bạn không có quyền tạo đánh giá này.")
    ctx = {
        "commune": commune,
        "year": year,
        "reason": reason,
        "tier_title": "" if tier == Tier.NTM else CriteriaSet.Level(TIER_LEVEL[tier]).label,
        # The standard assessment of the year, the way on from a higher tier's missing page.
        "standard_url": ""
        if tier == Tier.NTM
        else reverse("criteria:assessment_edit", args=[commune.code, year]),
    }
    return render(request, "criteria/assessment_missing.html", ctx)


class _Unsaved:
    """What the access predicates read of an assessment that does not exist yet."""

    def __init__(self, commune, year):
        self.commune, self.year = commune, year


def _save(request, commune, year, tier, assessment, form, criteria_set):
    """None when saved; the StaleAssessment or ValidationError otherwise (nothing written)."""
    expected = form.cleaned_data["version"]
    try:
        # One revision: a new assessment and its first values are one history entry.
        with transaction.atomic(), revision():
            if assessment is None:
                existing = Assessment.objects.filter(commune=commune, year=year, tier=tier).first()
                if existing is not None:
                    # Someone created it since this form was opened.
                    raise services.StaleAssessment(existing)
                assessment = services.assessment_create(
                    commune=commune,
                    year=year,
                    user=request.user,
                    criteria_set_code=criteria_set.code,
                    tier=tier,
                )
                expected = assessment.version
            services.assessment_save(
                assessment=assessment,
                data=form.to_input(),
                user=request.user,
                expected_version=expected,
                catalogue=form.catalogue,
            )
    except (services.StaleAssessment, ValidationError) as e:
        return e
    return None


def _stale_context(current: Assessment, form: AssessmentForm, request) -> dict:
    """What changed since the form was opened: the user's values against the saved ones. The
    form comes back with the user's input and the current version, so saving again is a
    deliberate choice made with the differences in view."""
    values = {v.indicator_id: v for v in current.values.all()}
    results = {r.criterion_id: r for r in current.results.all()}
    last = current.history.select_related("history_user").first()
    data = request.POST.copy()
    data["version"] = str(current.version)
    fresh = AssessmentForm(
        data,
        catalogue=form.catalogue,
        key=form.key,
        values=values,
        results=results,
        note=current.note,
        version=current.version,
    )
    fresh.is_valid()
    return {
        "form": fresh,
        "changes": form.changes_against(values, results, current.note),
        "current": current,
        "by": last.history_user if last else None,
        "by_name": _user_name(last.history_user if last else None),
        "at": last.history_date if last else None,
    }


def _user_name(user) -> str:
    if user is None:
        return _("hệ thống")
    return user.get_full_name() or user.username


# --- Workflow -------------------------------------------------------------------------------


def _workflow_action(
    request, code: str, year: int, tier: str, action, *, review: bool, reason: bool, done: str
) -> HttpResponse:
    assessment, _commune, _scope = _get_assessment_for_user(request, code, year, tier)
    if review:
        allowed = roles.can_review(request.user, assessment)
    else:
        allowed = roles.can_submit(request.user, assessment)
    if not allowed:
        raise PermissionDenied
    kwargs = {"assessment": assessment, "user": request.user}
    if reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Cần ghi lý do."))
            return redirect(assessment)
        kwargs["reason"] = form.cleaned_data["reason"]
    try:
        action(**kwargs)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, done)
    return redirect(assessment)


@require_POST
def assessment_submit(
    request: HttpRequest, code: str, year: int, tier: str = Tier.NTM
) -> HttpResponse:
    return _workflow_action(
        request,
        code,
        year,
        tier,
        services.assessment_submit,
        review=False,
        reason=False,
        done=_("Đã gửi đánh giá lên tỉnh duyệt."),
    )


@require_POST
def assessment_approve(
    request: HttpRequest, code: str, year: int, tier: str = Tier.NTM
) -> HttpResponse:
    return _workflow_action(
        request,
        code,
        year,
        tier,
        services.assessment_approve,
        review=True,
        reason=False,
        done=_("Đã phê duyệt đánh giá."),
    )


@require_POST
def assessment_return(
    request: HttpRequest, code: str, year: int, tier: str = Tier.NTM
) -> HttpResponse:
    return _workflow_action(
        request,
        code,
        year,
        tier,
        services.assessment_return,
        review=True,
        reason=True,
        done=_("Đã trả lại đánh giá để sửa."),
    )


@require_POST
def assessment_reopen(
    request: HttpRequest, code: str, year: int, tier: str = Tier.NTM
) -> HttpResponse:
    return _workflow_action(
        request,
        code,
        year,
        tier,
        services.assessment_reopen,
        review=True,
        reason=True,
        done=_("Đã mở lại đánh giá."),
    )


# --- The catalogue workbook (linked from the criteria set's page in the admin) ----------------

CATALOGUE_SESSION_KEY = "catalogue_upload:{pk}"


def _get_catalogue_set_for_user(request: HttpRequest, pk: int) -> CriteriaSet:
    """The set whose catalogue the user may download and load: 403 for anyone else."""
    if not roles.can_manage_catalogue(request.user):
        raise PermissionDenied
    return get_object_or_404(CriteriaSet, pk=pk)


@require_GET
def catalogue_export(request: HttpRequest, pk: int) -> HttpResponse:
    cset = _get_catalogue_set_for_user(request, pk)
    response = HttpResponse(catalogue_xlsx(cset), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="bo-tieu-chi-{cset.code}.xlsx"'
    return response


@require_http_methods(["GET", "POST"])
def catalogue_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload, preview (the dry run), apply. Between the two steps the parsed workbook (text
    only, bounded by catalogue_workbook.LIMITS) waits in the user's session, not the file: the
    apply plans it again against the set as it then stands, so nothing is applied that the
    preview did not check, and no uploaded file is kept on disk."""
    cset = _get_catalogue_set_for_user(request, pk)
    key = CATALOGUE_SESSION_KEY.format(pk=cset.pk)
    form = CatalogueUploadForm()
    plan = None
    if request.method == "POST" and "apply" in request.POST:
        data = request.session.get(key)
        if data is None:
            messages.error(request, _("Chưa có tệp xem trước (hoặc đã áp dụng): hãy tải tệp lên."))
            return redirect("admin:criteria_criteriaset_catalogue_import", cset.pk)
        try:
            plan = catalogue_apply(Upload.from_data(data), user=request.user)
        except CatalogueRefused as exc:
            plan = exc.plan
        else:
            del request.session[key]
            if plan.revision is None:
                messages.info(request, _("Tệp không khác bộ tiêu chí: không có gì thay đổi."))
            else:
                messages.success(
                    request,
                    _("Đã nhập bộ tiêu chí theo lần sửa đổi “%(citation)s”.")
                    % {"citation": plan.revision.citation},
                )
            return redirect("admin:criteria_criteriaset_change", cset.pk)
    elif request.method == "POST":
        form = CatalogueUploadForm(request.POST, request.FILES)
        request.session.pop(key, None)
        if form.is_valid():
            try:
                upload = read_catalogue_upload(form.cleaned_data["file"])
            except WorkbookError as exc:
                form.add_error("file", exc.message)
            else:
                plan = plan_catalogue(upload)
                if plan.criteria_set is not None and plan.criteria_set.pk != cset.pk:
                    plan.errors.append(other_set_error(upload, cset))
                if not plan.errors and plan.changes:
                    request.session[key] = upload.to_data()
    ctx = {
        **admin.site.each_context(request),
        "title": _("Nhập bộ tiêu chí từ tệp"),
        "opts": CriteriaSet._meta,
        "original": cset,
        "form": form,
        "plan": plan,
        "counts": plan.counts() if plan else None,
    }
    return render(request, "admin/criteria/criteriaset/catalogue_import.html", ctx)
