from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from communes.versions import ChangesFiguresAdmin, bump_data_version
from criteria import certifications
from criteria.models import Certification
from dossiers import services
from dossiers.models import Dossier, DossierFile, DossierStep, Procedure, ProcedureStep
from ntm.lib.admin import LabelledTabularInline
from ntm.lib.years import PROGRAMME_FIRST_YEAR, YEAR_MAX


class StepInline(LabelledTabularInline):
    model = DossierStep
    extra = 0
    readonly_fields = ("recorded_by", "recorded_at")


class FileInline(LabelledTabularInline):
    model = DossierFile
    extra = 0
    fields = (
        "step",
        "criterion",
        "indicator",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
    )
    readonly_fields = fields
    can_delete = False

    def get_queryset(self, request):
        # Criteria and indicators are named with their set.
        return (
            super()
            .get_queryset(request)
            .select_related("criterion__criteria_set", "indicator__criterion__criteria_set")
        )

    def has_add_permission(self, request, obj=None) -> bool:
        # Uploads go through the dossier page, which checks type and size.
        return False


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ("commune", "tier", "year", "completed_at")
    list_filter = ("year", "tier")
    list_select_related = ("commune",)
    search_fields = ("commune__name", "commune__code")
    readonly_fields = ("certification", "completed_at", "dossier_reason", "created_by")
    raw_id_fields = ("commune",)
    inlines = [StepInline, FileInline]

    @admin.display(description=_("lý do công nhận khi hồ sơ chưa đủ"))
    def dossier_reason(self, obj: Dossier) -> str:
        return obj.certification.dossier_reason if obj.certification else ""


class ProcedureStepInline(LabelledTabularInline):
    model = ProcedureStep
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    """The procedures are data: a period's steps, who records each, its legal basis and posting
    rule are edited here when they are published (2026-2030 is unconfirmed). Dossiers of a year
    follow the procedure of that year; steps already recorded are never removed."""

    list_display = ("__str__", "first_year", "last_year", "confirmed", "posting_days")
    list_filter = ("confirmed",)
    inlines = [ProcedureStepInline]


