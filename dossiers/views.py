"""Certification dossiers. Users see the dossiers of the communes in their scope (404
otherwise); who records which step is the step's data (its procedure's `recorder`) asked of
accounts.roles (403 otherwise); the decision is the province's (`roles.can_certify`)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from accounts.roles import Scope, scope_for
from communes.models import Commune, year_end
from criteria.applicable import criteria_set_for_year
from criteria.models import Assessment, Criterion, Indicator
from dossiers import services
from dossiers.forms import DecisionForm, DossierCreateForm, EvidenceForm, StepForm
from dossiers.models import Dossier, DossierFile, Procedure, Step
from ntm.lib import pdf
from ntm.lib.years import year_from_query
from practices import uploads


def _units(scope: Scope, year: int):
    """The programme units the user may open a dossier for in `year`: those of the user's
    area at the end of the year (a code names one unit on a day)."""
    day = year_end(year)
    if scope.is_commune:
        units = Commune.objects.filter(pk=scope.commune.pk).valid_on(day)
    elif scope.is_admin:
        units = Commune.objects.of_area(on=day)
    else:
        units = Commune.objects.of_area(on=day, province=scope.province, district=scope.district)
    return units.in_programme().order_by("name", "code")


def _dossiers(scope: Scope):
    return (
        Dossier.objects.filter(commune__in=scope.communes().values("pk"))
        .with_completion()
        .select_related("commune__district")
    )


def _create_form(scope: Scope, year: int, *args) -> DossierCreateForm:
    return DossierCreateForm(*args, units=lambda y: _units(scope, y), year=year)


def _recordable(request: HttpRequest, dossier: Dossier, procedure_steps) -> list:
    """The steps of the dossier the user may record (the form offers only those)."""
    return [
        s
        for s in procedure_steps
        if roles.can_record_dossier_step(request.user, dossier.commune, s.recorder)
    ]


def _get_dossier_for_user(request: HttpRequest, pk: int) -> tuple[Dossier, Scope]:
    scope = scope_for(request.user)
    dossier = get_object_or_404(
        Dossier.objects.select_related("commune__district", "commune__province", "certification"),
        pk=pk,
    )
    if not scope.covers_commune(dossier.commune):
        raise Http404
    return dossier, scope


def _criteria(dossier: Dossier):
    try:
        cset = criteria_set_for_year(dossier.year)
    except ValidationError:
        return Criterion.objects.none()
    return cset.criteria.order_by("number")


def _indicators(criteria):
    """The indicators of the dossier's criteria, for evidence per indicator."""
    return (
        Indicator.objects.filter(criterion__in=criteria)
        .select_related("criterion")
        .order_by("criterion__number", "order", "code")
    )


def _evidence_form(criteria, *args) -> EvidenceForm:
    return EvidenceForm(*args, criteria=criteria, indicators=_indicators(criteria))


def dossier_list(request: HttpRequest) -> HttpResponse:
    """The dossiers of the user's scope, and a new one for a unit of `?year=` (default: this
    year), picked among the units of that year."""
    scope = scope_for(request.user)
    year = year_from_query(request) or timezone.localdate().year
    return _render_list(request, scope, _create_form(scope, year), year)


def _render_list(request, scope, form, year, *, status=200) -> HttpResponse:
    ctx = {"dossiers": _dossiers(scope), "form": form, "year": year}
    return render(request, "dossiers/dossier_list.html", ctx, status=status)


@require_POST
def dossier_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    form = _create_form(scope, timezone.localdate().year, request.POST)
    if form.is_valid():
        if not roles.can_open_dossier(request.user, form.cleaned_data["commune"]):
            raise PermissionDenied
        try:
            dossier = services.dossier_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lập hồ sơ."))
            return redirect(dossier)
    year = form.fields["year"].initial
    return _render_list(request, scope, form, year, status=400)


