"""Re-scoring preview (issue 25, item 3): which criteria each commune of a province WOULD meet if
the indicator values stored in its assessment of a year were judged under another criteria
set, against what its assessment records now. Reads only; nothing is written.

Matching across sets: a stored value belongs to an indicator of the assessment's own set; it is
judged under the chosen set's indicator with the same criterion number and indicator code, and
criteria are compared by number (the chosen set's criterion n against the recorded result of
criterion n of the assessment's set).

Nothing is guessed:
- an indicator whose value is needed and not stored (or stored for an indicator of another
  kind) makes its criterion "thiếu giá trị <code>", unless another indicator already fails;
- a numeric indicator with no known level under the chosen set is "chưa có ngưỡng <code>";
  a manual decision recorded against the old text is never carried over;
- a criterion judged as a whole (no indicators: `Criterion.whole_reason`) cannot be judged
  from values: it keeps the recorded result of the same criterion number ("giữ kết quả đã
  ghi"), or is "không tính được" when the assessment's set has none. Those are counted apart.

The thresholds are chosen for the values' year moved into the chosen set's period (values of
2025 judged under the 2026-2030 set are judged as in 2026, with the commune groups of 2026),
since a set's dated levels and commune groups exist only within its period.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from communes.models import Commune, CommuneGroupAssignment, Province, year_end
from criteria.applicable import designated_communes, threshold_key
from criteria.evaluation import (
    LATEST,
    Catalogue,
    IndicatorEntry,
    ThresholdKey,
    evaluate_assessment,
)
from criteria.models import (
    Assessment,
    CriteriaSet,
    CriteriaSetAmendment,
    Criterion,
    CriterionResult,
    Indicator,
    IndicatorValue,
)

MET = "met"
NOT_MET = "not_met"
MISSING = "missing"  # a value needed is not stored
CARRIED = "carried"  # judged as a whole: the recorded result of the same number is kept
UNCOMPUTABLE = "uncomputable"  # no recorded result to keep, or no known level


@dataclass(frozen=True)
class StoredValue:
    """What an assessment stores about one indicator of its own set."""

    numeric: bool
    value: Decimal | None = None
    value_secondary: Decimal | None = None
    met: bool | None = None


@dataclass(frozen=True)
class CriterionRescore:
    number: int
    name: str
    status: str
    # The recorded result of criterion `number` of the assessment's own set (None: none).
    now: bool | None
    missing: tuple[str, ...] = ()  # indicator codes whose value is needed and not stored
    no_threshold: tuple[str, ...] = ()  # numeric indicators with no known level

    @property
    def would(self) -> bool | None:
        """Met under the chosen set: True, False, or None when it cannot be said."""
        if self.status == MET:
            return True
        if self.status == NOT_MET:
            return False
        if self.status == CARRIED:
            return self.now
        return None

    @property
    def gained(self) -> bool:
        return self.status == MET and self.now is not True

    @property
    def lost(self) -> bool:
        return self.status == NOT_MET and self.now is True

    @property
    def label(self) -> str:
        if self.status == MET:
            return _("Đạt")
        if self.status == NOT_MET:
            return _("Không đạt")
        if self.status == CARRIED:
            if self.now:
                return _("Giữ kết quả đã ghi: đạt")
            return _("Giữ kết quả đã ghi: chưa đạt")
        parts = []
        if self.missing:
            parts.append(_("thiếu giá trị %(codes)s") % {"codes": ", ".join(self.missing)})
        if self.no_threshold:
            parts.append(_("chưa có ngưỡng %(codes)s") % {"codes": ", ".join(self.no_threshold)})
        return "; ".join(parts) or _("không tính được")


@dataclass
class CommuneRescore:
    commune: Commune
    assessment: Assessment | None
    criteria: list[CriterionRescore] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        """The assessment's status, whatever it is, or that there is none."""
        if self.assessment is None:
            return _("Chưa có đánh giá")
        return self.assessment.get_status_display()

    @property
    def now_met(self) -> int:
        return self.assessment.criteria_met if self.assessment else 0

    @property
    def now_of(self) -> int:
        """The number of criteria of the assessment's own set."""
        return self.assessment.criteria_in_set if self.assessment else 0

    def _count(self, status: str) -> int:
        return sum(c.status == status for c in self.criteria)

    @property
    def would_met(self) -> int:
        """Criteria met under the chosen set, judged from the stored values."""
        return self._count(MET)

    @property
    def carried_met(self) -> int:
        """Criteria judged as a whole whose recorded result (met) is kept: apart."""
        return sum(c.status == CARRIED and c.now is True for c in self.criteria)

    @property
    def carried(self) -> int:
        return self._count(CARRIED)

    @property
    def missing(self) -> int:
        return self._count(MISSING)

    @property
    def uncomputable(self) -> int:
        return self._count(UNCOMPUTABLE)

    @property
    def would_total(self) -> int:
        return self.would_met + self.carried_met

    @property
    def gained(self) -> list[int]:
        return [c.number for c in self.criteria if c.gained]

    @property
    def lost(self) -> list[int]:
        return [c.number for c in self.criteria if c.lost]

    @property
    def missing_codes(self) -> list[str]:
        return [code for c in self.criteria for code in c.missing]

    @property
    def meets_all_now(self) -> bool:
        return self.assessment is not None and self.now_met == self.now_of > 0

    @property
    def would_meet_all(self) -> bool | None:
        """Every criterion of the chosen set met (from values, or kept as recorded): True;
        some criterion not met: False; none failed but some could not be judged: None."""
        if self.assessment is None or not self.criteria:
            return None
        results = [c.would for c in self.criteria]
        if False in results:
            return False
        if None in results:
            return None
        return True


