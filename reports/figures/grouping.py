"""How a report splits its communes into the rows of its table by area: by district, province,
former district (from 01/07/2025) or commune group (sets keyed by group)."""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from communes.models import CommuneGroupAssignment, District, Succession


@dataclass(frozen=True)
class Grouping:
    """How a report splits its communes into table rows: the `values()` fields of the area's
    code and name, and how to label it."""

    kind: str  # "district" | "province" | "former_district" | "commune_group"
    code: str
    name: str
    district_kind: str | None = None  # the district's kind, for "Huyện Chi Lăng"

    @property
    def fields(self) -> list[str]:
        return [f for f in (self.code, self.name, self.district_kind) if f]

    def annotations(self, year: int) -> dict:
        """Subqueries that compute the fields of the groupings that are not columns."""
        if self.kind == "former_district":
            # The unit's own district while it has one (units older than the reform that
            # outlived their district), else the district its predecessors lay in.
            return {
                name: Coalesce(F(f"district__{column}"), _former_district(column))
                for name, column in zip(self.fields, ("code", "name", "kind"), strict=True)
            }
        if self.kind == "commune_group":
            return {
                self.code: CommuneGroupAssignment.objects.group_in_year(
                    year, commune=OuterRef("pk"), field="group__code"
                ),
                self.name: CommuneGroupAssignment.objects.group_in_year(
                    year, commune=OuterRef("pk"), field="group__name_vi"
                ),
            }
        return {}

    def label(self, row: dict) -> str:
        if row[self.code] is None:  # a unit without lineage, or not assigned to a group
            if self.kind == "commune_group":
                return _("Chưa phân nhóm")
            return _("Không xác định")
        if self.district_kind:
            return f"{District.Kind(row[self.district_kind]).label} {row[self.name]}"
        return row[self.name]

    @property
    def title(self) -> str:
        """The heading of the report's table by area (its number aside)."""
        if self.kind == "province":
            return _("Kết quả theo tỉnh")
        if self.kind == "former_district":
            return _("Kết quả theo huyện cũ")
        return _("Kết quả theo huyện")

    @property
    def column(self) -> str:
        """The header of the column naming the areas."""
        if self.kind == "province":
            return _("Tỉnh")
        if self.kind == "former_district":
            return _("Huyện cũ")
        return _("Huyện")

    @staticmethod
    def sort_key(key: tuple) -> tuple:
        """Areas by code, the unknown one last."""
        return (key[0] is None, key[0] or "")


def _former_district(column: str) -> Subquery:
    """The district most of a unit's predecessors lay in (a tie goes to the lowest district
    code; whole and partial transfers count alike): the "former district" of a unit formed
    on 01/07/2025, when districts ended."""
    return Subquery(
        Succession.objects.filter(successor=OuterRef("pk"), predecessor__district__isnull=False)
        .values(
            "predecessor__district__code",
            "predecessor__district__name",
            "predecessor__district__kind",
        )
        .annotate(n=Count("pk"))
        .order_by("-n", "predecessor__district__code")
        .values(f"predecessor__district__{column}")[:1]
    )


BY_DISTRICT = Grouping("district", "district__code", "district__name", "district__kind")


BY_PROVINCE = Grouping("province", "province__code", "province__name")


# After 30/06/2025 (no districts): the province report groups its units by former district,
# and by commune group when the criteria set keys its thresholds by group.
BY_FORMER_DISTRICT = Grouping(
    "former_district", "former_district_code", "former_district_name", "former_district_kind"
)


BY_COMMUNE_GROUP = Grouping("commune_group", "commune_group_code", "commune_group_name")
