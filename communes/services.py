"""Loading administrative units from authoritative data (never from lists typed by hand)."""

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from communes.models import (
    DISTRICTS_END,
    TWO_TIER_START,
    Commune,
    CommuneGroup,
    District,
    Province,
    Region,
    Succession,
)
from communes.versions import bump_data_version
from ntm.lib.text import fold

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGSON_2017_CSV = DATA_DIR / "langson-units-2017.csv"
LANGSON_2024_CSV = DATA_DIR / "langson-changes-2024.csv"
LANGSON_2025_CSV = DATA_DIR / "langson-units-2025.csv"

# Resolution 818/NQ-UBTVQH14 took effect on 01/01/2020: dissolved units end on 31/12/2019.
MERGER_2019_END = datetime.date(2019, 12, 31)
MERGER_2019_START = datetime.date(2020, 1, 1)
BASIS_2019 = "Nghị quyết 818/NQ-UBTVQH14 (21/11/2019)"
# The 2023-2025 round took effect in Lạng Sơn on 01/12/2024 (ntm-reference §9.2, §17.3): Nghị
# quyết 1246/NQ-UBTVQH15 of 24/10/2024 (§18.1, [S151]).
ROUND_2024_START = datetime.date(2024, 12, 1)
ROUND_2024_END = datetime.date(2024, 11, 30)
BASIS_2024 = "Nghị quyết 1246/NQ-UBTVQH15 (24/10/2024)"
BASIS_2025_LANGSON = "Nghị quyết 1672/NQ-UBTVQH15 (16/06/2025)"
BASIS_2025 = "Sắp xếp ĐVHC cấp xã năm 2025 (hiệu lực 01/07/2025)"

LANGSON = {"code": "20", "name": "Lạng Sơn", "region": "TDMNPB"}

KIND_PREFIXES = {
    "Xã": Commune.Kind.COMMUNE,
    "Thị trấn": Commune.Kind.TOWNSHIP,
    "Phường": Commune.Kind.WARD,
    "Đặc khu": Commune.Kind.SPECIAL_ZONE,
}
DISTRICT_PREFIXES = {
    "Thành phố": District.Kind.PROVINCIAL_CITY,
    "Thị xã": District.Kind.TOWN,
    "Quận": District.Kind.URBAN_DISTRICT,
    "Huyện": District.Kind.RURAL_DISTRICT,
}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    def add(self, kind: str, created: bool) -> None:
        bucket = self.created if created else self.updated
        bucket[kind] = bucket.get(kind, 0) + 1


def split_prefix(full_name: str, prefixes: dict) -> tuple[str, str]:
    for prefix, kind in prefixes.items():
        if full_name.casefold().startswith(prefix.casefold() + " "):  # GSO writes "Thành Phố" too
            return kind, full_name[len(prefix) + 1 :].strip()
    raise ValueError(f"unknown unit type in {full_name!r}")


def load_reference_lists(report: LoadReport) -> None:
    with open(DATA_DIR / "regions.csv", encoding="utf-8") as f:
        for order, row in enumerate(csv.DictReader(f), start=1):
            _, created = Region.objects.update_or_create(
                code=row["code"],
                defaults={"name_vi": row["name_vi"], "name_en": row["name_en"], "order": order},
            )
            report.add("region", created)
    with open(DATA_DIR / "commune-groups.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            _, created = CommuneGroup.objects.update_or_create(
                code=row["code"],
                defaults={k: row[k] for k in ("name_vi", "name_en", "description")},
            )
            report.add("commune_group", created)


def in_programme(kind: str) -> bool:
    """The programme covers rural communes (xã) only, before and after 2025 (ntm-reference §11;
    for wards after 2025 usual practice, UNCONFIRMED §17.3)."""
    return kind == Commune.Kind.COMMUNE


def link(report: LoadReport, predecessor, successor, *, effective_on, legal_basis, partial=False):
    """One succession record, keyed on the pair so that loading again changes nothing."""
    _, created = Succession.objects.update_or_create(
        predecessor=predecessor,
        successor=successor,
        defaults={
            "effective_on": effective_on,
            "legal_basis": legal_basis,
            "is_partial": partial,
        },
    )
    report.add("succession", created)


