"""Loading criteria sets from the project's YAML catalogues (criteria/data/*.yaml).

Idempotent: sets, groups, criteria and indicators are keyed by their codes and updated in
place; thresholds change only while they are still as loaded (an admin's edit, marked by a
changed `source`, is kept). Nothing is deleted: groups, criteria and indicators an admin added
(e.g. to the 2026-2030 sets, loaded without indicators) stay. A new indicator or a changed
level goes through `criteria.revisions`: once an assessment was judged under the set as it
stood, it lands in a new revision, so a load never rewrites what was judged.

`periods.yaml` then sets each set's last day in force and its poverty standards.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction
from django.utils.translation import gettext

from communes.models import CommuneGroup, Region
from communes.versions import bump_data_version
from criteria import revisions
from criteria.models import (
    CriteriaSet,
    CriteriaSetAmendment,
    Criterion,
    CriterionGroup,
    Indicator,
    PovertyStandard,
    Threshold,
)

DATA_DIR = Path(__file__).resolve().parent / "data"
CATALOGUE_FILES = [
    DATA_DIR / "criteria-2011-2015.yaml",
    DATA_DIR / "criteria-2016-2020.yaml",
    DATA_DIR / "criteria-2021-2025.yaml",
    DATA_DIR / "criteria-2026-2030.yaml",
    DATA_DIR / "xa-ntm-hien-dai-2026-2030.yaml",
    DATA_DIR / "xa-ntm-kieu-mau-2018-2020.yaml",
    DATA_DIR / "xa-ntm-nang-cao-2021-2025.yaml",
    DATA_DIR / "xa-ntm-kieu-mau-2021-2025.yaml",
]
PERIODS_FILE = DATA_DIR / "periods.yaml"
LOADED_SOURCE = "catalogue"  # `source` of thresholds this loader owns

STATUS = {
    "confirmed": Threshold.Status.CONFIRMED,
    "UNCONFIRMED": Threshold.Status.UNCONFIRMED,
    "unknown": Threshold.Status.UNKNOWN,
}
LEVELS = {
    "xa": CriteriaSet.Level.COMMUNE,
    "xa_nang_cao": CriteriaSet.Level.ADVANCED,
    "xa_kieu_mau": CriteriaSet.Level.MODEL,
    "xa_hien_dai": CriteriaSet.Level.MODERN,
}


@dataclass
class CatalogueReport:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, n: int = 1) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + n


def _date(value) -> datetime.date | None:
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _split(value) -> tuple[Decimal | None, Decimal | None]:
    """A threshold value, or the pair of a two-part indicator (17.1: hygienic / clean water)."""
    if isinstance(value, dict):
        first, second = list(value.values())[:2]
        return (
            Decimal(str(first)) if first is not None else None,
            Decimal(str(second)) if second is not None else None,
        )
    if isinstance(value, int | float):
        return Decimal(str(value)), None
    return None, None


def _status(value, declared: str | None) -> str:
    if value is None:
        return Threshold.Status.UNKNOWN
    status = STATUS.get(declared or "UNCONFIRMED", Threshold.Status.UNCONFIRMED)
    return Threshold.Status.UNCONFIRMED if status == Threshold.Status.UNKNOWN else status


def _report_properties(cat: dict) -> dict:
    """What the reports read from the set, as the catalogue states it: "near the standard" and
    the revocation rule (ntm-reference §7.5). A value the catalogue leaves empty (UNCONFIRMED)
    is not written, so what an administrator entered in the admin stays."""
    fields = {}
    if cat.get("near_standard_missing") is not None:
        fields["near_standard_missing"] = cat["near_standard_missing"]
    rule = cat.get("revocation")
    if rule:
        fields |= {
            "revocation_basis": rule["legal_basis"],
            "revocation_percent": rule["percent"],
            "revocation_key_percent": rule.get("key_percent"),
            "revocation_key_criteria": ",".join(str(n) for n in rule.get("key_criteria") or []),
        }
    return fields


@transaction.atomic
def load_catalogue(path: Path) -> CatalogueReport:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = CatalogueReport()
    cat = data["catalogue"]
    for order, r in enumerate(data.get("regions") or [], start=1):
        Region.objects.update_or_create(
            code=r["code"],
            defaults={"name_vi": r["name_vi"], "name_en": r["name_en"], "order": order},
        )
    for g in data.get("commune_groups") or []:
        # communes' reference list owns the groups' texts; only add a missing one.
        CommuneGroup.objects.get_or_create(
            code=g["code"], defaults={"name_vi": g["name_vi"], "name_en": g["name_en"]}
        )
    basis = cat.get("threshold_basis") or CriteriaSet.ThresholdBasis.REGION
    if basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP:
        keys = {g.code: g for g in CommuneGroup.objects.all()}
    else:
        keys = {r.code: r for r in Region.objects.all()}

    criteria_set, _ = CriteriaSet.objects.update_or_create(
        code=cat["code"],
        defaults=_report_properties(cat)
        | {
            "name_vi": cat["name_vi"],
            "name_en": cat["name_en"],
            "legal_basis": cat["legal_basis"],
            "level": LEVELS[cat["level"]],
            "first_year": cat["period"]["from"],
            "last_year": cat["period"]["to"],
            "effective_from": _date(cat.get("effective_from")),
            "threshold_basis": basis,
            # The 318 rule for especially disadvantaged and safe-zone communes (§3, §15.1).
            "designated_region": (
                Region.objects.get(code=cat["designated_communes_region"])
                if cat.get("designated_communes_region")
                else None
            ),
        },
    )
    report.add("criteria_set")
    for amendment in cat.get("amendments") or []:
        # The act is recorded once; what an admin entered about its content is kept.
        _, created = CriteriaSetAmendment.objects.get_or_create(
            criteria_set=criteria_set,
            citation=amendment["citation"],
            defaults={
                "effective_from": _date(amendment.get("effective_from")),
                "source": amendment.get("source", ""),
            },
        )
        report.add("amendment", int(created))

    changes = _Changes(criteria_set)
    groups = {}
    for order, g in enumerate(data.get("groups") or [], start=1):
        groups[g["code"]], _ = CriterionGroup.objects.update_or_create(
            criteria_set=criteria_set,
            code=g["code"],
            defaults={"name_vi": g["name_vi"], "name_en": g["name_en"], "order": order},
        )
        report.add("group")

    for c in data.get("criteria") or []:
        criterion, _ = Criterion.objects.update_or_create(
            criteria_set=criteria_set,
            number=c["number"],
            defaults={
                "group": groups[c["group"]],
                "name_vi": c["name_vi"],
                "name_en": c["name_en"],
                "name_confirmed": c.get("name_status", "confirmed") == "confirmed",
                # Only a criterion loaded without indicators is judged as a whole.
                "whole_reason": "" if c["sub_indicators"] else data.get("whole_reason", ""),
            },
        )
        report.add("criterion")
        for order, i in enumerate(c["sub_indicators"], start=1):
            indicator, created = Indicator.objects.update_or_create(
                criterion=criterion,
                code=i["code"],
                defaults={
                    "order": order,
                    "name_vi": i["name_vi"],
                    "name_en": i.get("name_en", ""),
                    "unit": i.get("unit") or "",
                    "kind": i["kind"],
                    "comparison": i.get("comparator") or "",
                    "secondary_label": (
                        i["components"][1]["name_vi"] if len(i.get("components") or []) > 1 else ""
                    ),
                    "wording_confirmed": i.get("wording_status") == "confirmed",
                },
            )
            report.add("indicator")
            if created:
                revision = changes.revision()
                if revision is not None:
                    Indicator.objects.filter(pk=indicator.pk).update(added_in=revision)
            if indicator.is_numeric:
                report.add("threshold", _load_thresholds(indicator, i, keys, criteria_set, changes))
    bump_data_version()  # thresholds and sets decide every figure
    return report


class _Changes:
    """The revision a load's changes to one set go into, asked for once and only when
    something changes (criteria.revisions.revision_for_change)."""

    def __init__(self, criteria_set: CriteriaSet):
        self.criteria_set = criteria_set
        self._asked = False
        self._revision = None

    def revision(self):
        """None (the set as first loaded) while no assessment of the set was submitted or
        approved: the first load, and every load before anyone judged under it."""
        if not self._asked:
            if revisions.judged_under_any(self.criteria_set):
                self._revision = revisions.revision_for_change(
                    self.criteria_set,
                    by=gettext("Nạp lại danh mục (load_criteria) ngày %(day)s"),
                )
            self._asked = True
        return self._revision


def _level_key(t: Threshold) -> tuple:
    return (t.region_id, t.commune_group_id, t.year_from, t.year_to)


def _load_thresholds(
    indicator: Indicator, spec: dict, keys: dict, criteria_set, changes: _Changes
) -> int:
    """`keys` maps the codes of `thresholds` to regions or commune groups, after the set's
    threshold basis. Rows as loaded that the file no longer states, or states otherwise, are
    ended or changed through the set's revision; unchanged ones are left alone."""
    current = indicator.thresholds.filter(withdrawn_in__isnull=True)
    loaded = {_level_key(t): t for t in current.filter(source=LOADED_SOURCE)}
    by_group = criteria_set.threshold_basis == CriteriaSet.ThresholdBasis.COMMUNE_GROUP
    edited = set(
        current.filter(province__isnull=True)
        .exclude(source=LOADED_SOURCE)
        .values_list("commune_group_id" if by_group else "region_id", "year_from", "year_to")
    )
    rows = []

    def add(key, value, declared, year_from=None, year_to=None):
        if (key.pk if key else None, year_from, year_to) in edited:
            return  # an admin has set this one; keep it
        first, second = _split(value)
        rows.append(
            Threshold(
                indicator=indicator,
                region=None if by_group else key,
                commune_group=key if by_group else None,
                value=first,
                value_secondary=second,
                status=_status(first, declared),
                year_from=year_from,
                year_to=year_to,
                source=LOADED_SOURCE,
            )
        )

    target = spec.get("national_target")
    target = None if isinstance(target, str) else target
    level_year = spec.get("thresholds_year")
    by_year = spec.get("thresholds_by_year")
    if level_year:
        # The decision states the level for `level_year` only; the yearly path before it is not
        # known and is never copied backwards: earlier years have no level (a manual decision
        # with a reason) until an administrator enters the real one.
        add(None, target, spec.get("national_target_status"), level_year, level_year)
        for code, value in (spec.get("thresholds") or {}).items():
            add(keys[code], value, spec.get("thresholds_status"), level_year, level_year)
    elif by_year:
        add(None, target, spec.get("national_target_status"))
        for year, values in by_year.items():
            for code, value in values.items():
                add(keys[code], value, spec.get("thresholds_status"), int(year), int(year))
    else:
        add(None, target, spec.get("national_target_status"))
        for code, value in (spec.get("thresholds") or {}).items():
            add(keys[code], value, spec.get("thresholds_status"))
    for row in rows:
        old = loaded.pop(_level_key(row), None)
        if old is None:
            row.added_in = changes.revision()
            row.save()
        elif (old.value, old.value_secondary, old.status) != (
            row.value,
            row.value_secondary,
            row.status,
        ):
            revisions.threshold_change(
                old,
                changes.revision(),
                value=row.value,
                value_secondary=row.value_secondary,
                status=row.status,
            )
    for old in loaded.values():
        revisions.row_withdraw(old, changes.revision())
    return len(rows)


