"""Administrative units: regions, provinces, districts and communes with dated validity."""

import datetime
from collections.abc import Iterable

from django.db import models
from django.db.models import Q, Subquery
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ntm.lib.text import fold


def year_end(year: int) -> datetime.date:
    """Units and certifications are counted as they stand on 31 December of a report year."""
    return datetime.date(year, 12, 31)


# From 01/07/2025 local government has two tiers (Nghị quyết 202/2025/QH15): districts end the
# day before, and a commune-level unit starting on or after this day has no district.
TWO_TIER_START = datetime.date(2025, 7, 1)
DISTRICTS_END = datetime.date(2025, 6, 30)


def valid_on_q(day: datetime.date, prefix: str = "") -> Q:
    """Rows whose validity (valid_from/valid_to, both inclusive, empty = open) covers `day`."""
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": day})) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": day})
    )


def validity_ordered(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_from__isnull=True)
        | Q(valid_to__isnull=True)
        | Q(valid_to__gte=models.F("valid_from")),
        name=name,
    )


class Region(models.Model):
    """A socio-economic region (vùng): the key of regional thresholds until 2025."""

    code = models.CharField(_("mã"), max_length=16, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=100)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=100, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("vùng")
        verbose_name_plural = _("vùng")

    def __str__(self) -> str:
        return self.name_vi


class CommuneGroup(models.Model):
    """A commune group (xã nhóm 1/2/3): the threshold key of the 2026-2030 set."""

    code = models.CharField(_("mã"), max_length=16, unique=True)
    name_vi = models.CharField(_("tên (tiếng Việt)"), max_length=100)
    name_en = models.CharField(_("tên (tiếng Anh)"), max_length=100, blank=True)
    description = models.TextField(_("định nghĩa"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("nhóm xã")
        verbose_name_plural = _("nhóm xã")

    def __str__(self) -> str:
        return self.name_vi


class ProvinceQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_on_q(day))

    def with_code(self, code: str, day: datetime.date | None = None):
        """Provinces carrying `code`, current first: in 2025 some codes passed to a merged
        province with another name (82 was Tiền Giang, is now Đồng Tháp)."""
        qs = self.filter(code=code)
        if day is not None:
            qs = qs.valid_on(day)
        return qs.order_by(models.F("valid_to").desc(nulls_first=True))


class Province(models.Model):
    code = models.CharField(_("mã tỉnh"), max_length=2, db_index=True)
    name = models.CharField(_("tên"), max_length=100)
    # Empty for provinces loaded with --all: their region is not in the project's sources yet
    # and is set in the admin; thresholds then fall back to the national target.
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="provinces",
        verbose_name=_("vùng"),
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # Provinces merged into this one on 01/07/2025 (Nghị quyết 202/2025/QH15); a province that
    # kept its code and name continues as the same row and lists the others.
    formed_from = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="merged_into",
        verbose_name=_("hình thành từ"),
    )

    # Whether the province's own rules require a smart village (thôn thông minh) recognised and
    # in force for the model-commune tier (the 2021-2025 model commune needs one, 319/QĐ-TTg,
    # ntm-reference §18.4): data the province sets, off unless it says so; checked by
    # criteria.certifications.
    model_tier_needs_smart_village = models.BooleanField(
        _("xã NTM kiểu mẫu cần thôn thông minh"),
        default=False,
        help_text=_(
            "Đánh dấu khi quy định của tỉnh yêu cầu xã có ít nhất một thôn được công nhận "
            "thôn thông minh còn hiệu lực để được công nhận xã NTM kiểu mẫu."
        ),
    )

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["code", "valid_from"]
        verbose_name = _("tỉnh")
        verbose_name_plural = _("tỉnh")
        constraints = [
            # Province URLs and memberships name a code: one current province per code.
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True),
                name="province_code_unique_current",
            ),
            # load_admin_units keys provinces on (code, valid_from).
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                name="province_code_valid_from_unique",
            ),
            validity_ordered("province_validity_ordered"),
        ]

    def __str__(self) -> str:
        return self.name


