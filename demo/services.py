"""The demo province: Lạng Sơn 2016-2018 with synthetic but internally consistent assessments,
and a 2026 baseline of its communes of 01/07/2025 under 51/2025/QĐ-TTg.

Per-commune values are invented (deterministically, from a fixed seed). Only the province's 2017
totals are real: 36 of 207 communes certified and 8.65 criteria per commune on average, as the
provincial steering committee reported them (conference of 31/05/2018). The 2026 assessments and
the communes' groups are illustrative ("minh họa") and say so in their notes.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from accounts.models import Membership
from accounts.roles import COMMUNE_GROUP, DISTRICT_GROUP, PROVINCE_GROUP, sync_role_groups
from communes.models import Commune, CommuneGroup, CommuneGroupAssignment, District, Province
from communes.services import load_langson
from criteria.applicable import criteria_set_for_year, threshold_key
from criteria.catalogue import load_catalogues
from criteria.certifications import certification_create, certification_transcribe
from criteria.evaluation import Catalogue, ThresholdKey
from criteria.models import Assessment, Certification, CriteriaSet, Criterion
from criteria.services import AssessmentInput, assessments_bulk_create
from demo.synthetic import difficulty_order, synthetic_entries

PROVINCE_CODE = "20"
CHI_LANG_DISTRICT = "187"
YEARS = (2016, 2017, 2018)
SEED = 20180531
PASSWORD = "demo12345"  # noqa: S105 - documented demo password, refused with DEBUG off

# Reported for the end of 2017 (Báo Lạng Sơn, conference of 31/05/2018), with 36 communes
# certified: NEW_CERTIFIED's 2016 and 2017.
CRITERIA_TOTAL_2017 = 1790  # 1790 / 207 = 8.647… -> 8.65

# Certified before the end of 2016 / during 2017 / during 2018.
NEW_CERTIFIED = {2016: 28, 2017: 8, 2018: 10}
# Communes on record (ntm-reference §9.3), by code: appraised 2015 and certified in 2018.
KNOWN_EARLY = ["06505", "06628", "06298", "06235"]  # Vạn Linh, Đình Lập, Xuân Mai, Gia Cát
KNOWN_2018 = {
    "06622": ("2165/QĐ-UBND", datetime.date(2018, 10, 31)),  # Bính Xá
    "06280": ("2166/QĐ-UBND", datetime.date(2018, 10, 31)),  # Văn An
}

# Real decisions issued outside the app (ntm-reference §9.3 [S44], §17.2 [S129], §18.3 [S158]):
# UBND tỉnh Lạng Sơn, 26/01/2023, recognising three xã as advanced NTM communes of 2022. Entered
# as transcribed decisions: the app holds no advanced assessment of them (the 2021-2025 advanced
# set has no criteria loaded). Their standard (NTM) decisions are not known to the project and
# are not entered: each decision says so (tier_below_not_recorded) rather than rest on the
# demo's illustrative 2016-2018 certifications or an invented number. By official code: there
# are two xã Chi Lăng (06034 in Tràng Định, 06523 in Chi Lăng).
TRANSCRIBED_2022 = {
    "06034": "99/QĐ-UBND",  # xã Chi Lăng, huyện Tràng Định
    "06454": "103/QĐ-UBND",  # xã Sơn Hà, huyện Hữu Lũng
    "06646": "105/QĐ-UBND",  # xã Bắc Lãng, huyện Đình Lập
}
TRANSCRIBED_2022_DATE = datetime.date(2023, 1, 26)
TRANSCRIBED_2022_SET = "xa-ntm-nang-cao-2021-2025"
TRANSCRIBED_2022_REASON = (
    "Quyết định do UBND tỉnh ban hành ngoài ứng dụng; hồ sơ đánh giá do tỉnh lưu, không nhập "
    "vào ứng dụng. Quyết định công nhận xã đạt chuẩn nông thôn mới trước đó cũng chưa nhập."
)

DEMO_USERS = [
    # username, first name, last name, role, scope code
    ("admin", "Quản trị", "", None, None),
    (
        "province",
        "Cán bộ",
        "Ban Chỉ đạo tỉnh Lạng Sơn",
        Membership.Role.PROVINCE_STAFF,
        PROVINCE_CODE,
    ),
    ("district", "Cán bộ", "huyện Chi Lăng", Membership.Role.DISTRICT_OFFICIAL, CHI_LANG_DISTRICT),
    ("xa", "Cán bộ", "UBND xã Bằng Mạc", Membership.Role.COMMUNE_OFFICIAL, "06475"),
]
# The commune official works for xã Bằng Mạc as formed on 01/07/2025 (Gia Lộc, Bằng Hữu,
# Thượng Cường, Bằng Mạc; it kept Gia Lộc's code 06475).
TWO_TIER_START = datetime.date(2025, 7, 1)


def commune_of_two_tiers(code: str) -> Commune | None:
    """The commune-level unit `code` formed on or after 01/07/2025, None until the units of
    2025 are loaded: before then 06475 is only the old xã Gia Lộc, whose official `xa` is not."""
    return Commune.objects.with_code(code, 2026).filter(valid_from__gte=TWO_TIER_START).first()


# 2026: a baseline of the 61 xã formed on 01/07/2025 under 51/2025/QĐ-TTg (ten criteria, each
# judged as a whole: its indicators are not in the catalogue yet). Xã Bằng Mạc (06475) is left
# for the province to assess in the demo journey.
BASELINE_YEAR = 2026
BASELINE_SET = "xa-ntm-2026-2030"
BASELINE_LEFT_OPEN = {"06475"}
BASELINE_NOTE = (
    "Dữ liệu minh họa (demo): đánh giá ban đầu năm 2026 theo Quyết định 51/2025/QĐ-TTg, "
    "số liệu giả định."
)
BASELINE_CRITERION_NOTE = "Minh họa: đánh giá cả tiêu chí (chưa có chỉ tiêu trong danh mục)."
GROUP_NOTE = (
    "Minh họa (demo): nhóm giả định, chưa theo quyết định phân loại xã khu vực II, III "
    "(Nghị định 272/2025/NĐ-CP)."
)
# Illustrative shares of the groups: most Lạng Sơn xã are mountainous (group 3 follows the
# ethnic-minority-area classification, whose split for Lạng Sơn is not known).
GROUP_WEIGHTS = {"N1": 1, "N2": 4, "N3": 15}


@dataclass
class SeedReport:
    assessments_created: int = 0
    assessments_kept: int = 0
    certifications_created: int = 0
    users_created: list[str] = field(default_factory=list)


@dataclass
class CommunePlan:
    commune: Commune
    order: list[int]  # criteria numbers, easiest first for this commune
    counts: dict[int, int]  # criteria met by year
    certified_on: datetime.date | None = None
    decision: str = ""


def plan_demo(communes: list[Commune], numbers: list[int]) -> list[CommunePlan]:
    """Decide, deterministically, how many and which criteria each commune meets each year
    (`numbers`: the criteria of the 2016-2020 set, whose 2017 report the demo reproduces)."""
    rng = random.Random(SEED)
    by_code = {c.code: c for c in communes}
    pool = [c.code for c in communes if c.code not in KNOWN_EARLY and c.code not in KNOWN_2018]
    rng.shuffle(pool)
    early = KNOWN_EARLY + pool[: NEW_CERTIFIED[2016] - len(KNOWN_EARLY)]
    pool = pool[len(early) - len(KNOWN_EARLY) :]
    new_2017 = pool[: NEW_CERTIFIED[2017]]
    pool = pool[NEW_CERTIFIED[2017] :]
    new_2018 = list(KNOWN_2018) + pool[: NEW_CERTIFIED[2018] - len(KNOWN_2018)]
    certified_year = dict.fromkeys(early, 2016)
    certified_year |= dict.fromkeys(new_2017, 2017)
    certified_year |= dict.fromkeys(new_2018, 2018)

    plans = {}
    for c in communes:
        plans[c.code] = CommunePlan(c, difficulty_order(rng, numbers), {})

    # 2017: certified communes meet all 19; the rest share what the reported total leaves.
    rest = []
    for code, plan in plans.items():
        cy = certified_year.get(code)
        if cy is not None and cy <= 2017:
            plan.counts[2017] = 19
        elif cy == 2018:
            plan.counts[2017] = rng.randint(15, 18)
        else:
            plan.counts[2017] = max(1, min(14, round(rng.triangular(1, 14, 5))))
            rest.append(plan)
    gap = CRITERIA_TOTAL_2017 - sum(p.counts[2017] for p in plans.values())
    while gap:
        plan = rng.choice(rest)
        step = 1 if gap > 0 else -1
        if 1 <= plan.counts[2017] + step <= 14:
            plan.counts[2017] += step
            gap -= step

    for code, plan in plans.items():
        cy = certified_year.get(code)
        c17 = plan.counts[2017]
        if cy == 2016:
            plan.counts[2016] = plan.counts[2018] = 19
        elif cy == 2017:
            plan.counts[2016], plan.counts[2018] = rng.randint(16, 18), 19
        elif cy == 2018:
            plan.counts[2016], plan.counts[2018] = max(1, c17 - rng.choice([0, 1, 1, 2])), 19
        else:
            # Mostly progress, occasionally a criterion lost (reports list both).
            plan.counts[2016] = max(1, min(18, c17 - rng.choice([0, 0, 1, 1, 2, -1])))
            plan.counts[2018] = max(1, min(18, c17 + rng.choice([0, 1, 1, 2, 3, -1])))
        if cy is not None:
            if plan.commune.code in KNOWN_2018:
                plan.decision, plan.certified_on = KNOWN_2018[plan.commune.code]
            else:
                plan.certified_on = datetime.date(cy, rng.randint(9, 12), rng.randint(1, 28))
                plan.decision = f"MH-{rng.randint(100, 2999)}/QĐ-UBND"
    return [plans[c.code] for c in communes if c.code in by_code]


def build_input(
    plan: CommunePlan, year: int, catalogue: Catalogue, key: ThresholdKey, rng: random.Random
) -> AssessmentInput:
    met_numbers = set(plan.order[: plan.counts[year]])
    entries = synthetic_entries(catalogue, key, met_numbers, rng)
    return AssessmentInput(entries=entries, note="Dữ liệu minh họa (demo).")


def ensure_users(report: SeedReport) -> None:
    sync_role_groups()
    User = get_user_model()
    from django.contrib.auth.models import Group

    for username, first, last, role, scope_code in DEMO_USERS:
        commune = None
        if role == Membership.Role.COMMUNE_OFFICIAL:
            commune = commune_of_two_tiers(scope_code)
            if commune is None:
                continue  # the 2025 units are not loaded: no account for a unit not there
        user, created = User.objects.get_or_create(
            username=username, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_password(PASSWORD)
            report.users_created.append(username)
        if role is None:
            user.is_staff = user.is_superuser = True
        user.save()
        if role == Membership.Role.PROVINCE_STAFF:
            Membership.objects.update_or_create(
                user=user,
                defaults={
                    "role": role,
                    "province": Province.objects.get(code=scope_code),
                    "district": None,
                },
            )
            user.groups.add(Group.objects.get(name=PROVINCE_GROUP))
        elif role == Membership.Role.DISTRICT_OFFICIAL:
            Membership.objects.update_or_create(
                user=user,
                defaults={
                    "role": role,
                    "district": District.objects.get(code=scope_code),
                    "province": None,
                },
            )
            user.groups.add(Group.objects.get(name=DISTRICT_GROUP))
        elif role == Membership.Role.COMMUNE_OFFICIAL:
            Membership.objects.update_or_create(
                user=user,
                defaults={"role": role, "commune": commune, "province": None, "district": None},
            )
            user.groups.add(Group.objects.get(name=COMMUNE_GROUP))


@transaction.atomic
def seed_demo() -> SeedReport:
    report = SeedReport()
    load_langson()  # every state from 2017 to 01/07/2025; a second load changes nothing
    load_catalogues()  # idempotent: new sets arrive in an existing database too
    ensure_users(report)
    admin = get_user_model().objects.get(username="admin")

    communes = list(
        Commune.objects.in_programme()
        .valid_in(2017)
        .filter(province__code=PROVINCE_CODE)
        .select_related("province", "district")
        .order_by("code")
    )
    criteria_set = criteria_set_for_year(YEARS[0])  # 2016-2020, for every demo year
    catalogue = Catalogue.load(criteria_set)
    plans = plan_demo(communes, [c.number for c in catalogue.criteria])
    existing = set(
        Assessment.objects.filter(commune__in=communes, year__in=YEARS).values_list(
            "commune_id", "year"
        )
    )
    rows = []
    for year in YEARS:
        rng = random.Random(f"{SEED}-{year}")
        for plan in plans:
            key = threshold_key(plan.commune, year, criteria_set)
            data = build_input(plan, year, catalogue, key, rng)
            if (plan.commune.pk, year) in existing:
                report.assessments_kept += 1
                continue
            rows.append((plan.commune, year, Assessment.Status.APPROVED, data))
    assessments_bulk_create(rows=rows, catalogue=catalogue, user=admin)
    report.assessments_created = len(rows)

    for plan in plans:
        if plan.certified_on is None:
            continue
        if Certification.objects.filter(
            commune=plan.commune, decision_number=plan.decision
        ).exists():
            continue
        certification_create(
            commune=plan.commune,
            tier=Certification.Tier.NTM,
            decision_number=plan.decision,
            decision_date=plan.certified_on,
            authority="Chủ tịch UBND tỉnh Lạng Sơn",
            user=admin,
        )
        report.certifications_created += 1
    seed_transcribed_2022(report, admin)
    seed_baseline_2026(report, admin)
    seed_demo_villages()
    from practices.demo import seed_demo_practices  # issue 8: example good practices

    seed_demo_practices(user=admin)
    from demo.boundaries import seed_demo_boundaries  # issue 29: the province report's map

    seed_demo_boundaries(PROVINCE_CODE)
    return report


# Illustrative villages of xã Bằng Mạc (06475) for the commune page: invented names, marked
# "minh họa" wherever shown. The recognitions cite Lạng Sơn's real sets as their basis
# (738/QĐ-UBND of 19/04/2019, thôn NTM; 1271/QĐ-UBND of 16/07/2019, khu dân cư kiểu mẫu;
# ntm-reference §18.4) under invented decision numbers. No ĐBKK village: the decision of
# 29/01/2026 lists none in Bằng Mạc (§18.3).
DEMO_VILLAGES = [
    # name, kind, [(recognition kind, decision, decided on, year, legal basis)]
    (
        "Thôn Minh Họa Một",
        "thon",
        [
            (
                "ntm",
                "MH-01/QĐ-UBND",
                datetime.date(2020, 10, 15),
                2020,
                "738/QĐ-UBND ngày 19/04/2019",
            )
        ],
    ),
    (
        "Thôn Minh Họa Hai",
        "thon",
        [
            (
                "ntm",
                "MH-02/QĐ-UBND",
                datetime.date(2020, 10, 15),
                2020,
                "738/QĐ-UBND ngày 19/04/2019",
            ),
            (
                "kieu_mau",
                "MH-03/QĐ-UBND",
                datetime.date(2021, 11, 20),
                2021,
                "1271/QĐ-UBND ngày 16/07/2019",
            ),
        ],
    ),
    ("Bản Minh Họa Ba", "ban", []),
]
DEMO_VILLAGE_NOTE = "Dữ liệu minh họa (demo): tên thôn và số quyết định là giả định."


def seed_demo_villages() -> None:
    """The illustrative villages of xã Bằng Mạc and their recognitions; a second run changes
    nothing (keyed on the commune, the name and the decision number)."""
    from communes.models import Village, VillageRecognition

    commune = commune_of_two_tiers("06475")
    if commune is None:
        return
    for name, kind, recognitions in DEMO_VILLAGES:
        village = Village.objects.filter(commune=commune, name=name, code="").first()
        if village is None:
            village = Village(
                commune=commune, name=name, kind=kind, illustrative=True, note=DEMO_VILLAGE_NOTE
            )
            village.refresh_search_name()
            village.save()
        for rkind, number, decided_on, year, basis in recognitions:
            VillageRecognition.objects.get_or_create(
                village=village,
                kind=rkind,
                decision_number=number,
                defaults={
                    "decided_on": decided_on,
                    "recognised_year": year,
                    "legal_basis": basis,
                    "illustrative": True,
                    "note": DEMO_VILLAGE_NOTE,
                },
            )


def seed_transcribed_2022(report: SeedReport, user) -> None:
    """The three real advanced decisions of 26/01/2023 (TRANSCRIBED_2022), through the rule of
    every decision; idempotent: a decision already entered is kept."""
    criteria_set = CriteriaSet.objects.get(code=TRANSCRIBED_2022_SET)
    for code, number in TRANSCRIBED_2022.items():
        commune = Commune.objects.with_code(code, on=TRANSCRIBED_2022_DATE).get()
        if Certification.objects.filter(commune=commune, decision_number=number).exists():
            continue
        certification_transcribe(
            commune=commune,
            tier=Certification.Tier.ADVANCED,
            criteria_set=criteria_set,
            decision_number=number,
            decision_date=TRANSCRIBED_2022_DATE,
            recognised_year=2022,
            authority="UBND tỉnh Lạng Sơn",
            basis=criteria_set.legal_basis,
            no_assessment_reason=TRANSCRIBED_2022_REASON,
            tier_below_not_recorded=True,
            user=user,
        )
        report.certifications_created += 1


def seed_baseline_2026(report: SeedReport, user) -> None:
    """Illustrative commune groups (from 2026) and approved 2026 baseline assessments for the
    xã of 01/07/2025, except those left open; skipped when the 2025 units are not loaded.
    Idempotent: existing assignments and assessments are kept. Five queries and two bulk
    inserts."""
    communes = list(
        Commune.objects.in_programme()
        .valid_in(BASELINE_YEAR)
        .filter(province__code=PROVINCE_CODE, valid_from__gte=TWO_TIER_START)
        .select_related("province")
        .order_by("code")
    )
    if not communes:
        return
    rng = random.Random(f"{SEED}-{BASELINE_YEAR}")
    groups = CommuneGroup.objects.in_bulk(list(GROUP_WEIGHTS), field_name="code")
    codes, weights = list(GROUP_WEIGHTS), list(GROUP_WEIGHTS.values())
    chosen = {c.pk: groups[rng.choices(codes, weights)[0]] for c in communes}
    assigned = set(
        CommuneGroupAssignment.objects.filter(commune__in=communes).values_list(
            "commune_id", flat=True
        )
    )
    CommuneGroupAssignment.objects.bulk_create(
        CommuneGroupAssignment(
            commune=c, group=chosen[c.pk], year_from=BASELINE_YEAR, note=GROUP_NOTE
        )
        for c in communes
        if c.pk not in assigned
    )
    criteria_set = CriteriaSet.objects.get(code=BASELINE_SET)
    catalogue = Catalogue.load(criteria_set)
    criteria: list[Criterion] = catalogue.criteria
    existing = set(
        Assessment.objects.standard()
        .filter(commune__in=communes, year=BASELINE_YEAR)
        .values_list("commune_id", flat=True)
    )
    rows = []
    for commune in communes:
        # Drawn for every commune, so one kept or left open does not shift the others.
        numbers = set(rng.sample([c.number for c in criteria], rng.randint(3, 8)))
        if commune.code in BASELINE_LEFT_OPEN or commune.pk in existing:
            continue
        data = AssessmentInput(
            entries={},
            criterion_flags={c.pk: c.number in numbers for c in criteria},
            criterion_notes={c.pk: BASELINE_CRITERION_NOTE for c in criteria},
            note=BASELINE_NOTE,
        )
        rows.append((commune, BASELINE_YEAR, Assessment.Status.APPROVED, data))
    assessments_bulk_create(rows=rows, catalogue=catalogue, user=user)
    report.assessments_created += len(rows)
    report.assessments_kept += len(existing)
