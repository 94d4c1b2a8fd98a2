"""Certification dossiers. Users see the dossiers of the communes in their scope (404
otherwise); district officials record the commune and district steps, province staff every
step and the decision."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Scope, scope_for
from criteria.applicable import criteria_set_for_year
from criteria.models import Assessment, Criterion, Indicator
from dossiers import services
from dossiers.forms import DecisionForm, DossierCreateForm, EvidenceForm, StepForm
from dossiers.models import PROVINCE_STEPS, Dossier, DossierFile, Step
from ntm.lib import pdf
from practices import uploads


def _communes(scope: Scope):
    return scope.communes().in_programme()


def _get_dossier_for_user(request: HttpRequest, pk: int) -> tuple[Dossier, Scope]:
    scope = scope_for(request.user)
    dossier = get_object_or_404(
        Dossier.objects.select_related("commune__district", "certification"), pk=pk
    )
    if not scope.covers_commune(dossier.commune):
        raise Http404
    return dossier, scope


def _may_record(scope: Scope, step: str) -> bool:
    return not scope.is_district or step not in PROVINCE_STEPS


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
    scope = scope_for(request.user)
    dossiers = Dossier.objects.filter(commune__in=_communes(scope).values("pk")).select_related(
        "commune__district", "certification"
    )
    form = DossierCreateForm(communes=_communes(scope).filter(valid_to__isnull=True))
    return render(request, "dossiers/dossier_list.html", {"dossiers": dossiers, "form": form})


@require_POST
def dossier_create(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    form = DossierCreateForm(request.POST, communes=_communes(scope))
    if form.is_valid():
        try:
            dossier = services.dossier_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã lập hồ sơ."))
            return redirect(dossier)
    dossiers = Dossier.objects.filter(commune__in=_communes(scope).values("pk"))
    ctx = {"dossiers": dossiers.select_related("commune__district"), "form": form}
    return render(request, "dossiers/dossier_list.html", ctx, status=400)


def _render(request, dossier, scope, *, status=200, **forms) -> HttpResponse:
    steps = {s.step: s for s in dossier.steps.select_related("recorded_by")}
    files = list(dossier.files.select_related("criterion", "indicator", "uploaded_by"))
    criteria = _criteria(dossier)
    rows = [
        {
            "step": step,
            "record": steps.get(step),
            "files": [f for f in files if f.step == step],
        }
        for step in Step
    ]
    evidence = [_evidence_row(c, files) for c in criteria]
    ctx = {
        "dossier": dossier,
        "rows": rows,
        "evidence": evidence,
        "missing": [] if dossier.is_complete else services.missing(dossier, steps, files),
        "step_form": forms.get("step_form") or StepForm(),
        "decision_form": (forms.get("decision_form") or DecisionForm())
        if not scope.is_district
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
    form = StepForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        if not _may_record(scope, data["step"]):
            raise Http404
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
    if scope.is_district or not request.user.has_perm("criteria.add_certification"):
        raise Http404
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
# URL kind -> template suffix.
DOCUMENT_KINDS = {
    "tu-danh-gia": "self_assessment",
    "tham-dinh": "appraisal",
    "to-trinh": "proposal",
}


def _document_context(dossier: Dossier, kind: str) -> dict:
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
    }


def dossier_document_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The self-assessment report, the appraisal report or the proposal, as a PDF with the
    official header of the reports. Rendered each time (documents to sign, not issued)."""
    template = DOCUMENT_KINDS.get(kind)
    if template is None:
        raise Http404
    dossier, _scope = _get_dossier_for_user(request, pk)
    html = render_to_string(
        f"dossiers/document_{template}.html", _document_context(dossier, template), request
    )
    response = HttpResponse(pdf.render_pdf(html), content_type="application/pdf")
    filename = f"{kind}-{dossier.commune.code}-{dossier.year}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
