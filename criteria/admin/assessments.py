"""The assessments' admin: assessments (their workflow actions go through criteria.services,
under the permissions of the web pages), criterion results and indicator values, read-only."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts import roles
from communes.versions import ChangesFiguresAdmin
from criteria import services
from criteria.admin.catalogue import CatalogueChoicesMixin
from criteria.forms import ReasonForm
from criteria.models import Assessment, CriterionResult, IndicatorValue
from ntm.lib.admin import FoldedSearchMixin, LabelledTabularInline


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """History to read, never to revert: simple-history's revert saves a past version whole
    (status, criteria met, results) around criteria.services, the only writer of these models.
    Hiding the button is not enough, so a POST to the history form is refused as well."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class CriterionResultInline(LabelledTabularInline):
    model = CriterionResult
    extra = 0
    fields = ("criterion", "met", "note")
    readonly_fields = ("criterion", "met")
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion__criteria_set")

    def has_add_permission(self, request, obj=None):
        return False


# The workflow actions are offered in the change list and on an assessment's own page.
BOTH = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]
FORM_PREFIX = admin.ActionLocation.CHANGE_FORM.value


@admin.register(Assessment)
class AssessmentAdmin(FoldedSearchMixin, ChangesFiguresAdmin, NoRevertHistoryAdmin):
    """Assessments are created, evaluated and moved through the workflow by criteria.services
    only, so the admin cannot add one nor change its commune, year, criteria set, status or
    results; the workflow steps are actions that call the services the web pages call, under
    the same permissions."""

    list_display = (
        "commune",
        "commune_code",
        "year",
        "tier",
        "criteria_set",
        "status",
        "criteria_met",
    )
    list_filter = (
        "year",
        "tier",
        "status",
        "criteria_set",
        "commune__province",
        "commune__district",
        "commune__district",
    )
    search_fields = ("commune__code", "commune__search_name")
    list_select_related = ("commune", "criteria_set")
    readonly_fields = (
        "commune",
        "year",
        "tier",
        "criteria_set",
        "status",
        "return_reason",
        "criteria_met",
        "version",
        "created_by",
        "created_at",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
    )
    fields = ("note", *readonly_fields)
    inlines = [CriterionResultInline]
    actions = ["submit", "approve", "return_to_draft", "reopen"]

    @admin.display(description=_("mã xã"), ordering="commune__code")
    def commune_code(self, obj):
        return obj.commune.code

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        if change and form.has_changed():
            # The web form's optimistic lock must notice an edit made here.
            obj.version += 1
        super().save_model(request, obj, form, change)

    # --- Workflow actions: the web views' permissions, then the services' rules -------------

    def has_submit_permission(self, request) -> bool:
        return roles.can_submit_any(request.user)

    def has_review_permission(self, request) -> bool:
        return roles.can_review_any(request.user)

    @admin.action(
        description=_("Gửi duyệt"),
        description_plural=_("Gửi duyệt các đánh giá đã chọn"),
        permissions=["submit"],
        location=BOTH,
    )
    def submit(self, request, queryset):
        self._run(
            request,
            queryset,
            services.assessment_submit,
            allowed=roles.can_submit,
            done=_("Đã gửi duyệt %(n)s đánh giá."),
            failed=_("Không thể gửi duyệt %(assessment)s: %(error)s"),
        )

    @admin.action(
        description=_("Phê duyệt"),
        description_plural=_("Phê duyệt các đánh giá đã chọn"),
        permissions=["review"],
        location=BOTH,
    )
    def approve(self, request, queryset):
        self._run(
            request,
            queryset,
            services.assessment_approve,
            allowed=roles.can_review,
            done=_("Đã phê duyệt %(n)s đánh giá."),
            failed=_("Không thể phê duyệt %(assessment)s: %(error)s"),
        )

    @admin.action(
        description=_("Trả lại để sửa"),
        description_plural=_("Trả lại các đánh giá đã chọn để sửa"),
        permissions=["review"],
        location=BOTH,
    )
    def return_to_draft(self, request, queryset):
        return self._run_with_reason(
            request,
            queryset,
            services.assessment_return,
            allowed=roles.can_review,
            title=_("Trả lại đánh giá để sửa"),
            done=_("Đã trả lại %(n)s đánh giá để sửa."),
            failed=_("Không thể trả lại %(assessment)s: %(error)s"),
        )

    @admin.action(
        description=_("Mở lại"),
        description_plural=_("Mở lại các đánh giá đã phê duyệt"),
        permissions=["review"],
        location=BOTH,
    )
    def reopen(self, request, queryset):
        return self._run_with_reason(
            request,
            queryset,
            services.assessment_reopen,
            allowed=roles.can_review,
            title=_("Mở lại đánh giá đã phê duyệt"),
            done=_("Đã mở lại %(n)s đánh giá."),
            failed=_("Không thể mở lại %(assessment)s: %(error)s"),
        )

    def _run(self, request, queryset, service, *, allowed, done, failed, **kwargs) -> None:
        """Call `service` for each selected assessment the user may act on (`allowed`, the
        web views' rule): the ones refused are reported one by one with the reason, the others
        go through (each in its own transaction)."""
        changed = 0
        for assessment in queryset.select_related("commune__district"):
            try:
                if not allowed(request.user, assessment):
                    raise ValidationError(gettext("ngoài phạm vi quản lý của bạn."))
                service(assessment=assessment, user=request.user, **kwargs)
            except ValidationError as e:
                error = " ".join(e.messages)
                self.message_user(
                    request, failed % {"assessment": assessment, "error": error}, messages.ERROR
                )
            else:
                changed += 1
        if changed:
            self.message_user(request, done % {"n": changed}, messages.SUCCESS)

    def _run_with_reason(self, request, queryset, service, *, allowed, title, done, failed):
        """Ask for the reason on an intermediate page (the pattern of the admin's delete
        confirmation), then run the action with it."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._run(
                request,
                queryset,
                service,
                allowed=allowed,
                done=done,
                failed=failed,
                reason=form.cleaned_data["reason"],
            )
            return None
        action_field = next(k for k in (f"{FORM_PREFIX}-action", "action") if k in request.POST)
        ctx = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "form": form,
            "assessments": queryset.select_related("commune"),
            # Echoed back under its own name: the change page prefixes its action field.
            "action_field": action_field,
            "action": request.POST[action_field],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/criteria/assessment/action_reason.html", ctx)


@admin.register(CriterionResult)
class CriterionResultAdmin(CatalogueChoicesMixin, NoRevertHistoryAdmin):
    """Read-only: results are written by criteria.services with the criteria-met count."""

    list_display = ("assessment", "criterion", "met")
    list_filter = ("met", "assessment__year", "criterion__criteria_set")
    search_fields = ("assessment__commune__code", "assessment__commune__name")
    list_select_related = ("assessment__commune", "criterion__criteria_set")
    readonly_fields = ("assessment", "criterion", "met", "note")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(IndicatorValue)
class IndicatorValueAdmin(CatalogueChoicesMixin, NoRevertHistoryAdmin):
    list_display = ("assessment", "indicator", "value", "value_secondary", "met", "manual")
    list_filter = ("manual", "met", "assessment__year")
    search_fields = ("assessment__commune__code", "assessment__commune__name", "indicator__code")
    list_select_related = ("assessment__commune", "indicator__criterion__criteria_set")
    readonly_fields = (
        "assessment",
        "indicator",
        "value",
        "value_secondary",
        "met",
        "manual",
        "manual_reason",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
