"""Issuing and withdrawing reports: the only writers of IssuedReport."""

import datetime
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from issued.models import IssuedReport
from issued.snapshot import sha256, snapshot
from ntm.lib import pdf

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud on the phone


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def next_number(*, province, series_year: int) -> int:
    last = IssuedReport.objects.filter(province=province, series_year=series_year).aggregate(
        n=Max("number")
    )["n"]
    return (last or 0) + 1


def figures_day(*, year: int, issued_on: datetime.date, report_day: datetime.date):
    """The day an issued report takes its figures on: its issuing day, or the report's own day
    (31/12 of the year; a former district's last day) when it is issued after that. A report
    of 2026 issued on 20/11/2026 states 20/11/2026; issued on 10/01/2027, 31/12/2026 (N9: the
    figures were taken on whatever `?as_at=` the issuing request carried). A report cannot be
    issued before its year begins."""
    if issued_on.year < year:
        raise ValidationError(
            _("Báo cáo năm %(year)s chỉ ban hành được từ ngày 01/01/%(year)s."),
            code="issued_before_year",
            params={"year": year},
        )
    return min(issued_on, report_day)


def report_issue(
    *,
    ctx: dict,
    province,
    district=None,
    issued_on: datetime.date,
    user,
    number: int | None = None,
) -> IssuedReport:
    """Freeze the report of `ctx` (reports.context.report_context as at `figures_day`, rendered
    in Vietnamese): its figures and their day as JSON with their SHA-256, its PDF in the
    default storage with that hash and the look-up code printed on every page. `number`
    defaults to the next one of the province and year; a number already used raises
    ValidationError and nothing is stored."""
    if ctx["provisional"]:
        raise ValidationError(_("Không ban hành báo cáo số liệu tạm thời."), code="provisional")
    series_year = issued_on.year
    if number is None:
        number = next_number(province=province, series_year=series_year)
    elif IssuedReport.objects.filter(
        province=province, series_year=series_year, number=number
    ).exists():
        raise ValidationError(
            _("Số %(number)s năm %(year)s đã được dùng."),
            code="number_used",
            params={"number": number, "year": series_year},
        )
    data = snapshot(ctx)
    digest = sha256(data)
    report = IssuedReport(
        province=province,
        district=district,
        kind=ctx["area"].kind,
        year=ctx["year"],
        area_name=ctx["area"].name,
        number=number,
        # The province's symbol (communes.ProvinceReportSettings), as on its plain downloads.
        number_suffix=ctx["area"].paper.number_suffix,
        series_year=series_year,
        issued_on=issued_on,
        issued_by=user,
        code=new_code(),
        figures=data,
        figures_sha256=digest,
    )
    issued = {"number_text": report.number_text, "code": report.code, "sha256": digest}
    html = render_to_string(
        "reports/report_pdf.html", ctx | {"report_date": issued_on, "issued": issued}
    )
    content = pdf.render_pdf(html)
    report.pdf_sha256 = hashlib.sha256(content).hexdigest()
    report.pdf.save(f"{report.code}.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:  # the same number taken meanwhile
        report.pdf.delete(save=False)
        raise ValidationError(
            _("Số %(number)s năm %(year)s vừa được dùng; hãy thử lại."),
            code="number_used",
            params={"number": number, "year": series_year},
        ) from exc
    return report


@transaction.atomic
def report_withdraw(*, report: IssuedReport, user, reason: str) -> IssuedReport:
    """Withdraw once: the row is locked and read again, so of two withdrawals at the same time
    one succeeds and the other is refused (N10: the second overwrote the first one's reason).
    The write is conditional too, for SQLite, where select_for_update locks nothing."""
    if not reason.strip():
        raise ValidationError(_("Cần ghi lý do thu hồi."), code="reason_required")
    current = IssuedReport.objects.select_for_update().get(pk=report.pk)
    already = ValidationError(_("Báo cáo đã bị thu hồi trước đó."), code="already_withdrawn")
    if current.is_withdrawn:
        raise already
    changes = {
        "withdrawn_at": timezone.now(),
        "withdrawn_by": user,
        "withdrawal_reason": reason.strip(),
    }
    if not IssuedReport.objects.filter(pk=report.pk, withdrawn_at__isnull=True).update(**changes):
        raise already
    for name, value in changes.items():
        setattr(report, name, value)
    return report