@dataclass
class Rescoring:
    province: Province
    year: int
    criteria_set: CriteriaSet
    key_year: int  # the year the chosen set's levels and commune groups are taken for
    criteria: list[Criterion]
    rows: list[CommuneRescore]
    # The revision of the chosen set (None: its original text; LATEST: as it stands now).
    revision: CriteriaSetAmendment | None | str
    whole: list[int]  # numbers of the chosen set's criteria judged as a whole (no indicators)

    @property
    def revision_label(self) -> str:
        return revision_label(self.revision)

    @property
    def assessed(self) -> list[CommuneRescore]:
        return [r for r in self.rows if r.assessment is not None]

    @property
    def meets_all_now(self) -> int:
        return sum(r.meets_all_now for r in self.rows)

    @property
    def would_meet_all(self) -> int:
        return sum(r.would_meet_all is True for r in self.rows)

    @property
    def undecided(self) -> int:
        return sum(r.assessment is not None and r.would_meet_all is None for r in self.rows)

    @property
    def gained(self) -> int:
        return sum(len(r.gained) for r in self.rows)

    @property
    def lost(self) -> int:
        return sum(len(r.lost) for r in self.rows)


def revision_label(revision: CriteriaSetAmendment | None | str) -> str:
    """How a revision of a set is named on the page and in the workbook."""
    if revision == LATEST:
        return _("hiện hành (gồm mọi lần sửa đổi)")
    if revision is None:
        return _("bản ban hành ban đầu, trước mọi lần sửa đổi")
    if revision.effective_from is not None:
        return _("theo %(citation)s (hiệu lực từ %(date)s)") % {
            "citation": revision.citation,
            "date": revision.effective_from.strftime("%d/%m/%Y"),
        }
    return _("theo %(citation)s") % {"citation": revision.citation}


def key_year_for(year: int, criteria_set: CriteriaSet) -> int:
    """`year` moved into the set's period (see the module's docstring)."""
    year = max(year, criteria_set.first_year)
    if criteria_set.last_year is not None:
        year = min(year, criteria_set.last_year)
    return year


def rescore(
    catalogue: Catalogue,
    key: ThresholdKey,
    values: Mapping[tuple[int, str], StoredValue],
    recorded: Mapping[int, bool],
) -> list[CriterionRescore]:
    """Each criterion of `catalogue` judged from `values` (by criterion number and indicator
    code) for `key`, against `recorded` (criterion number -> met). No query once the catalogue
    is loaded without `for_key` (or for this key)."""
    entries: dict[int, IndicatorEntry] = {}
    missing: dict[int, str] = {}  # indicator id -> code
    for criterion in catalogue.criteria:
        for ind in catalogue.indicators[criterion.pk]:
            stored = values.get((criterion.number, ind.code))
            entry = _entry(catalogue, key, ind, stored)
            if entry is None:
                missing[ind.pk] = ind.code
            else:
                entries[ind.pk] = entry
    evaluation = evaluate_assessment(catalogue, key, entries)
    result = []
    for criterion in catalogue.criteria:
        indicators = catalogue.indicators[criterion.pk]
        now = recorded.get(criterion.number)
        common = {"number": criterion.number, "name": criterion.name_vi, "now": now}
        if not indicators:
            status = CARRIED if now is not None else UNCOMPUTABLE
            result.append(CriterionRescore(status=status, **common))
            continue
        outcomes = [evaluation.outcomes.get(ind.pk) for ind in indicators]
        lacking = tuple(ind.code for ind in indicators if ind.pk in missing)
        unknown = tuple(
            ind.code
            for ind, outcome in zip(indicators, outcomes, strict=True)
            if ind.pk not in missing and (outcome is None or outcome.met is None)
        )
        if any(o is not None and o.met is False for o in outcomes):
            status = NOT_MET
        elif lacking:
            status = MISSING
        elif unknown:
            status = UNCOMPUTABLE
        else:
            status = MET
        if status in (MET, NOT_MET):
            lacking = unknown = ()
        result.append(
            CriterionRescore(status=status, missing=lacking, no_threshold=unknown, **common)
        )
    return result


