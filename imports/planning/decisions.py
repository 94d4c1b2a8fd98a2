"""Planning the certification decisions rows bring: the columns read and checked, paired with
the recorded decisions, and the new decisions and revocations planned."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from criteria.certifications import (
    certification_check,
    certification_eligibility,
    validate_programme_date,
)
from criteria.models import Certification, recognised_year_error
from dossiers.services import certification_dossier_check
from imports import workbook
from imports.planning.rows import (
    NUMBER_MAX_LENGTH,
    Context,
    GivenDecision,
    NewCertification,
    Revocation,
    RowPlan,
    same_text,
)


def plan_certifications(plans: list[RowPlan], ctx: Context) -> None:
    """Each row's certification columns. A row pairs with the decision of its commune, tier
    and recognised year (the row's year; the decision may be signed the year after): one
    recorded with the same number is accepted and left alone when the file says what is
    recorded (its date, its revocation), revoked when the file adds a revocation; a new one
    becomes the plan's `certification`, under the rules of the certification page (the
    eligibility and the dossier rule)."""
    in_file: dict[tuple, int] = {}
    for plan in plans:
        given = _read_decision(plan, ctx)
        if given is None:
            continue
        key = (plan.commune.pk, given.tier, given.number)
        if key in in_file:
            ctx.errors.add(
                plan.row,
                "certification_decision",
                "duplicate_decision",
                _("Quyết định này đã có ở dòng %(row)s.") % {"row": in_file[key]},
            )
            continue
        in_file[key] = plan.row.number
        recorded = ctx.existing.certifications.get(key)
        if recorded is not None:
            _pair_recorded(plan, given, recorded, ctx)
        else:
            _plan_new_decision(plan, given, ctx)


def _read_decision(plan: RowPlan, ctx: Context) -> GivenDecision | None:
    """The row's decision, or None for none or for an error (reported)."""
    errors, values = ctx.errors, plan.row.values
    decision = values.get("certification_decision")
    raw_date = values.get("certification_date")
    raw_revoked = values.get("certification_revoked_on")
    revocation_reason = _text(values.get("certification_revocation_reason"))
    if workbook.is_blank(decision):
        if not workbook.is_blank(raw_date):
            errors.add(
                plan.row,
                "certification_decision",
                "date_without_decision",
                _("Có ngày công nhận nhưng thiếu số quyết định."),
            )
        elif not workbook.is_blank(raw_revoked) or revocation_reason:
            errors.add(
                plan.row,
                "certification_decision",
                "revocation_without_decision",
                _("Có ngày hoặc lý do thu hồi nhưng thiếu số quyết định."),
            )
        return None
    decision = str(decision).strip()
    if len(decision) > NUMBER_MAX_LENGTH:
        errors.add(
            plan.row,
            "certification_decision",
            "decision_number_too_long",
            _("Số quyết định dài quá %(n)s ký tự.") % {"n": NUMBER_MAX_LENGTH},
        )
        return None
    if workbook.is_blank(raw_date):
        errors.add(
            plan.row,
            "certification_date",
            "missing_decision_date",
            _("Thiếu ngày của quyết định công nhận."),
        )
        return None
    try:
        date = workbook.parse_date(raw_date)
    except workbook.BadValue as exc:
        errors.bad_value(plan.row, "certification_date", exc)
        return None
    tier = Certification.Tier.NTM
    if not workbook.is_blank(values.get("certification_tier")):
        try:
            tier = workbook.parse_tier(values["certification_tier"])
        except workbook.BadValue as exc:
            errors.bad_value(plan.row, "certification_tier", exc)
            return None
    # The row's year is the year recognised; the decision may be signed the year after
    # (criteria.models.recognised_year_error, the form's and the admin's rule too).
    code, message = "recognised_year", recognised_year_error(plan.year, date)
    if message is None:
        code, message = _programme_date_error(date)
    if message:
        errors.add(plan.row, "certification_date", code, message)
        return None
    revoked_on = None
    if not workbook.is_blank(raw_revoked):
        try:
            revoked_on = workbook.parse_date(raw_revoked)
        except workbook.BadValue as exc:
            errors.bad_value(plan.row, "certification_revoked_on", exc)
            return None
        # certification_revoke's rules, checked before anything is written.
        code, message = _programme_date_error(revoked_on)
        if message is None and revoked_on < date:
            code = "revoked_before_decision"
            message = _("Ngày thu hồi phải sau ngày quyết định công nhận.")
        if message:
            errors.add(plan.row, "certification_revoked_on", code, message)
            return None
        if not revocation_reason:
            errors.add(
                plan.row,
                "certification_revocation_reason",
                "reason_required",
                _("Cần ghi lý do thu hồi."),
            )
            return None
    elif revocation_reason:
        errors.add(
            plan.row,
            "certification_revoked_on",
            "revocation_without_date",
            _("Có lý do thu hồi nhưng thiếu ngày thu hồi."),
        )
        return None
    return GivenDecision(
        number=decision,
        date=date,
        tier=tier,
        dossier_reason=_text(values.get("certification_dossier_reason")),
        revoked_on=revoked_on,
        revocation_reason=revocation_reason,
    )


