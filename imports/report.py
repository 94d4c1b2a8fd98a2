"""What an import tells its user: one outcome per row, the errors (of a cell, a row or the whole
file), the rows that would lower an approved figure, and the summary. No database access; kept
as JSON with a pending upload so its preview is not recomputed (`report_to_data`)."""

from collections import Counter
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

# One problem of a file and the refusal of a whole file: the shared reader's (ntm/lib).
from ntm.lib.workbook import CellError, WorkbookError  # noqa: F401

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
KEPT = "kept"  # an approved assessment the row would change, left alone (no update_approved)
BLANK = "blank"  # no criterion, indicator, status, note or decision: never an assessment
ACTIONS = (CREATE, UPDATE, UNCHANGED, KEPT, BLANK)


@dataclass
class RowOutcome:
    row: int
    commune_code: str
    commune_name: str
    year: int | None  # None for a blank row whose year cannot be read
    action: str  # one of ACTIONS
    criteria_met: int
    criteria_total: int
    certification: bool = False  # a new certification decision comes with the row
    revocation: bool = False  # the row revokes a decision (recorded, or its new one)
    status: str = ""  # the status the assessment has after the import ("" for a blank row)


@dataclass
class RowWarning:
    """A row that would lower an approved figure: applied only when the user confirms."""

    row: int
    commune_code: str
    commune_name: str
    year: int
    old: int  # criteria met before (the approved assessment of the year, or carried forward)
    new: int
    certified: bool  # the commune holds a certification in force


@dataclass
class ImportReport:
    outcomes: list[RowOutcome] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    refused: str = ""  # why a file without errors was not written (lowering not confirmed)
    dry_run: bool = True
    applied: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(o.action for o in self.outcomes)
        return {action: counted.get(action, 0) for action in ACTIONS}

    @property
    def changes(self) -> int:
        """Rows that write something (new or updated assessments, new or revoked decisions)."""
        c = self.counts
        decisions_only = sum(
            1
            for o in self.outcomes
            if (o.certification or o.revocation) and o.action not in (CREATE, UPDATE)
        )
        return c[CREATE] + c[UPDATE] + decisions_only

    @property
    def certifications(self) -> int:
        return sum(o.certification for o in self.outcomes)

    @property
    def revocations(self) -> int:
        return sum(o.revocation for o in self.outcomes)

    def summary(self) -> str:
        c = self.counts
        return _(
            "%(rows)s dòng: %(create)s tạo mới, %(update)s cập nhật, %(unchanged)s không đổi, "
            "%(kept)s giữ nguyên (đã phê duyệt), %(blank)s dòng trống bỏ qua; %(certs)s quyết "
            "định công nhận mới; %(errors)s lỗi."
        ) % {
            "rows": len(self.outcomes),
            "create": c[CREATE],
            "update": c[UPDATE],
            "unchanged": c[UNCHANGED],
            "kept": c[KEPT],
            "blank": c[BLANK],
            "certs": self.certifications,
            "errors": len(self.errors),
        } + (
            " " + _("%(n)s quyết định bị thu hồi.") % {"n": self.revocations}
            if self.revocations
            else ""
        )

    def lines(self, max_errors: int = 200) -> list[str]:
        """The report as plain text lines (the management command prints these)."""
        out = [self.summary()]
        out.extend(self.notices)
        for w in self.warnings:
            out.append(warning_text(w))
        if self.refused:
            out.append(self.refused)
        for error in self.errors[:max_errors]:
            where = _("Dòng %(row)s") % {"row": error.row} if error.row else _("Tệp")
            if error.column:
                where += f", {error.column}"
            if error.cell:
                where += f" ({error.cell})"
            out.append(f"{where}: {error.message}")
        if len(self.errors) > max_errors:
            out.append(_("… và %(n)s lỗi khác.") % {"n": len(self.errors) - max_errors})
        return out


def report_to_data(report: ImportReport) -> dict:
    """The report as JSON-ready data, kept with an upload so its preview is not recomputed."""
    return asdict(report)


def report_from_data(data: dict) -> ImportReport:
    return ImportReport(
        outcomes=[RowOutcome(**o) for o in data["outcomes"]],
        errors=[CellError.from_data(e) for e in data["errors"]],
        notices=data["notices"],
        warnings=[RowWarning(**w) for w in data["warnings"]],
        refused=data["refused"],
        dry_run=data["dry_run"],
        applied=data["applied"],
        seconds=data["seconds"],
    )


def warning_text(w: RowWarning) -> str:
    text = _("Dòng %(row)s: %(name)s (%(code)s), năm %(year)s: %(old)s → %(new)s tiêu chí đạt") % {
        "row": w.row,
        "name": w.commune_name,
        "code": w.commune_code,
        "year": w.year,
        "old": w.old,
        "new": w.new,
    }
    if w.certified:
        text += " · " + _("đang được công nhận")
    return text