@transaction.atomic
def load_langson(
    path_2017: Path = LANGSON_2017_CSV,
    path_2024: Path = LANGSON_2024_CSV,
    path_2025: Path = LANGSON_2025_CSV,
) -> LoadReport:
    """Lạng Sơn through all its states: 2017, the 2019 merger, the 01/12/2024 round and the
    two-tier units of 01/07/2025, from the data files in communes/data/."""
    report = load_langson_2017(path_2017)
    load_langson_2024(path_2024, report)
    load_langson_2025(path_2025, report)
    bump_data_version()  # the units are every figure's denominator
    return report


def load_langson_2017(path: Path = LANGSON_2017_CSV) -> LoadReport:
    """Lạng Sơn as in the GSO list of 2017 (226 units), with the 2019 merger as dated validity:
    dissolved units end on 31/12/2019, the communes the merger created start on 01/01/2020."""
    report = LoadReport()
    load_reference_lists(report)
    province, created = Province.objects.update_or_create(
        code=LANGSON["code"],
        valid_from=None,
        defaults={"name": LANGSON["name"], "region": Region.objects.get(code=LANGSON["region"])},
    )
    report.add("province", created)

    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    districts = {}
    for row in rows:
        if row["district_code"] in districts:
            continue
        kind, name = split_prefix(row["district_name"], DISTRICT_PREFIXES)
        districts[row["district_code"]], created = District.objects.update_or_create(
            code=row["district_code"], defaults={"name": name, "kind": kind, "province": province}
        )
        report.add("district", created)

    units = {}
    for row in rows:
        dissolved = row["in_2019_merger"].startswith("dissolved")
        defaults = {
            "name": row["commune_name"],
            "search_name": fold(row["commune_name"]),
            "kind": row["kind"],
            "province": province,
            "district": districts[row["district_code"]],
            "in_programme": in_programme(row["kind"]),
            "note": row["note"],
        }
        if dissolved:
            defaults["valid_to"] = MERGER_2019_END
        # The others end in 2024 or 2025 (load_langson_2024/2025): a second load keeps that end.
        commune, created = Commune.objects.update_or_create(
            code=row["commune_code"],
            valid_from=None,
            defaults=defaults,
            create_defaults={**defaults, "valid_to": defaults.get("valid_to")},
        )
        units[row["commune_code"]] = commune
        report.add("commune", created)

    # Communes created by the 2019 merger: the targets named in `in_2019_merger` that are not a
    # continuing 2017 unit of the same name in the same district (GSO changed some codes).
    continuing = {
        (c.district_id, c.kind, c.name): c
        for c in units.values()
        if c.valid_to is None or c.valid_to > MERGER_2019_END
    }
    for row in rows:
        if not row["in_2019_merger"].startswith("dissolved into"):
            continue
        source = units[row["commune_code"]]
        targets = row["in_2019_merger"].removeprefix("dissolved into").split("+")
        for target in targets:
            match = re.fullmatch(r"\s*(\d{5}) (.+?)\s*", target)
            code, full_name = match.groups()
            kind, name = split_prefix(full_name, KIND_PREFIXES)
            district = districts[row["district_code"]]
            successor = continuing.get((district.pk, kind, name))
            if successor is None:
                successor, created = Commune.objects.update_or_create(
                    code=code,
                    valid_from=MERGER_2019_START,
                    defaults={
                        "name": name,
                        "search_name": fold(name),
                        "kind": kind,
                        "province": province,
                        "district": district,
                        "in_programme": in_programme(kind),
                        "note": "Hình thành theo Nghị quyết 818/NQ-UBTVQH14 (hiệu lực 01/01/2020).",
                    },
                )
                if created:
                    report.add("commune", True)
                continuing[(district.pk, kind, name)] = successor
            link(
                report,
                source,
                successor,
                effective_on=MERGER_2019_START,
                legal_basis=BASIS_2019,
                partial=len(targets) > 1,
            )
    return report


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_langson_2024(path: Path, report: LoadReport) -> None:
    """The round of 01/12/2024: every unit named as `old` ends on 30/11/2024; a successor that
    was not a unit of 2020 (same code, name and kind) starts on 01/12/2024 in the same district.
    The file lists the difference between the 2020 units and `vietnam_provinces.legacy`
    (2025-01-04), with the receiving units of the press reports (langson-units-2017.md)."""
    province = Province.objects.with_code(LANGSON["code"]).get()
    rows = read_csv(path)
    ended = {row["old_code"] for row in rows}
    olds = {}
    for code in sorted(ended):
        # The unit of 2020 (valid on 31/12/2020) carrying the code.
        unit = Commune.objects.in_scope(province=province).with_code(code, 2020).get()
        if unit.valid_to != ROUND_2024_END:
            unit.valid_to = ROUND_2024_END
            unit.save(update_fields=["valid_to"])
        olds[code] = unit
    for row in rows:
        old = olds[row["old_code"]]
        successor = (
            Commune.objects.in_scope(province=province)
            .with_code(row["new_code"], 2020)
            .filter(name=row["new_name"], kind=row["new_kind"])
            .exclude(code__in=ended)
            .first()
        )
        if successor is None:
            successor, created = Commune.objects.update_or_create(
                code=row["new_code"],
                valid_from=ROUND_2024_START,
                defaults={
                    "name": row["new_name"],
                    "search_name": fold(row["new_name"]),
                    "kind": row["new_kind"],
                    "province": province,
                    "district": old.district,
                    "in_programme": in_programme(row["new_kind"]),
                    "note": f"Hình thành theo {BASIS_2024}.",
                },
            )
            report.add("commune", created)
        link(
            report,
            old,
            successor,
            effective_on=ROUND_2024_START,
            legal_basis=BASIS_2024,
            partial=row["is_partial"] == "yes",
        )


