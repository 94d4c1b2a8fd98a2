"""Pages about communes: the commune list, the commune page and its certification decisions
(record, revoke).

Access is decided in the `get_*_for_user` helpers: out of the user's scope is 404 (guessing a
code reveals nothing), in scope but not allowed by the role is 403. Every change is a POST that
goes through the domain's services; a certification decision through its one entry point
(`dossiers.services.certification_record`: a complete dossier, or a reason).
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import scope_for
from communes.models import Commune, District, year_end
from criteria import certifications, queue
from criteria.forms import CertificationForm, RevocationForm
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
from criteria.standing import Band, bands_for, with_standing
from dossiers import services as dossier_services
from ntm.lib.text import starts_a_word_q
from ntm.lib.years import PROGRAMME_FIRST_YEAR, YEAR_MAX, date_from_query, year_from_query
from practices.learning import practices_for_commune

PAGE_SIZE = 50


def _band_choices(n_criteria: int | None, near_standard_missing: int | None) -> dict[str, Band]:
    """The criteria-met bands of the reports (criteria.standing.bands_for, with the set's
    near-standard band) as the list's filter: "all" for the top band, "15-18" for the others;
    none without a set in force."""
    bands = bands_for(n_criteria, near_standard_missing) if n_criteria else []
    return {"all" if b.is_top else f"{b.low}-{b.high}": b for b in bands}


def _year(request: HttpRequest, default: int) -> int:
    """`?year=` (404 when it is not a year), else `default`."""
    year = year_from_query(request)
    return default if year is None else year


def _criteria_count(year: int) -> tuple[int | None, int | None]:
    """Criteria in the set in force in `year` and its `near_standard_missing` (one query),
    (None, None) when there is no set."""
    found = (
        CriteriaSet.objects.for_year(year)
        .annotate(n=Count("criteria"))
        .values_list("n", "near_standard_missing")
        .first()
    )
    return found or (None, None)


# --- Access ---------------------------------------------------------------------------------


def get_commune_for_user(request: HttpRequest, code: str, year: int | None = None):
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
    n_criteria, near_standard_missing = _criteria_count(year)
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
    bands = _band_choices(n_criteria, near_standard_missing)
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
        "years": (PROGRAMME_FIRST_YEAR, YEAR_MAX),
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
    return render(request, "pages/commune_list.html", ctx)


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
            "url": reverse("pages:tier_assessment_edit", args=[commune.code, y, tier]),
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
    village_day = _village_day(request, commune)
    ctx = {
        "commune": commune,
        "year_param": request.GET.get("year", ""),
        "village_day": village_day,
        # The commune's villages on the day shown, their ĐBKK status and recognitions (two
        # queries).
        "villages": list(
            commune.villages.valid_on(village_day)
            .with_status_on(village_day)
            .prefetch_related("recognitions")
            .order_by("name")
        ),
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
    return render(request, "pages/commune_detail.html", ctx, status=status)


def _village_day(request: HttpRequest, commune: Commune) -> datetime.date:
    """The day the villages are shown on: 31/12 of the year asked, else today, within the
    unit's own validity (an ended unit shows its villages of its last day)."""
    year = _year(request, 0)
    day = year_end(year) if year else timezone.localdate()
    if commune.valid_to is not None and day > commune.valid_to:
        day = commune.valid_to
    if commune.valid_from is not None and day < commune.valid_from:
        day = commune.valid_from
    return day


def _certify_initial(request: HttpRequest) -> dict:
    """`?certify=<year>` (the work queue's "record the decision" link) opens the form with
    the year to recognise filled in; `?certify=1` only opens it."""
    value = request.GET.get("certify", "")
    if len(value) == 4 and value.isdigit() and PROGRAMME_FIRST_YEAR <= int(value) <= YEAR_MAX:
        return {"recognised_year": int(value)}
    return {}


def commune_detail(request: HttpRequest, code: str) -> HttpResponse:
    year = _year(request, 0) or None
    commune, scope = get_commune_for_user(request, code, year)
    return _render_commune(request, commune, scope)


@require_POST
def certification_create(request: HttpRequest, code: str) -> HttpResponse:
    commune, scope = get_commune_for_user(request, code, _year(request, 0) or None)
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
    commune, scope = get_commune_for_user(request, code, _year(request, 0) or None)
    certification = get_object_or_404(Certification, pk=pk, commune=commune)
    if not roles.can_revoke_certification(request.user, commune):
        raise PermissionDenied
    form = RevocationForm(request.POST, auto_id=f"id_revoke{pk}_%s")
    if form.is_valid():
        try:
            certifications.certification_revoke(
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