def _render(request, dossier, scope, *, status=200, **forms) -> HttpResponse:
    procedure = dossier.procedure()
    procedure_steps = dossier.procedure_steps(procedure)
    steps = {s.step: s for s in dossier.steps.select_related("recorded_by")}
    files = list(dossier.files.select_related("criterion", "indicator", "uploaded_by"))
    criteria = _criteria(dossier)
    posting_days = procedure.posting_days if procedure else None
    rows = [
        {
            "step": item.step,
            "label": item.get_step_display(),
            "recorder": item.get_recorder_display(),
            "record": steps.get(item.step),
            "files": [f for f in files if f.step == item.step],
        }
        for item in procedure_steps
    ]
    # Steps recorded under the procedure as it stood then and no longer in it stay shown.
    known = {item.step for item in procedure_steps}
    rows += [
        {
            "step": step,
            "label": Step(step).label,
            "record": steps[step],
            "files": [f for f in files if f.step == step],
            "outside": True,
        }
        for step in Step
        if step in steps and step not in known
    ]
    for row in rows:
        record = row["record"]
        row["deadline"] = record.posting_deadline(posting_days) if record else None
    complete = dossier.is_complete
    evidence = [_evidence_row(c, files) for c in criteria]
    ctx = {
        "dossier": dossier,
        "procedure": procedure,
        "decision": dossier.decision() if complete else None,
        "complete": complete,
        "no_district_step": dossier.commune.district_id is None
        and procedure is not None
        and len(procedure_steps) < len(procedure.steps.all()),
        "rows": rows,
        "documents": _documents(procedure_steps),
        "evidence": evidence,
        "missing": [] if complete else services.missing(dossier, procedure, steps, files),
        "step_form": forms.get("step_form")
        or StepForm(steps=_recordable(request, dossier, procedure_steps)),
        "decision_form": (forms.get("decision_form") or DecisionForm())
        if roles.can_certify(request.user, dossier.commune)
        else None,
        "evidence_form": forms.get("evidence_form") or _evidence_form(criteria),
    }
    return render(request, "dossiers/dossier_detail.html", ctx, status=status)


def _evidence_row(criterion: Criterion, files: list[DossierFile]) -> dict:
    """A criterion's own evidence, then its indicators' (only those with a file), in order."""
    own = [f for f in files if f.criterion_id == criterion.pk]
    by_indicator: dict[int, dict] = {}
    for f in own:
        if f.indicator_id is not None:
            by_indicator.setdefault(f.indicator_id, {"indicator": f.indicator, "files": []})
            by_indicator[f.indicator_id]["files"].append(f)
    return {
        "criterion": criterion,
        "files": [f for f in own if f.indicator_id is None],
        "indicators": sorted(
            by_indicator.values(), key=lambda row: (row["indicator"].order, row["indicator"].code)
        ),
    }


def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier, scope = _get_dossier_for_user(request, pk)
    return _render(request, dossier, scope)