def load_langson_2025(path: Path, report: LoadReport) -> None:
    """The two-tier units of 01/07/2025 (Nghị quyết 1672/NQ-UBTVQH15) with their old→new table,
    as generated from vietnam-provinces by `export_units_2025 20`. Every unit of 30/06/2025 ends
    then; the new units have no district."""
    province = Province.objects.with_code(LANGSON["code"]).get()
    rows = read_csv(path)
    on_the_day = list(
        Commune.objects.in_scope(province=province)
        .valid_on(DISTRICTS_END)
        .select_related("district")
    )
    old_units = {c.code: c for c in on_the_day}
    # GSO relabelled two continuing units in 2021 (Thị trấn Bình Gia 06064 → 06112, xã Bình Phúc
    # 06310 → 06298; langson-units-2017.md): the same unit, found by district, kind and name.
    by_name = {(c.district.code, c.kind, c.name): c for c in on_the_day}
    for row in rows:
        if row["old_code"] not in old_units:
            key = (row["old_district_code"], row["old_kind"], row["old_name"])
            if key in by_name:
                old_units[row["old_code"]] = by_name[key]
    missing = {row["old_code"] for row in rows} - set(old_units)
    if missing:
        raise ValueError(f"units of the 2025 table not found on 30/06/2025: {sorted(missing)}")
    # The units of the table end on 30/06/2025 (in Lạng Sơn all of them: tested), before the new
    # units take over their codes. update() so that a second load writes nothing.
    Commune.objects.filter(pk__in=[old_units[row["old_code"]].pk for row in rows]).exclude(
        valid_to=DISTRICTS_END
    ).update(valid_to=DISTRICTS_END)
    new_units = {}
    for row in rows:
        if row["new_code"] in new_units:
            continue
        unit, created = Commune.objects.update_or_create(
            code=row["new_code"],
            valid_from=TWO_TIER_START,
            defaults={
                "name": row["new_name"],
                "search_name": fold(row["new_name"]),
                "kind": row["new_kind"],
                "province": province,
                "district": None,
                "in_programme": in_programme(row["new_kind"]),
            },
        )
        new_units[row["new_code"]] = unit
        report.add("commune", created)
    for row in rows:
        link(
            report,
            old_units[row["old_code"]],
            new_units[row["new_code"]],
            effective_on=TWO_TIER_START,
            legal_basis=BASIS_2025_LANGSON,
            partial=row["is_partial"] == "yes",
        )