# The certifications' admin lives here, above criteria, because recording a decision goes
# through the dossiers' rule (`services.certification_record`).
class CertificationAdminForm(forms.ModelForm):
    recognised_year = forms.IntegerField(
        label=_("năm được công nhận"),
        required=False,
        min_value=PROGRAMME_FIRST_YEAR,
        max_value=YEAR_MAX,
        help_text=_("Để trống nếu quyết định công nhận cho chính năm ký quyết định."),
    )

    class Meta:
        model = Certification
        fields = (
            "commune",
            "kind",
            "basis",
            "no_assessment_reason",
            "tier_below_not_recorded",
            "tier",
            "criteria_set",
            "decision_number",
            "decision_date",
            "recognised_year",
            "authority",
            "criteria_all_met",
            "criteria_all_met_note",
            "satisfaction_met",
            "satisfaction_note",
            "no_construction_debt",
            "construction_debt_note",
            "security_stable",
            "security_note",
            "dossier_reason",
            "revoked_on",
            "revocation_reason",
        )
        widgets = {"dossier_reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "dossier_reason": _(
                "Bắt buộc khi xã chưa có hồ sơ xét công nhận của hạng và năm được công nhận, "
                "hoặc hồ sơ còn thiếu bước, tài liệu."
            ),
        }

    def clean_decision_date(self):
        date = self.cleaned_data["decision_date"]
        certifications.validate_programme_date(date)
        return date

    def clean_revoked_on(self):
        date = self.cleaned_data["revoked_on"]
        if date is not None:
            certifications.validate_programme_date(date)
        return date

    def clean(self):
        data = super().clean()
        commune, date, cset = (
            data.get("commune"),
            data.get("decision_date"),
            data.get("criteria_set"),
        )
        if data.get("recognised_year") is None and date:
            data["recognised_year"] = self.instance.recognised_year = date.year
        year = data.get("recognised_year")
        if data.get("kind") == Certification.Kind.MERGED_RECOGNITION:
            # Recognised by its own decision (QĐ 3368/QĐ-UBND Hà Tĩnh, 2023), not by an
            # assessment of the new commune: the basis must be stated.
            if not data.get("basis", "").strip():
                raise forms.ValidationError(
                    {"basis": _("Ghi căn cứ của quyết định công nhận xã sau sáp nhập.")},
                    code="basis_required",
                )
        elif data.get("kind") == Certification.Kind.TRANSCRIBED:
            # Issued outside the app, its assessment not held here: the rule of
            # criteria.certifications.certification_transcribe (basis and reason stated, a set of
            # the tier, the tier below in force), the dossier rule left out with the assessment.
            if self.instance.pk is None and commune and year and cset and date:
                certifications.transcription_check(
                    commune=commune,
                    tier=data.get("tier") or Certification.Tier.NTM,
                    criteria_set=cset,
                    recognised_year=year,
                    decision_date=date,
                    basis=data.get("basis", ""),
                    no_assessment_reason=data.get("no_assessment_reason", ""),
                    tier_below_not_recorded=bool(data.get("tier_below_not_recorded")),
                )
            else:
                certifications.transcription_statements_check(
                    basis=data.get("basis", ""),
                    no_assessment_reason=data.get("no_assessment_reason", ""),
                )
        elif self.instance.pk is None and commune and year and cset:
            # The same rule as the certification page: all criteria met in the approved
            # assessment of the recognised year.
            tier = data.get("tier") or Certification.Tier.NTM
            # The 18/2022 conditions as the entry point asks them (none recorded as not met).
            certifications.certification_conditions_check(
                {name: data.get(name) for pair in Certification.CONDITIONS for name in pair}
            )
            certifications.certification_check(
                commune=commune, year=year, criteria_set=cset, tier=tier, decision_date=date
            )
            # And the same dossier rule as the commune and dossier pages.
            try:
                _dossier, data["dossier_reason"] = services.certification_dossier_check(
                    commune=commune, tier=tier, year=year, reason=data.get("dossier_reason", "")
                )
            except ValidationError as exc:
                self.add_error("dossier_reason", exc)
        return data


@admin.register(Certification)
class CertificationAdmin(ChangesFiguresAdmin, SimpleHistoryAdmin):
    form = CertificationAdminForm

    def save_model(self, request, obj, form, change):
        if change or obj.kind != Certification.Kind.ASSESSMENT:
            # Edits, and the decisions that rest on no assessment (a merged commune's, one
            # transcribed), checked by the form's clean().
            super().save_model(request, obj, form, change)
            return
        # A new decision on an assessment: through the one entry point, as the commune page,
        # the dossier page and the import record it (the certification rule, then the dossier
        # rule; the dossier, if any, completed). The form has asked both already, for its
        # field errors; asked again here under the commune's lock.
        data = form.cleaned_data
        recorded = services.certification_record(
            commune=obj.commune,
            tier=obj.tier,
            decision_number=obj.decision_number,
            decision_date=obj.decision_date,
            authority=obj.authority,
            recognised_year=obj.recognised_year,
            user=request.user,
            conditions={name: data[name] for pair in Certification.CONDITIONS for name in pair},
            dossier_reason=data.get("dossier_reason", ""),
        )
        # The admin goes on with `obj` (its message, its log entry, the redirect).
        obj.pk = recorded.pk
        obj.refresh_from_db()
        bump_data_version()  # ChangesFiguresAdmin's count, as for every save in the admin

    list_display = (
        "commune",
        "kind",
        "tier",
        "decision_number",
        "decision_date",
        "recognised_year",
        "revoked_on",
    )
    list_filter = (
        "tier",
        "criteria_set",
        "commune__province",
        "commune__district",
        ("revoked_on", admin.EmptyFieldListFilter),
    )
    search_fields = ("commune__code", "commune__name", "decision_number")
    autocomplete_fields = ("commune", "criteria_set")
    list_select_related = ("commune",)
    date_hierarchy = "decision_date"