class District(models.Model):
    class Kind(models.TextChoices):
        PROVINCIAL_CITY = "thanh_pho", _("Thành phố")
        TOWN = "thi_xa", _("Thị xã")
        URBAN_DISTRICT = "quan", _("Quận")
        RURAL_DISTRICT = "huyen", _("Huyện")

    code = models.CharField(_("mã huyện"), max_length=3, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="districts", verbose_name=_("tỉnh")
    )
    # District codes were never reissued, so `code` stays unique across time; every district
    # ends on 30/06/2025.
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True, default=DISTRICTS_END)

    class Meta:
        ordering = ["code"]
        verbose_name = _("huyện")
        verbose_name_plural = _("huyện")
        constraints = [
            validity_ordered("district_validity_ordered"),
            # No district exists in the two-tier system.
            models.CheckConstraint(
                condition=Q(valid_to__isnull=False, valid_to__lte=DISTRICTS_END),
                name="district_ends_before_two_tiers",
            ),
        ]

    def __str__(self) -> str:
        # "Huyện Chi Lăng"; English puts the kind after the name ("Chi Lăng District").
        return gettext("%(kind)s %(name)s") % {"kind": self.get_kind_display(), "name": self.name}


class CommuneQuerySet(models.QuerySet):
    def in_programme(self):
        return self.filter(in_programme=True)

    def valid_in(self, year: int):
        """Units that exist on 31 December of `year`."""
        return self.valid_on(year_end(year))

    def valid_on(self, day: datetime.date):
        """Units that exist on `day` (the 2019 merger ended units on 31/12/2019, the 2024 round
        on 30/11/2024, the 2025 reform on 30/06/2025)."""
        return self.filter(valid_on_q(day))

    def in_scope(self, *, province=None, district=None):
        if district is not None:
            return self.filter(district=district)
        if province is not None:
            # Not district__province: units from 01/07/2025 have no district.
            return self.filter(province=province)
        return self

    def of_area(self, *, on: datetime.date, province=None, district=None):
        """The units of an area on a day: every unit of `province` (or of the former
        `district`) that exists on `on`. The one query behind plans, dossiers, reports, the
        work queue and every form that offers communes: by `province`, never through
        `district__province` (units from 01/07/2025 have no district), and by day, since codes
        were reused (06475 was xã Gia Lộc until 30/06/2025 and is xã Bằng Mạc since)."""
        return self.in_scope(province=province, district=district).valid_on(on)

    def with_code(self, code: str, year: int | None = None, *, on: datetime.date | None = None):
        """Units carrying `code`, current first: GSO reissued codes in 2019, 2024 and 2025
        (06475 was xã Gia Lộc, is now xã Bằng Mạc), so a year or a day picks the unit of then."""
        qs = self.filter(code=code)
        if on is not None:
            qs = qs.valid_on(on)
        elif year is not None:
            qs = qs.valid_in(year)
        return qs.order_by(models.F("valid_to").desc(nulls_first=True))


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "xa", _("Xã")
        WARD = "phuong", _("Phường")
        TOWNSHIP = "thi_tran", _("Thị trấn")
        SPECIAL_ZONE = "dac_khu", _("Đặc khu")  # island units from 01/07/2025

    code = models.CharField(_("mã xã"), max_length=5, db_index=True)
    name = models.CharField(_("tên"), max_length=100)
    # fold(name), written with the name by every writer (loaders, seeders, the admin): the list
    # and admin searches match it, so "chi lang" finds "Chi Lăng" on SQLite and PostgreSQL.
    # No index: the searches are substring matches (LIKE '%...%') over one scope's units.
    search_name = models.CharField(_("tên không dấu"), max_length=100, blank=True, editable=False)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="communes", verbose_name=_("tỉnh")
    )
    # Empty from 01/07/2025: the unit belongs to its province directly (constraint below).
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="communes",
        verbose_name=_("huyện"),
    )
    in_programme = models.BooleanField(_("thuộc chương trình NTM"), default=True)
    is_border = models.BooleanField(_("xã biên giới"), default=False)
    is_disadvantaged = models.BooleanField(_("xã đặc biệt khó khăn"), default=False)
    population = models.PositiveIntegerField(_("dân số"), null=True, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    # Read-only convenience over the succession records (commune.predecessors.all()).
    predecessors = models.ManyToManyField(
        "self",
        through="Succession",
        through_fields=("successor", "predecessor"),
        symmetrical=False,
        blank=True,
        related_name="successors",
        verbose_name=_("hình thành từ"),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["district__code", "code"]
        verbose_name = _("xã")
        verbose_name_plural = _("xã")
        constraints = [
            # A GSO code names at most one unit that still exists (codes were reissued in 2019).
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_to__isnull=True),
                name="commune_code_unique_current",
            ),
            # The same code may not start twice on the same day (load_admin_units keys on this).
            models.UniqueConstraint(
                fields=["code", "valid_from"], name="commune_code_valid_from_unique"
            ),
            validity_ordered("commune_validity_ordered"),
            # Two tiers from 01/07/2025: a unit starting then has no district; before, it has one.
            models.CheckConstraint(
                condition=Q(valid_from__gte=TWO_TIER_START, district__isnull=True)
                | (
                    Q(district__isnull=False)
                    & (Q(valid_from__isnull=True) | Q(valid_from__lt=TWO_TIER_START))
                ),
                name="commune_district_only_before_two_tiers",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s %(name)s (%(code)s)") % {
            "kind": self.get_kind_display(),
            "name": self.name,
            "code": self.code,
        }

    def get_absolute_url(self) -> str:
        return reverse("pages:commune_detail", args=[self.code])

    def get_dated_url(self) -> str:
        """The page of this unit rather than of a later one with the same code."""
        year = self.last_year()
        url = self.get_absolute_url()
        return f"{url}?year={year}" if year is not None else url

    def refresh_search_name(self) -> None:
        """Call after setting `name` (the writers do; save() does not, by house style)."""
        self.search_name = fold(self.name)

    def last_year(self) -> int | None:
        """The last year whose 31 December lies in the unit's validity (a code and a year name
        a unit); None while the unit exists."""
        if self.valid_to is None:
            return None
        if (self.valid_to.month, self.valid_to.day) == (12, 31):
            return self.valid_to.year
        return self.valid_to.year - 1

    def exists_in(self, year: int) -> bool:
        return self.exists_on(year_end(year))

    def exists_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class Succession(models.Model):
    """One unit passing all or part of its territory to another on a date (a merger, a split,
    the 2025 reform). Taken from the resolutions' tables, never typed by hand."""

    predecessor = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        related_name="successor_links",
        verbose_name=_("đơn vị cũ"),
    )
    successor = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        related_name="predecessor_links",
        verbose_name=_("đơn vị mới"),
    )
    effective_on = models.DateField(_("ngày có hiệu lực"))
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=200, blank=True)
    is_partial = models.BooleanField(
        _("chuyển một phần"),
        default=False,
        help_text=_("Đơn vị cũ chỉ chuyển một phần diện tích, dân số sang đơn vị mới."),
    )

    class Meta:
        ordering = ["effective_on", "successor__code", "predecessor__code"]
        verbose_name = _("kế thừa đơn vị hành chính")
        verbose_name_plural = _("kế thừa đơn vị hành chính")
        constraints = [
            # load_admin_units keys on the pair; a unit passes to another at most once.
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="succession_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class CommuneGroupAssignmentQuerySet(models.QuerySet):
    """A commune's group in a year, defined here once: of its assignments in force in the year,
    the one that started last. Asked for one commune, as a subquery or for many communes."""

    def in_year(self, year: int):
        """In force in `year` (year_from to year_to, both inclusive; open end), latest first."""
        return self.filter(year_from__lte=year).exclude(year_to__lt=year).order_by("-year_from")

    def for_commune_in_year(self, commune, year: int) -> "CommuneGroupAssignment | None":
        """The assignment giving `commune` (a Commune or id) its group in `year` (one query)."""
        return self.in_year(year).filter(commune=commune).first()

    def group_in_year(self, year: int, *, commune, field: str = "group_id") -> Subquery:
        """A subquery: `field` of the group in `year` of `commune` (an OuterRef to a commune)."""
        return Subquery(self.in_year(year).filter(commune=commune).values(field)[:1])

    def groups_in_year(self, communes: Iterable, year: int, field: str = "group_id") -> dict:
        """Commune id -> `field` of the group in `year`, for `communes` with one (one query)."""
        groups: dict = {}
        rows = (
            self.in_year(year)
            .filter(commune__in=[c.pk for c in communes])
            .order_by("commune_id", "-year_from")
            .values_list("commune_id", field)
        )
        for commune_id, value in rows:
            groups.setdefault(commune_id, value)  # the latest assignment first
        return groups


class CommuneGroupAssignment(models.Model):
    """A commune's group is dated: it follows urban plans and ethnic-area classification."""

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="group_assignments", verbose_name=_("xã")
    )
    group = models.ForeignKey(CommuneGroup, on_delete=models.PROTECT, verbose_name=_("nhóm"))
    year_from = models.PositiveSmallIntegerField(_("từ năm"))
    year_to = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    # What the assignment rests on (a decision classifying the commune), or "minh họa" for the
    # demo's invented ones: the form shows it next to the group.
    note = models.CharField(_("căn cứ / ghi chú"), max_length=300, blank=True)

    objects = CommuneGroupAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân nhóm xã")
        verbose_name_plural = _("phân nhóm xã")
        constraints = [
            models.UniqueConstraint(
                fields=["commune", "year_from"], name="group_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune} – {self.group} ({self.year_from}–{self.year_to or ''})"


# The commune group that khu vực II and III communes belong to in 2026-2030 (commune-groups.csv).
GROUP_OF_AREA_2_3 = "N3"


class CommuneDesignationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_on_q(day))

    def proposed_groups(self, communes, day: datetime.date) -> dict[int, str]:
        """Commune id -> the code of the commune group its area class on `day` proposes: xã
        nhóm 3 for khu vực II and III (51/2025/QĐ-TTg; ntm-reference §18.3). Nothing for the
        others: group 1 or 2 rests on facts the classes do not give. A suggestion for a person
        to confirm (the admin, `propose_commune_groups`), never written (one query)."""
        rows = self.valid_on(day).filter(
            commune__in=communes,
            kind__in=[CommuneDesignation.Kind.AREA_2, CommuneDesignation.Kind.AREA_3],
        )
        return dict.fromkeys(rows.values_list("commune_id", flat=True), GROUP_OF_AREA_2_3)

    def border_on(self, day: datetime.date):
        """Border designations in force on `day` (the report's border line)."""
        return self.valid_on(day).filter(kind=CommuneDesignation.Kind.BORDER)

    def on_northern_mountain_levels(self, day: datetime.date):
        """The designations that put a commune on the Trung du và miền núi phía Bắc levels on
        `day` under 318/QĐ-TTg: xã đặc biệt khó khăn and xã an toàn khu of poor districts and
        of districts that left poverty in 2018-2020 (ntm-reference §3, §15.1). Which sets
        apply the rule is the set's own data (criteria.CriteriaSet.designated_region)."""
        return self.valid_on(day).filter(
            poor_district=True,
            kind__in=[CommuneDesignation.Kind.DISADVANTAGED, CommuneDesignation.Kind.SAFE_ZONE],
        )


class CommuneDesignation(models.Model):
    """A dated classification of a commune by the state: xã đặc biệt khó khăn (ĐBKK, on the
    lists of the ethnic-minority area classification, ntm-reference §9.4) or xã an toàn khu
    (ATK). Under the 2021-2025 sets (318/QĐ-TTg) those of poor districts and of districts that
    left poverty in 2018-2020 are judged against the northern-mountain levels wherever they
    are (§3, §15.1). Entered in the admin from the decision it rests on; no list is loaded
    (Lạng Sơn's is not in the reference, §9.4)."""

    class Kind(models.TextChoices):
        DISADVANTAGED = "dbkk", _("Xã đặc biệt khó khăn")
        SAFE_ZONE = "atk", _("Xã an toàn khu")
        BORDER = "bien_gioi", _("Xã biên giới")
        # The ethnic-minority and mountainous area classes (khu vực I, II, III): group 3 of
        # 2026-2030 follows classes II and III (ntm-reference §18.3), proposed, never set.
        AREA_1 = "kv1", _("Xã khu vực I")
        AREA_2 = "kv2", _("Xã khu vực II")
        AREA_3 = "kv3", _("Xã khu vực III")

    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="designations", verbose_name=_("xã")
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    poor_district = models.BooleanField(
        _("thuộc huyện nghèo hoặc huyện thoát nghèo giai đoạn 2018–2020"),
        default=False,
        help_text=_(
            "Đánh dấu khi xã thuộc huyện nghèo hoặc huyện thoát nghèo giai đoạn 2018–2020: "
            "khi đó, theo Quyết định 318/QĐ-TTg, xã được đánh giá theo mức của vùng Trung du "
            "và miền núi phía Bắc."
        ),
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.CharField(
        _("căn cứ (quyết định)"),
        max_length=300,
        help_text=_("Số, ngày và cơ quan ban hành quyết định phân loại xã."),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    objects = CommuneDesignationQuerySet.as_manager()

    class Meta:
        ordering = ["commune", "kind", "valid_from"]
        verbose_name = _("phân loại xã (ĐBKK, ATK, biên giới, khu vực)")
        verbose_name_plural = _("phân loại xã (ĐBKK, ATK, biên giới, khu vực)")
        constraints = [
            # A classification starts once per day and kind; later decisions are new rows.
            models.UniqueConstraint(
                fields=["commune", "kind", "valid_from"], name="designation_unique_start"
            ),
            # on_northern_mountain_levels reads the window as [valid_from, valid_to].
            validity_ordered("designation_validity_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.commune} – {self.get_kind_display()} ({self.source})"


class DataVersion(models.Model):
    """How many times the data behind a province's figures has changed, and when last, counted
    by the first report year a change can show in.

    Every write that can change a figure (criteria.services, the unit and catalogue loaders,
    admin edits of thresholds and certifications) bumps it in its own transaction through
    `communes.versions.bump_data_version`; rendered reports are cached under it, so an unchanged
    report is served without computing anything and a changed one is never served stale.
    A change of year N (an assessment of N, a recognition for N) counts in the row of N: it can
    show in the reports of N and later (assessments carry forward), never in earlier ones, so a
    report of year Y follows the rows of years up to Y and stays cached while later years are
    being entered. Changes of every year (units, the catalogue) count in the row of year 0.
    Changes that only provisional reports show (a draft saved) count apart, so the official
    reports stay cached while drafts are typed."""

    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="data_versions", verbose_name=_("tỉnh")
    )
    from_year = models.PositiveSmallIntegerField(
        _("từ năm báo cáo"),
        default=0,
        help_text=_("Thay đổi hiện trong báo cáo của năm này trở đi; 0: mọi năm."),
    )
    provisional_only = models.BooleanField(
        _("chỉ số liệu tạm tính"),
        default=False,
        help_text=_(
            "Thay đổi của đánh giá chưa phê duyệt: chỉ báo cáo tạm tính thay đổi, báo cáo "
            "chính thức giữ nguyên."
        ),
    )
    version = models.PositiveBigIntegerField(_("phiên bản"), default=0)
    changed_at = models.DateTimeField(_("thay đổi lúc"))

    class Meta:
        verbose_name = _("phiên bản số liệu")
        verbose_name_plural = _("phiên bản số liệu")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "from_year", "provisional_only"],
                name="data_version_one_per_province_year",
            )
        ]

    def __str__(self) -> str:
        scope = " tạm tính" if self.provisional_only else ""
        return f"{self.province} {self.from_year or '*'}{scope} v{self.version}"


class ProvinceReportSettings(models.Model):
    """What a province prints on its reports, in the layout of an administrative document
    (Nghị định 30/2020/NĐ-CP): the symbol after the number ("Số: 12/BC-BCĐ"), the recipients
    ("Nơi nhận") and the signer. Edited in the admin; a province without a row prints the
    defaults."""

    province = models.OneToOneField(
        Province,
        on_delete=models.CASCADE,
        related_name="report_settings",
        verbose_name=_("tỉnh"),
    )
    number_suffix = models.CharField(
        _("ký hiệu của số báo cáo"),
        max_length=40,
        default="BC-BCĐ",
        help_text=_("In sau số báo cáo: «Số: 12/BC-BCĐ»."),
    )
    recipients = models.TextField(
        _("nơi nhận"),
        blank=True,
        help_text=_(
            "Mỗi dòng một nơi nhận, ví dụ «- Ban Chỉ đạo Trung ương;». Để trống: «- Lưu: VT.»"
        ),
    )
    signer_title = models.CharField(
        _("chức danh người ký"),
        max_length=200,
        blank=True,
        help_text=_(
            "Mỗi dòng một dòng in, ví dụ «KT. TRƯỞNG BAN» rồi «PHÓ TRƯỞNG BAN». "
            "Để trống: «TM. BAN CHỈ ĐẠO»."
        ),
    )
    signer_name = models.CharField(_("họ tên người ký"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("thông tin in báo cáo của tỉnh")
        verbose_name_plural = _("thông tin in báo cáo của tỉnh")

    def __str__(self) -> str:
        return str(self.province)

    @property
    def blank_number(self) -> str:
        """The number of a report that is not issued here, left blank to fill in by hand."""
        return f"……/{self.number_suffix}"

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]

    def signer_title_lines(self) -> list[str]:
        return [line.strip() for line in self.signer_title.splitlines() if line.strip()]

    @classmethod
    def for_province(cls, province: Province | None) -> "ProvinceReportSettings":
        """The province's row (select_related("report_settings") spares the query), else the
        defaults, unsaved; national and district reports print the defaults."""
        saved = getattr(province, "report_settings", None) if province is not None else None
        return saved or cls(province=province)


# --- Villages ---------------------------------------------------------------------------------


class VillageQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_on_q(day))

    def of_communes(self, communes):
        """The villages of `communes` (a queryset of units: the user's scope, a report's)."""
        return self.filter(commune__in=communes)

    def with_status_on(self, day: datetime.date):
        """Annotated `disadvantaged_on_day` (a ĐBKK designation in force on `day`), in the same
        query."""
        return self.annotate(
            disadvantaged_on_day=models.Exists(
                VillageDesignation.objects.valid_on(day).filter(
                    village=models.OuterRef("pk"), kind=VillageDesignation.Kind.DISADVANTAGED
                )
            )
        )


class Village(models.Model):
    """A village (thôn, bản, khu, tổ dân phố) of a commune-level unit, dated like the units:
    villages merge and are renamed by decisions of the province. A merged village ends
    (`valid_to`) and names its `successor`; its recognitions stay on its own record."""

    class Kind(models.TextChoices):
        THON = "thon", _("Thôn")
        BAN = "ban", _("Bản")
        KHU = "khu", _("Khu")
        TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")

    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="villages", verbose_name=_("xã")
    )
    # The official code where the province issued one; many lists have none.
    code = models.CharField(_("mã thôn"), max_length=20, blank=True)
    name = models.CharField(_("tên"), max_length=100)
    # fold(name), written with the name by every writer: the loader keys villages without a
    # code on it, so "Nà Làng" and "Na Lang" are one village.
    search_name = models.CharField(_("tên không dấu"), max_length=100, blank=True, editable=False)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("sáp nhập vào"),
        help_text=_("Thôn mới hình thành khi thôn này sáp nhập (thôn này kết thúc hiệu lực)."),
    )
    source = models.CharField(
        _("căn cứ"),
        max_length=300,
        blank=True,
        help_text=_("Quyết định hoặc danh sách của tỉnh ghi nhận thôn này."),
    )
    # The demo's invented villages: the pages say "minh họa" beside them.
    illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = VillageQuerySet.as_manager()

    class Meta:
        ordering = ["commune", "name", "valid_from"]
        verbose_name = _("thôn")
        verbose_name_plural = _("thôn")
        constraints = [
            # The loader keys coded villages on (commune, code): one current village per code.
            models.UniqueConstraint(
                fields=["commune", "code"],
                condition=~Q(code="") & Q(valid_to__isnull=True),
                name="village_code_unique_current",
            ),
            # ... and villages without a code on (commune, folded name, start).
            models.UniqueConstraint(
                fields=["commune", "search_name", "valid_from"],
                condition=Q(code=""),
                name="village_name_unique_start",
            ),
            validity_ordered("village_validity_ordered"),
            models.CheckConstraint(
                condition=~Q(successor=models.F("pk")), name="village_successor_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.commune.name})"

    def refresh_search_name(self) -> None:
        self.search_name = fold(self.name)

    def exists_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class VillageDesignationQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        return self.filter(valid_on_q(day))


class VillageDesignation(models.Model):
    """A dated classification of a village: thôn đặc biệt khó khăn (ntm-reference §9.4), from
    the province's decision on the ethnic-minority and mountainous area (Lạng Sơn: 29/01/2026,
    1,646 villages, 385 ĐBKK, §18.3). A village leaving the list is the row ended
    (`valid_to`), never deleted."""

    class Kind(models.TextChoices):
        DISADVANTAGED = "dbkk", _("Thôn đặc biệt khó khăn")

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="designations", verbose_name=_("thôn")
    )
    kind = models.CharField(
        _("loại"), max_length=8, choices=Kind.choices, default=Kind.DISADVANTAGED
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    source = models.CharField(
        _("căn cứ (quyết định)"),
        max_length=300,
        help_text=_("Số, ngày và cơ quan ban hành quyết định phân loại thôn."),
    )

    objects = VillageDesignationQuerySet.as_manager()

    class Meta:
        ordering = ["village", "kind", "valid_from"]
        verbose_name = _("phân loại thôn (ĐBKK)")
        verbose_name_plural = _("phân loại thôn (ĐBKK)")
        constraints = [
            # The loader keys designations on this; a later decision is a new row.
            models.UniqueConstraint(
                fields=["village", "kind", "valid_from"], name="village_designation_unique_start"
            ),
            validity_ordered("village_designation_validity_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.village} – {self.get_kind_display()} ({self.source})"


class VillageRecognitionQuerySet(models.QuerySet):
    def in_force_on(self, day: datetime.date):
        """Decided on or before `day` and not revoked by then."""
        return self.filter(decided_on__lte=day).exclude(revoked_on__lte=day)


class VillageRecognition(models.Model):
    """A decision recognising a village (thôn đạt chuẩn NTM, khu dân cư NTM kiểu mẫu, thôn
    thông minh) under the province's set (Lạng Sơn: 738/QĐ-UBND of 19/04/2019 and
    1271/QĐ-UBND of 16/07/2019, ntm-reference §18.4). It stays on the village it was decided
    for: a village formed by a merger inherits none."""

    class Kind(models.TextChoices):
        NTM = "ntm", _("Thôn đạt chuẩn NTM")
        MODEL = "kieu_mau", _("Khu dân cư NTM kiểu mẫu")
        SMART = "thong_minh", _("Thôn thông minh")

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="recognitions", verbose_name=_("thôn")
    )
    kind = models.CharField(_("loại công nhận"), max_length=16, choices=Kind.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=50)
    decided_on = models.DateField(_("ngày quyết định"))
    recognised_year = models.PositiveSmallIntegerField(_("năm đạt chuẩn"))
    legal_basis = models.CharField(
        _("bộ tiêu chí áp dụng"),
        max_length=200,
        blank=True,
        help_text=_("Bộ tiêu chí của tỉnh làm căn cứ, ví dụ «738/QĐ-UBND ngày 19/04/2019»."),
    )
    revoked_on = models.DateField(_("ngày thu hồi"), null=True, blank=True)
    revocation_decision = models.CharField(_("quyết định thu hồi"), max_length=100, blank=True)
    revocation_reason = models.TextField(_("lý do thu hồi"), blank=True)
    illustrative = models.BooleanField(_("dữ liệu minh họa"), default=False)
    note = models.TextField(_("ghi chú"), blank=True)

    objects = VillageRecognitionQuerySet.as_manager()

    class Meta:
        ordering = ["village", "decided_on"]
        verbose_name = _("công nhận thôn")
        verbose_name_plural = _("công nhận thôn")
        constraints = [
            # One decision recognises a village once for a kind.
            models.UniqueConstraint(
                fields=["village", "kind", "decision_number"], name="village_recognition_unique"
            ),
            # in_force_on reads [decided_on, revoked_on).
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=models.F("decided_on")),
                name="village_recognition_revoked_after",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village} – {self.get_kind_display()} ({self.decision_number})"
