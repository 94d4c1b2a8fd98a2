"""Role groups and the scope helpers every view uses to decide what a user may see or change.

Admins are superusers. Province staff and district officials carry a Membership that names their
province or district; the Django group of their role carries the model permissions.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

PROVINCE_GROUP = "Cán bộ tỉnh"
DISTRICT_GROUP = "Cán bộ huyện"

ROLE_PERMISSIONS = {
    PROVINCE_GROUP: [
        "criteria.view_assessment",
        "criteria.add_assessment",
        "criteria.change_assessment",
        "criteria.submit_assessment",
        "criteria.approve_assessment",
        "criteria.view_certification",
        "criteria.add_certification",
        "criteria.change_certification",
        "communes.view_commune",
    ],
    DISTRICT_GROUP: [
        "criteria.view_assessment",
        "criteria.submit_assessment",
        "criteria.view_certification",
        "communes.view_commune",
    ],
}


def sync_role_groups(**kwargs) -> None:
    """Create the role groups with their permissions (runs after every migrate)."""
    for name, perms in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for dotted in perms:
            app_label, codename = dotted.split(".")
            wanted.extend(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        if len(wanted) == len(perms):
            group.permissions.set(wanted)


@dataclass(frozen=True)
class Scope:
    """What part of the country a user works on. `province`/`district` are None for admins."""

    is_admin: bool
    province: object = None
    district: object = None

    @property
    def is_district(self) -> bool:
        return self.district is not None

    def commune_filter(self) -> dict:
        if self.is_admin:
            return {}
        if self.district is not None:
            return {"district": self.district}
        return {"province": self.province}

    def covers_province(self, province) -> bool:
        if self.is_admin:
            return True
        return (
            self.district is None and self.province is not None and self.province.pk == province.pk
        )

    def covers_district(self, district) -> bool:
        if self.is_admin:
            return True
        if self.district is not None:
            return self.district.pk == district.pk
        return self.province is not None and district.province_id == self.province.pk

    def covers_commune(self, commune) -> bool:
        if self.is_admin:
            return True
        if self.district is not None:
            return commune.district_id == self.district.pk
        return self.province is not None and commune.province_id == self.province.pk


def scope_for(user) -> Scope:
    """The user's scope; raises PermissionDenied for a user with no role."""
    if user.is_superuser:
        return Scope(is_admin=True)
    membership = getattr(user, "membership", None)
    if membership is None:
        raise PermissionDenied
    if membership.role == membership.Role.DISTRICT_OFFICIAL:
        district = membership.district
        return Scope(is_admin=False, province=district.province, district=district)
    return Scope(is_admin=False, province=membership.province)