def _entry(catalogue: Catalogue, key: ThresholdKey, ind, stored: StoredValue | None):
    """The entry `stored` gives the chosen set's indicator `ind`, or None when it gives none
    that can be judged (a missing value). A numeric result is judged from the value alone: a
    computed or manual `met` of the old text is not carried; a yes/no result only from a yes/no
    result."""
    if stored is None:
        return None
    if not ind.is_numeric:
        if stored.numeric or stored.met is None:
            return None
        return IndicatorEntry(met=stored.met)
    if not stored.numeric or stored.value is None:
        return None
    threshold = catalogue.threshold_for(ind, key)
    if (
        ind.secondary_label
        and threshold is not None
        and threshold.value_secondary is not None
        and stored.value_secondary is None
    ):
        return None
    return IndicatorEntry(value=stored.value, value_secondary=stored.value_secondary)


def rescore_province(
    province: Province,
    year: int,
    criteria_set: CriteriaSet,
    *,
    revision: CriteriaSetAmendment | None | str = LATEST,
) -> Rescoring:
    """The re-scoring of every programme unit of `province` as at 31/12 of `year` (its standard
    assessment of the year, whatever its status) under `criteria_set` as at `revision` (as it
    stands now by default; None: its original text; a CriteriaSetAmendment of the set: as at
    that revision).

    A fixed number of queries whatever the number of communes: the units, their assessments,
    the recorded results, the stored values, the catalogue (three), and for the chosen set the
    designations (when it has the 318 rule) and the commune groups (when it is keyed by
    group)."""
    communes_qs = Commune.objects.of_area(on=year_end(year), province=province).in_programme()
    communes = list(communes_qs.select_related("province", "district").order_by("code"))
    assessments_qs = Assessment.objects.standard().filter(year=year, commune__in=communes_qs)
    assessments = {
        a.commune_id: a
        for a in assessments_qs.select_related("criteria_set").annotate(
            criteria_in_set=Count("criteria_set__criteria")
        )
    }
    recorded: dict[int, dict[int, bool]] = {}
    for assessment_id, number, met in CriterionResult.objects.filter(
        assessment__in=assessments_qs
    ).values_list("assessment_id", "criterion__number", "met"):
        recorded.setdefault(assessment_id, {})[number] = met
    values: dict[int, dict[tuple[int, str], StoredValue]] = {}
    for assessment_id, number, code, kind, value, secondary, met in IndicatorValue.objects.filter(
        assessment__in=assessments_qs
    ).values_list(
        "assessment_id",
        "indicator__criterion__number",
        "indicator__code",
        "indicator__kind",
        "value",
        "value_secondary",
        "met",
    ):
        numeric = kind in (Indicator.Kind.PERCENT, Indicator.Kind.NUMBER)
        values.setdefault(assessment_id, {})[(number, code)] = StoredValue(
            numeric=numeric, value=value, value_secondary=secondary, met=met
        )

    catalogue = Catalogue.load(criteria_set, revision=revision)
    key_year = key_year_for(year, criteria_set)
    assessed = [c for c in communes if c.pk in assessments]
    designated = designated_communes(assessed, key_year, criteria_set) if assessed else set()
    groups = (
        CommuneGroupAssignment.objects.groups_in_year(assessed, key_year)
        if assessed and criteria_set.threshold_basis != CriteriaSet.ThresholdBasis.REGION
        else {}
    )
    rows = []
    for commune in communes:
        assessment = assessments.get(commune.pk)
        row = CommuneRescore(commune=commune, assessment=assessment)
        if assessment is not None:
            key = threshold_key(
                commune,
                key_year,
                criteria_set,
                designated=commune.pk in designated,
                groups=groups,
            )
            row.criteria = rescore(
                catalogue,
                key,
                values.get(assessment.pk, {}),
                recorded.get(assessment.pk, {}),
            )
        rows.append(row)
    return Rescoring(
        province=province,
        year=year,
        criteria_set=criteria_set,
        key_year=key_year,
        criteria=catalogue.criteria,
        rows=rows,
        revision=revision,
        whole=[c.number for c in catalogue.criteria if not catalogue.indicators[c.pk]],
    )
