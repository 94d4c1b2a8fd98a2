"""What planning an import produces and plans against: the plan of a row (`RowPlan`), the
rows located, what is stored for them (`Existing`), the errors found so far (`ErrorLog`) and
the `Context` every row is planned in."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from communes.models import Commune, CommuneGroup
from criteria.evaluation import Catalogue
from criteria.models import Assessment, Certification, CriterionResult, IndicatorValue
from criteria.services import AssessmentInput
from imports import workbook
from imports.report import CREATE, KEPT, CellError, RowOutcome, RowWarning
from imports.workbook import Row, Sheet

# How far along the workflow a status is: Assessment.Status in its order (draft first).
STATUS_RANK = {status.value: rank for rank, status in enumerate(Assessment.Status)}
# The columns that name a row (which commune, which year); any other filled cell is data.
IDENTITY = ("commune_code", "commune_name", "district", "year")
# Columns the template fills in itself (which tier; the commune's group): they alone do not
# make a row data, so an untouched template row stays blank.
DESCRIPTIVE = ("assessment_tier", "commune_group")
IMPORTED_GROUP_NOTE = "Nhập từ Excel"  # the note of a group assignment a file records
NUMBER_MAX_LENGTH = Certification._meta.get_field("decision_number").max_length

# The certification columns beyond number, date and tier: the reason for recording a decision
# without a complete dossier (dossiers.services.certification_record's rule) and the
# decision's revocation, so that an export carries revoked decisions as they are.

Permission = Callable[[str], bool]  # user.has_perm, or always True for the operator


@dataclass
class NewCertification:
    """A certification decision a row brings that is not recorded yet."""

    tier: str
    decision_number: str
    decision_date: datetime.date
    dossier_reason: str = ""


@dataclass
class Revocation:
    """A revocation a row brings: of a recorded decision (`certification`), or of the row's
    new decision (None), written after it."""

    revoked_on: datetime.date
    reason: str
    certification: Certification | None = None


@dataclass
class GivenDecision:
    """What a row's certification columns say, read and checked on their own."""

    number: str
    date: datetime.date
    tier: str
    dossier_reason: str
    revoked_on: datetime.date | None
    revocation_reason: str


@dataclass
class RowPlan:
    row: Row
    commune: Commune
    year: int
    catalogue: Catalogue
    status: str
    data: AssessmentInput
    met_total: int
    existing: Assessment | None
    action: str = CREATE
    content_changed: bool = False
    certification: NewCertification | None = None
    revocation: Revocation | None = None
    # Cells contradicting recorded indicators: errors only if the row is written.
    conflicts: list[tuple[str, str, str]] = field(default_factory=list)  # (key, code, message)
    group: CommuneGroup | None = None  # a first group assignment the row records

    @property
    def final_status(self) -> str:
        """The status the assessment has after the import."""
        return self.existing.status if self.action == KEPT else self.status

    def outcome(self) -> RowOutcome:
        return RowOutcome(
            row=self.row.number,
            commune_code=self.commune.code,
            commune_name=self.commune.name,
            year=self.year,
            action=self.action,
            criteria_met=self.met_total,
            criteria_total=len(self.catalogue.criteria),
            certification=self.certification is not None,
            revocation=self.revocation is not None,
            status=self.final_status,
        )


@dataclass
class Planned:
    """What `plan_import` found: the rows to write, the blank rows, errors and warnings."""

    plans: list[RowPlan]
    blank: list[RowOutcome]
    errors: list[CellError]
    warnings: list[RowWarning]


@dataclass
class LocatedRow:
    """A row whose commune and year are known, with the catalogue of that year's set."""

    row: Row
    commune: Commune
    year: int
    catalogue: Catalogue


@dataclass
class Existing:
    """What is stored for the file's commune-years, loaded once (`Existing.load`)."""

    assessments: dict[tuple[int, int], Assessment]  # by (commune id, year)
    results: dict[int, dict[int, bool]]  # by assessment id, then criterion id: met
    values: dict[int, dict[int, tuple]]  # by assessment id, then indicator id: a named row
    approved: dict[int, list[tuple[int, int]]]  # by commune id: (year, criteria met), by year
    certifications: dict[tuple[int, str, str], Certification]  # by (commune id, tier, number)

    @classmethod
    def load(cls, located: list[LocatedRow]) -> "Existing":
        """Existing assessments of the commune-years, with their results, indicator values,
        the communes' approved figures up to the last year and their certification decisions:
        five queries."""
        commune_ids = {r.commune.pk for r in located}
        years = {r.year for r in located}
        assessments = {
            (a.commune_id, a.year): a
            # The import writes the standard tier only (the template's tier column says so).
            for a in Assessment.objects.standard().filter(
                commune_id__in=commune_ids, year__in=years
            )
        }
        results: dict[int, dict[int, bool]] = {}
        for assessment_id, criterion_id, met in CriterionResult.objects.filter(
            assessment__commune_id__in=commune_ids,
            assessment__year__in=years,
            assessment__tier=Assessment.Tier.NTM,
        ).values_list("assessment_id", "criterion_id", "met"):
            results.setdefault(assessment_id, {})[criterion_id] = met
        values: dict[int, dict[int, tuple]] = {}
        for value in IndicatorValue.objects.filter(
            assessment__commune_id__in=commune_ids,
            assessment__year__in=years,
            assessment__tier=Assessment.Tier.NTM,
        ).values_list(
            "assessment_id",
            "indicator_id",
            "value",
            "value_secondary",
            "met",
            "manual",
            "manual_reason",
            named=True,
        ):
            values.setdefault(value.assessment_id, {})[value.indicator_id] = value
        approved: dict[int, list[tuple[int, int]]] = {}
        for commune_id, year, met in (
            Assessment.objects.standard()
            .filter(
                commune_id__in=commune_ids,
                status=Assessment.Status.APPROVED,
                year__lte=max(years, default=0),
            )
            .order_by("year")
            .values_list("commune_id", "year", "criteria_met")
        ):
            approved.setdefault(commune_id, []).append((year, met))
        certifications = {
            (c.commune_id, c.tier, c.decision_number): c
            for c in Certification.objects.filter(commune_id__in=commune_ids)
        }
        return cls(assessments, results, values, approved, certifications)


class ErrorLog:
    """The errors found so far, with the rows that have one (those are not planned further)."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.errors: list[CellError] = []
        self.rows: set[int] = {e.row for e in sheet.errors}

    def add(self, row: Row, key: str, code: str, message: str) -> None:
        """An error of `row` in the column of `key` ("" for the whole row)."""
        self.rows.add(row.number)
        self.errors.append(
            CellError(
                row=row.number,
                column=self.sheet.headers.get(key, ""),
                cell=self.sheet.cell(row.number, key),
                code=code,
                message=message,
            )
        )

    def bad_value(self, row: Row, key: str, exc: workbook.BadValue) -> None:
        self.add(row, key, exc.code, str(exc))


@dataclass
class Context:
    """What every row is planned against."""

    sheet: Sheet
    errors: ErrorLog
    existing: Existing
    update_approved: bool
    may: Permission
    # Criteria sets whose missing criterion columns were reported (once per set, not per row).
    missing_reported: set[int] = field(default_factory=set)
    # By year: the communes the 318 rule keys by the northern-mountain region
    # (criteria.applicable.designated_communes), for the years whose set has the rule.
    designated: dict[int, set[int]] = field(default_factory=dict)


def same_text(stored: str, given: str) -> bool:
    """Whether a cell says what is stored, whitespace aside: a text typed in a browser's text
    area is stored with CRLF line ends, which a workbook gives back as LF."""
    return stored.split() == given.split()
