"""The assessment page (`assessment_edit`: show, create, save) and its review workflow (submit,
approve, return, reopen). What the page shows and allows is decided in `pages.assessment_page`;
the views here read the request and answer it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from communes.models import Commune
from criteria import services
from criteria.forms import AssessmentForm, ReasonForm, indicator_field
from criteria.history import revision
from criteria.models import TIER_LEVEL, Assessment, CriteriaSet, Tier
from pages.assessment_page import assessment_page
from pages.communes import get_commune_for_user


def get_assessment_for_user(request: HttpRequest, code: str, year: int, tier: str = Tier.NTM):
    commune, scope = get_commune_for_user(request, code, year)
    assessment = get_object_or_404(
        Assessment.objects.select_related("criteria_set", "submitted_by", "approved_by"),
        commune=commune,
        year=year,
        tier=tier,
    )
    assessment.commune = commune  # the access predicates read it
    return assessment, commune, scope


def assessment_edit(
    request: HttpRequest, code: str, year: int, tier: str = Tier.NTM
) -> HttpResponse:
    """GET shows the assessment of `code` in `year` at `tier` (the standard one at
    /communes/<code>/<year>/, a higher tier's at /communes/<code>/<year>/<slug>/), an empty form
    when there is none yet and the user may create it (`?set=` picks the set where several
    apply, `?prefill=1` starts from the latest approved assessment); POST saves it through
    `services.assessment_save`. A unit the user can see but with no assessment to show (or a
    tier without a set that year) answers a page that says why, never a 404. What the page
    shows and allows is `pages.assessment_page`'s decision."""
    try:
        commune, _scope = get_commune_for_user(request, code, year)
    except Http404:
        if request.method != "GET":
            raise
        return _assessment_missing(request, code, year, None, tier)
    page = assessment_page(
        user=request.user,
        commune=commune,
        year=year,
        tier=tier,
        set_code=request.GET.get("set"),
        prefill=request.GET.get("prefill") == "1",
        reading=request.method == "GET",
    )
    if page is None:
        return _assessment_missing(request, code, year, commune, tier)

    stale = None
    carried = page.carried
    if request.method == "POST":
        if not page.may_change:
            raise PermissionDenied
        # Values carried over from last year that the user has not confirmed or changed yet
        # (assessment-form.js drops the marker when they do): still marked after a refusal.
        carried = frozenset(
            ind.pk
            for ind in page.catalogue.all_indicators()
            if request.POST.get(indicator_field(ind.pk, "carried")) == "1"
        )
        form = page.form(request.POST, carried=carried)
        if page.locked:
            messages.error(request, _("Đánh giá đã được phê duyệt và bị khóa."))
            return redirect(request.path)
        if not page.editable:
            raise PermissionDenied  # a commune official's assessment while the province has it
        if form.is_valid():
            outcome = _save(request, commune, year, tier, page.assessment, form, page.criteria_set)
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
        form = page.form(carried=carried)
        status = 200
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})

    ctx = page.context(
        form,
        user=request.user,
        carried=carried,
        stale=stale,
        reading=request.method == "GET",
        history_page=request.GET.get("history_page"),
    )
    return render(request, "pages/assessment_form.html", ctx, status=status)


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
        else reverse("pages:assessment_edit", args=[commune.code, year]),
    }
    return render(request, "pages/assessment_missing.html", ctx)


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
    assessment, _commune, _scope = get_assessment_for_user(request, code, year, tier)
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
