"""The province, district or country a report covers, and the day its figures are taken on.

One look-up for the pages, the background renderer and the issued reports alike: `area_for`
checks the user's scope when given one (the pages, the issued reports) and none when not (the
worker, which renders only what a checked request asked for)."""

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation

from accounts import roles
from communes.models import Commune, District, Province, ProvinceReportSettings, year_end
from reports.figures.grouping import BY_DISTRICT, BY_PROVINCE, Grouping


@dataclass(frozen=True)
class Area:
    """The province or district a report covers."""

    kind: str  # "national" | "province" | "district"
    code: str  # "" for the national summary
    name: str  # "toàn quốc", "tỉnh Lạng Sơn", "Huyện Chi Lăng"
    place: str  # "Hà Nội", "Lạng Sơn", "Chi Lăng": the place in the date line
    authority: str  # "UBND tỉnh Lạng Sơn"
    # The units the report counts (of any date: the figures pick those of the report's day).
    communes: QuerySet[Commune] = field(compare=False)
    # The province whose data the report follows (None for the country): its data version,
    # and on the province report its good-practice links.
    province_pk: int | None = None
    ends_on: datetime.date | None = None  # a district's last day (30/06/2025 at the latest)
    # Number symbol, "Nơi nhận" and signer of the PDF: the province's, defaults elsewhere.
    paper: ProvinceReportSettings = field(default_factory=ProvinceReportSettings)

    @property
    def is_province(self) -> bool:
        return self.kind == "province"

    @property
    def is_national(self) -> bool:
        return self.kind == "national"

    @property
    def grouping(self) -> Grouping | None:
        """The rows of the report's table: provinces (national), districts (province)."""
        return {"national": BY_PROVINCE, "province": BY_DISTRICT}.get(self.kind)

    def url_args(self, year: int) -> list:
        return [year] if self.is_national else [self.code, year]


def area_for(kind: str, code: str, *, user=None) -> Area:
    """The area `code` of `kind`, checked against `user`'s scope unless `user` is None (the
    background renderer, which only renders what a checked request asked for). Out of scope
    is 404 (not 403: codes must not reveal what exists outside the user's scope); the whole
    country (`kind` "national") is for admins only."""
    if kind == "national":
        if user is not None and not roles.can_view_national(user):
            raise Http404
        return Area(
            kind=kind,
            code="",
            name=translation.gettext("toàn quốc"),
            place=translation.gettext("Hà Nội"),
            authority=translation.gettext("Văn phòng Điều phối nông thôn mới Trung ương"),
            communes=Commune.objects.all(),
        )
    if kind == "province":
        # The current province with the code (codes passed to merged provinces in 2025).
        province = Province.objects.with_code(code).select_related("report_settings").first()
        if province is None or (user is not None and not roles.can_view_province(user, province)):
            raise Http404
        return Area(
            kind=kind,
            code=province.code,
            name=translation.gettext("tỉnh %(name)s") % {"name": province.name},
            place=province.name,
            authority=translation.gettext("UBND tỉnh %(name)s") % {"name": province.name},
            province_pk=province.pk,
            communes=Commune.objects.filter(province=province),
            paper=ProvinceReportSettings.for_province(province),
        )
    district = get_object_or_404(District.objects.select_related("province"), code=code)
    if user is not None and not roles.can_view_district(user, district):
        raise Http404
    return Area(
        kind=kind,
        code=district.code,
        name=str(district),
        place=district.name,
        authority=translation.gettext("UBND %(kind)s %(name)s")
        % {"kind": district.get_kind_display().lower(), "name": district.name},
        communes=Commune.objects.filter(district=district),
        province_pk=district.province_id,
        ends_on=district.valid_to,
    )


def report_day(area: Area, year: int) -> datetime.date:
    """The day a report of `year` is taken on when no other is asked for: 31/12 of the year; in
    the year its district ended (2025), a district report's last day (30/06/2025), when its
    communes still existed."""
    if area.ends_on is not None and area.ends_on.year == year and area.ends_on < year_end(year):
        return area.ends_on
    return year_end(year)