def _text(value: object) -> str:
    return "" if workbook.is_blank(value) else str(value).strip()


def _programme_date_error(date: datetime.date) -> tuple[str, str | None]:
    try:
        validate_programme_date(date)
    except ValidationError as exc:
        return exc.code, " ".join(exc.messages)
    return "", None


def _pair_recorded(
    plan: RowPlan, given: GivenDecision, recorded: Certification, ctx: Context
) -> None:
    """A decision the database holds: the row must say what is recorded. Its revocation, when
    the file adds one, is the only change a file makes to it (the dossier reason stays as
    recorded)."""
    errors = ctx.errors
    if recorded.recognised_year != plan.year:
        errors.add(
            plan.row,
            "certification_decision",
            "decision_of_other_year",
            _("Quyết định %(number)s đã được ghi nhận là công nhận năm %(recognised)s.")
            % {"number": given.number, "recognised": recorded.recognised_year},
        )
        return
    if recorded.decision_date != given.date:
        errors.add(
            plan.row,
            "certification_date",
            "decision_date_differs",
            _("Quyết định %(number)s đã được ghi nhận với ngày %(date)s.")
            % {"number": given.number, "date": recorded.decision_date.strftime("%d/%m/%Y")},
        )
        return
    if "certification_revoked_on" not in ctx.sheet.headers:
        return  # a file without the revocation columns says nothing about it
    if recorded.revoked_on is not None:
        if recorded.revoked_on != given.revoked_on or not same_text(
            recorded.revocation_reason, given.revocation_reason
        ):
            errors.add(
                plan.row,
                "certification_revoked_on",
                "revocation_differs",
                _(
                    "Quyết định %(number)s đã bị thu hồi ngày %(date)s, lý do: “%(reason)s”; tệp "
                    "phải ghi đúng ngày và lý do này."
                )
                % {
                    "number": given.number,
                    "date": recorded.revoked_on.strftime("%d/%m/%Y"),
                    "reason": recorded.revocation_reason,
                },
            )
        return
    if given.revoked_on is not None and _may_revoke(plan, ctx):
        plan.revocation = Revocation(
            revoked_on=given.revoked_on, reason=given.revocation_reason, certification=recorded
        )


def _may_revoke(plan: RowPlan, ctx: Context) -> bool:
    """accounts.roles.can_revoke_certification's permissions (the scope is checked already)."""
    if ctx.may("criteria.change_certification") and ctx.may("criteria.approve_assessment"):
        return True
    ctx.errors.add(
        plan.row,
        "certification_revoked_on",
        "no_permission_revoke",
        _("Bạn không có quyền thu hồi quyết định công nhận."),
    )
    return False


def _plan_new_decision(plan: RowPlan, given: GivenDecision, ctx: Context) -> None:
    """A decision not recorded yet: the permissions, the certification rule and the dossier
    rule of the certification page (accounts.roles.can_certify,
    criteria.certifications.certification_eligibility, dossiers.services.certification_record)."""
    errors = ctx.errors
    if not (ctx.may("criteria.add_certification") and ctx.may("criteria.approve_assessment")):
        errors.add(
            plan.row,
            "certification_decision",
            "no_permission_certify",
            _("Bạn không có quyền ghi quyết định công nhận."),
        )
        return
    # For the standard tier on the figures the row leaves; a higher tier rests on that tier's
    # assessment and on the certification of the tier below, which the file does not carry
    # (it imports standard assessments only), so they are read from the database by the same
    # rule.
    try:
        if given.tier == Certification.Tier.NTM:
            certification_eligibility(
                year=plan.year,
                status=plan.final_status,
                criteria_met=plan.met_total,
                criteria_needed=len(plan.catalogue.criteria),
            )
        else:
            certification_check(
                commune=plan.commune, year=plan.year, tier=given.tier, decision_date=given.date
            )
    except ValidationError as exc:
        errors.add(plan.row, "certification_decision", exc.code, " ".join(exc.messages))
        return
    try:
        _dossier, reason = certification_dossier_check(
            commune=plan.commune, tier=given.tier, year=plan.year, reason=given.dossier_reason
        )
    except ValidationError as exc:
        key = (
            "certification_dossier_reason"
            if "certification_dossier_reason" in ctx.sheet.headers
            else "certification_decision"
        )
        errors.add(plan.row, key, exc.code, " ".join(exc.messages))
        return
    if given.revoked_on is not None and not _may_revoke(plan, ctx):
        return
    plan.certification = NewCertification(
        tier=given.tier,
        decision_number=given.number,
        decision_date=given.date,
        dossier_reason=reason,
    )
    if given.revoked_on is not None:
        plan.revocation = Revocation(revoked_on=given.revoked_on, reason=given.revocation_reason)