def province_name(full_name: str) -> str:
    return re.sub(r"^(Tỉnh|Thành phố) ", "", full_name)


@transaction.atomic
def load_national() -> LoadReport:
    """The whole country: the three-tier units of 2025-01-04, then the 34 provinces and 3,321
    units of 01/07/2025 with their old→new table (vietnam-provinces, GPL-3.0+, optional).

    Lạng Sơn keeps its dated files (2017, 2019, 2024, 2025). Regions are not in the package:
    provinces other than Lạng Sơn get none until an admin sets it."""
    report = load_national_legacy()
    load_national_2025(report)
    bump_data_version()
    return report


def load_national_legacy() -> LoadReport:
    """The three-tier units as of 2025-01-04; they all end on 30/06/2025. A province continues
    after that day when the reform kept both its code and its name."""
    from vietnam_provinces import Province as NewProvince  # optional dependency
    from vietnam_provinces import legacy

    report = LoadReport()
    load_reference_lists(report)
    skip = {LANGSON["code"]}
    report.messages.append("Lạng Sơn (20): dữ liệu có ghi ngày trong communes/data/; bỏ qua.")
    kept = {f"{p.code.value:02d}": province_name(p.name) for p in NewProvince.iter_all()}

    existing_communes = set(
        Commune.objects.filter(valid_from__isnull=True)
        .exclude(province__code__in=skip)
        .values_list("code", flat=True)
    )
    new_communes = []
    for p in legacy.Province.iter_all():
        pcode = f"{int(p.code):02d}"
        if pcode in skip:
            continue
        name = province_name(p.name)
        province, created = Province.objects.update_or_create(
            code=pcode,
            valid_from=None,
            defaults={"name": name, "valid_to": None if kept.get(pcode) == name else DISTRICTS_END},
        )
        report.add("province", created)
        for d in legacy.District.iter_by_province(p.code):
            kind, dname = split_prefix(d.name, DISTRICT_PREFIXES)
            district, created = District.objects.update_or_create(
                code=f"{int(d.code):03d}",
                defaults={"name": dname, "kind": kind, "province": province},
            )
            report.add("district", created)
            for w in legacy.Ward.iter_by_district(d.code):
                code = f"{int(w.code):05d}"
                if code in existing_communes:
                    report.add("commune", False)
                    continue
                wkind, wname = split_prefix(w.name, KIND_PREFIXES)
                new_communes.append(
                    Commune(
                        code=code,
                        name=wname,
                        search_name=fold(wname),
                        kind=wkind,
                        province=province,
                        district=district,
                        in_programme=in_programme(wkind),
                        valid_to=DISTRICTS_END,
                    )
                )
    # Units loaded before the reform was known end now, before new units reuse their codes.
    Commune.objects.filter(valid_from__isnull=True, valid_to__isnull=True).exclude(
        province__code__in=skip
    ).update(valid_to=DISTRICTS_END)
    Commune.objects.bulk_create(new_communes, batch_size=2000)
    report.created["commune"] = report.created.get("commune", 0) + len(new_communes)
    return report