@require_POST
def step_record(request: HttpRequest, pk: int) -> HttpResponse:
    dossier, scope = _get_dossier_for_user(request, pk)
    procedure_steps = dossier.procedure_steps(dossier.procedure())
    # A step of the procedure that is another level's: refused as such, not as a bad choice.
    asked = next((s for s in procedure_steps if s.step == request.POST.get("step")), None)
    if asked is not None and not roles.can_record_dossier_step(
        request.user, dossier.commune, asked.recorder
    ):
        raise PermissionDenied
    recordable = _recordable(request, dossier, procedure_steps)
    form = StepForm(request.POST, request.FILES, steps=recordable)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.step_record(
                dossier=dossier,
                user=request.user,
                upload=data.pop("document"),
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã ghi bước của hồ sơ."))
            return redirect(dossier)
    return _render(request, dossier, scope, status=400, step_form=form)


@require_POST
def dossier_decide(request: HttpRequest, pk: int) -> HttpResponse:
    dossier, scope = _get_dossier_for_user(request, pk)
    if not roles.can_certify(request.user, dossier.commune):
        raise PermissionDenied
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.dossier_decide(dossier=dossier, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã ghi quyết định công nhận; hồ sơ đã hoàn thành."))
            return redirect(dossier)
    return _render(request, dossier, scope, status=400, decision_form=form)


@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    dossier, scope = _get_dossier_for_user(request, pk)
    if not roles.can_add_dossier_evidence(request.user, dossier.commune):
        raise PermissionDenied
    form = _evidence_form(_criteria(dossier), request.POST, request.FILES)
    if form.is_valid():
        try:
            services.file_add(
                dossier=dossier,
                user=request.user,
                upload=form.cleaned_data["file"],
                criterion=form.cleaned_data["criterion"],
                indicator=form.cleaned_data["indicator"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("Đã tải tệp minh chứng lên."))
            return redirect(dossier)
    return _render(request, dossier, scope, status=400, evidence_form=form)


def file_serve(request: HttpRequest, pk: int) -> FileResponse:
    """Files are not under a public URL: only users whose scope covers the commune get them."""
    scope = scope_for(request.user)
    item = get_object_or_404(
        DossierFile.objects.select_related("dossier__commune__district"), pk=pk
    )
    if not scope.covers_commune(item.dossier.commune):
        raise Http404
    # The practices' rule: checked images inline, every other file (PDFs too) as a download.
    return uploads.file_response(
        item.file, item.content_type, filename=item.original_name, download=False
    )


# The documents the procedure prescribes, printed from the dossier's data (issue 17 item 4):
# URL kind -> (template suffix, the step whose document it is). A dossier offers those of its
# procedure's steps (no appraisal report where the procedure has no appraisal step).
DOCUMENT_KINDS = {
    "tu-danh-gia": ("self_assessment", Step.SELF_ASSESSMENT),
    "tham-dinh": ("appraisal", Step.APPRAISAL),
    "to-trinh": ("proposal", Step.PROPOSAL),
}


def _documents(procedure_steps) -> list[dict]:
    """The documents the dossier's steps call for, in DOCUMENT_KINDS order."""
    present = {item.step for item in procedure_steps}
    return [{"kind": kind} for kind, (_template, step) in DOCUMENT_KINDS.items() if step in present]


def _document_context(dossier: Dossier, kind: str, procedure: Procedure | None) -> dict:
    commune = dossier.commune
    province = commune.province
    district = commune.district
    commune_authority = _("UBND %(kind)s %(name)s") % {
        "kind": commune.get_kind_display().lower(),
        "name": commune.name,
    }
    province_authority = _("UBND tỉnh %(name)s") % {"name": province.name}
    # Appraisal by the district before 01/07/2025; the province after (no district then).
    if district is not None:
        appraisal_authority = _("UBND %(kind)s %(name)s") % {
            "kind": district.get_kind_display().lower(),
            "name": district.name,
        }
    else:
        appraisal_authority = province_authority
    authority, place = {
        "self_assessment": (commune_authority, commune.name),
        "appraisal": (appraisal_authority, district.name if district else province.name),
        "proposal": (province_authority, province.name),
    }[kind]
    assessment = (
        Assessment.objects.approved()
        .filter(commune=commune, year=dossier.year, tier=dossier.tier)
        .select_related("criteria_set")
        .first()
    )
    results, total = [], None
    if assessment is not None:
        results = list(assessment.results.select_related("criterion").order_by("criterion__number"))
        total = assessment.criteria_set.criteria.count()
    return {
        "dossier": dossier,
        "commune": commune,
        "authority": authority,
        "place": place,
        "assessment": assessment,
        "results": results,
        "total": total,
        "steps": {s.step: s for s in dossier.steps.all()},
        # A blank to fill in where the procedure's text is not known (2026-2030).
        "legal_basis": (procedure.legal_basis if procedure else "") or "……………",
    }


def dossier_document_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The self-assessment report, the appraisal report or the proposal, as a PDF with the
    official header of the reports. Rendered each time (documents to sign, not issued)."""
    if kind not in DOCUMENT_KINDS:
        raise Http404
    template, step = DOCUMENT_KINDS[kind]
    dossier, _scope = _get_dossier_for_user(request, pk)
    procedure = dossier.procedure()
    if services.step_of(dossier, step, procedure) is None:
        raise Http404
    html = render_to_string(
        f"dossiers/document_{template}.html",
        _document_context(dossier, template, procedure),
        request,
    )
    response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
    filename = f"{kind}-{dossier.commune.code}-{dossier.year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
