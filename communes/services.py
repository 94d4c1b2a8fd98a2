"""Loading administrative units from authoritative data (never from lists typed by hand)."""

import csv
import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from communes.models import Commune, CommuneGroup, District, Province, Region

DATA_DIR = Path(__file__).resolve().parent / "data"
LANGSON_2017_CSV = DATA_DIR / "langson-units-2017.csv"

# Resolution 818/NQ-UBTVQH14 took effect on 01/01/2020: dissolved units end on 31/12/2019.
MERGER_2019_END = datetime.date(2019, 12, 31)
MERGER_2019_START = datetime.date(2020, 1, 1)

LANGSON = {"code": "20", "name": "Lạng Sơn", "region": "TDMNPB"}

KIND_PREFIXES = {
    "Xã": Commune.Kind.COMMUNE,
    "Thị trấn": Commune.Kind.TOWNSHIP,
    "Phường": Commune.Kind.WARD,
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


@transaction.atomic
def load_langson_2017(path: Path = LANGSON_2017_CSV) -> LoadReport:
    """Lạng Sơn as in the GSO list of 2017 (226 units), with the 2019 merger as dated validity:
    dissolved units end on 31/12/2019, the communes the merger created start on 01/01/2020."""
    report = LoadReport()
    load_reference_lists(report)
    province, created = Province.objects.update_or_create(
        code=LANGSON["code"],
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
        commune, created = Commune.objects.update_or_create(
            code=row["commune_code"],
            valid_from=None,
            defaults={
                "name": row["commune_name"],
                "kind": row["kind"],
                "district": districts[row["district_code"]],
                "in_programme": row["kind"] == Commune.Kind.COMMUNE,
                "valid_to": MERGER_2019_END if dissolved else None,
                "note": row["note"],
            },
        )
        units[row["commune_code"]] = commune
        report.add("commune", created)

    # Communes created by the 2019 merger: the targets named in `in_2019_merger` that are not a
    # continuing 2017 unit of the same name in the same district (GSO changed some codes).
    continuing = {(c.district_id, c.kind, c.name): c for c in units.values() if c.valid_to is None}
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
                        "kind": kind,
                        "district": district,
                        "in_programme": kind == Commune.Kind.COMMUNE,
                        "note": "Hình thành theo Nghị quyết 818/NQ-UBTVQH14 (hiệu lực 01/01/2020).",
                    },
                )
                if created:
                    report.add("commune", True)
                continuing[(district.pk, kind, name)] = successor
            successor.predecessors.add(source)
    return report


@transaction.atomic
def load_national_legacy() -> LoadReport:
    """The whole country's three-tier units as of 2025-01-04 (vietnam-provinces, GPL-3.0+).

    Lạng Sơn is skipped when it is already loaded from its dated 2017 file. Regions are not in
    the package: provinces other than Lạng Sơn get none until an admin sets it.
    """
    from vietnam_provinces import legacy  # optional dependency, only for this command

    report = LoadReport()
    load_reference_lists(report)
    skip = set(Province.objects.filter(code=LANGSON["code"]).values_list("code", flat=True))
    if skip:
        report.messages.append("Lạng Sơn (20) giữ dữ liệu năm 2017 có ghi ngày sáp nhập; bỏ qua.")

    existing_communes = set(
        Commune.objects.filter(valid_to__isnull=True).values_list("code", flat=True)
    )
    new_communes = []
    for p in legacy.Province.iter_all():
        pcode = f"{int(p.code):02d}"
        if pcode in skip:
            continue
        name = re.sub(r"^(Tỉnh|Thành phố) ", "", p.name)
        province, created = Province.objects.update_or_create(code=pcode, defaults={"name": name})
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
                        kind=wkind,
                        district=district,
                        in_programme=wkind == Commune.Kind.COMMUNE,
                    )
                )
    Commune.objects.bulk_create(new_communes, batch_size=2000)
    report.created["commune"] = report.created.get("commune", 0) + len(new_communes)
    return report