def load_national_2025(report: LoadReport) -> None:
    from vietnam_provinces import Province as NewProvince  # optional dependency
    from vietnam_provinces import Ward
    from vietnam_provinces._ward_conversion_2025 import NEW_TO_OLD

    current = {}
    for p in NewProvince.iter_all():
        pcode = f"{p.code.value:02d}"
        name = province_name(p.name)
        province = Province.objects.filter(code=pcode, valid_to__isnull=True).first()
        if province is None or province.name != name:
            province, created = Province.objects.update_or_create(
                code=pcode, valid_from=TWO_TIER_START, defaults={"name": name}
            )
            report.add("province", created)
        current[pcode] = province
        sources = [f"{src.code.value:02d}" for src in p.get_legacy_sources()]
        province.formed_from.add(
            *Province.objects.filter(code__in=sources, valid_from__isnull=True).exclude(
                pk=province.pk
            )
        )

    skip = LANGSON["code"]
    existing = set(Commune.objects.filter(valid_from=TWO_TIER_START).values_list("code", flat=True))
    new_units = []
    for w in Ward.iter_all():
        pcode = f"{w.province_code.value:02d}"
        code = f"{w.code.value:05d}"
        if pcode == skip or code in existing:
            continue
        kind, name = split_prefix(w.name, KIND_PREFIXES)
        new_units.append(
            Commune(
                code=code,
                name=name,
                search_name=fold(name),
                kind=kind,
                province=current[pcode],
                district=None,
                in_programme=in_programme(kind),
                valid_from=TWO_TIER_START,
            )
        )
    Commune.objects.bulk_create(new_units, batch_size=2000)
    report.created["commune"] = report.created.get("commune", 0) + len(new_units)

    old_ids = dict(
        Commune.objects.filter(valid_from__isnull=True, valid_to=DISTRICTS_END)
        .exclude(province__code=skip)
        .values_list("code", "pk")
    )
    new_ids = dict(
        Commune.objects.filter(valid_from=TWO_TIER_START)
        .exclude(province__code=skip)
        .values_list("code", "pk")
    )
    linked = set(
        Succession.objects.filter(effective_on=TWO_TIER_START)
        .exclude(successor__province__code=skip)
        .values_list("predecessor_id", "successor_id")
    )
    links = []
    unmatched = 0
    for entry in NEW_TO_OLD.values():
        successor_id = new_ids.get(f"{entry.new_ward.code:05d}")
        if successor_id is None:
            continue  # Lạng Sơn
        for ref in entry.old_wards:
            predecessor_id = old_ids.get(f"{ref.code:05d}")
            if predecessor_id is None:
                unmatched += 1
                continue
            if (predecessor_id, successor_id) in linked:
                continue
            links.append(
                Succession(
                    predecessor_id=predecessor_id,
                    successor_id=successor_id,
                    effective_on=TWO_TIER_START,
                    legal_basis=BASIS_2025,
                    is_partial=ref.is_partly_merged,
                )
            )
    Succession.objects.bulk_create(links, batch_size=2000)
    report.created["succession"] = report.created.get("succession", 0) + len(links)
    if unmatched:
        report.messages.append(
            f"{unmatched} đơn vị cũ trong bảng chuyển đổi không có trong dữ liệu."
        )


UNITS_2025_FIELDS = [
    "new_code",
    "new_name",
    "new_kind",
    "old_code",
    "old_name",
    "old_kind",
    "old_district_code",
    "is_partial",
]


def units_2025_rows(province_code: str) -> list[dict[str, str]]:
    """The old→new table of 01/07/2025 for one province, read from vietnam-provinces
    (GPL-3.0-or-later): one row per (new unit, old unit) pair, new units in code order."""
    from vietnam_provinces import ProvinceCode, Ward  # optional dependency
    from vietnam_provinces._ward_conversion_2025 import NEW_TO_OLD
    from vietnam_provinces.legacy import Ward as LegacyWard
    from vietnam_provinces.legacy import WardCode as LegacyWardCode

    rows = []
    for ward in sorted(Ward.iter_by_province(ProvinceCode(int(province_code))), key=code_of):
        kind, name = split_prefix(ward.name, KIND_PREFIXES)
        for ref in NEW_TO_OLD[ward.code.value].old_wards:
            old = LegacyWard.from_code(LegacyWardCode(ref.code))
            old_kind, old_name = split_prefix(old.name, KIND_PREFIXES)
            rows.append(
                {
                    "new_code": f"{ward.code.value:05d}",
                    "new_name": name,
                    "new_kind": kind,
                    "old_code": f"{ref.code:05d}",
                    "old_name": old_name,
                    "old_kind": old_kind,
                    "old_district_code": f"{ref.district_code:03d}",
                    "is_partial": "yes" if ref.is_partly_merged else "no",
                }
            )
    return rows


def code_of(unit) -> int:
    return unit.code.value


def write_units_2025_csv(province_code: str, out) -> int:
    writer = csv.DictWriter(out, fieldnames=UNITS_2025_FIELDS, lineterminator="\n")
    writer.writeheader()
    rows = units_2025_rows(province_code)
    writer.writerows(rows)
    return len(rows)