@transaction.atomic
def load_periods(path: Path = PERIODS_FILE) -> CatalogueReport:
    """Each set's last day in force and its poverty standards (sets not loaded are skipped)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    report = CatalogueReport()
    sets = CriteriaSet.objects.in_bulk(list(data), field_name="code")
    for code, spec in data.items():
        criteria_set = sets.get(code)
        if criteria_set is None:
            continue
        criteria_set.effective_to = _date(spec.get("effective_to"))
        criteria_set.save(update_fields=["effective_to"])
        report.add("period")
        for p in spec.get("poverty_standards") or []:
            PovertyStandard.objects.update_or_create(
                criteria_set=criteria_set,
                year_from=p["year_from"],
                defaults={
                    "year_to": p.get("year_to"),
                    "name_vi": p["name_vi"].strip(),
                    "name_en": (p.get("name_en") or "").strip(),
                    "legal_basis": p.get("legal_basis") or "",
                    "confirmed": bool(p.get("confirmed")),
                },
            )
            report.add("poverty_standard")
    bump_data_version()  # thresholds and sets decide every figure
    return report


def load_catalogues(paths: list[Path] | None = None) -> dict[str, CatalogueReport]:
    """Every catalogue file (or `paths`), then the periods: what load_criteria and the demo
    seed run."""
    reports = {path.name: load_catalogue(path) for path in paths or CATALOGUE_FILES}
    reports[PERIODS_FILE.name] = load_periods()
    return reports
