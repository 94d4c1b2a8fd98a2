"""Who may do what: the role groups, the user's scope and every access rule of the project.

Admins are superusers. Province staff, district officials and commune officials carry a
Membership that names their province, district or commune; the Django group of their role
carries the model permissions. Views, services and imports ask the `can_*` predicates below
instead of combining permissions and scopes themselves, so a rule changes in one place.

The convention of the views: a unit outside the user's scope answers 404 (guessing a code
reveals nothing); a unit in scope but an action the role does not allow answers 403.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from communes.models import Commune

PROVINCE_GROUP = "Cán bộ tỉnh"
DISTRICT_GROUP = "Cán bộ huyện"
COMMUNE_GROUP = "Cán bộ UBND xã"

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
    # The commune enters its own self-assessment and sends it to the province.
    COMMUNE_GROUP: [
        "criteria.view_assessment",
        "criteria.add_assessment",
        "criteria.change_assessment",
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
    """What part of the country a user works on. Admins have no unit. Province staff have a
    `province`; district officials a `district` (and its `province`, for the province's published
    practices); commune officials only a `commune` (no province: nothing of the province's is
    theirs)."""

    is_admin: bool
    province: object = None
    district: object = None
    commune: object = None

    @property
    def is_district(self) -> bool:
        return self.district is not None

    @property
    def is_commune(self) -> bool:
        return self.commune is not None

    @property
    def is_province_staff(self) -> bool:
        return (
            not self.is_admin
            and self.province is not None
            and self.district is None
            and self.commune is None
        )

    def communes(self) -> QuerySet[Commune]:
        """Every unit in the scope, of any date and in or outside the programme (no query until
        read; other querysets take it as a filter: `assessments.filter(commune__in=...)`)."""
        if self.is_admin:
            return Commune.objects.all()
        if self.commune is not None:
            return Commune.objects.filter(pk=self.commune.pk)
        if self.district is not None:
            return Commune.objects.filter(district=self.district)
        return Commune.objects.filter(province=self.province)

    def covers_province(self, province) -> bool:
        if self.is_admin:
            return True
        return self.is_province_staff and self.province.pk == province.pk

    def covers_district(self, district) -> bool:
        if self.is_admin:
            return True
        if self.commune is not None:
            return False
        if self.district is not None:
            return self.district.pk == district.pk
        return self.province is not None and district.province_id == self.province.pk

    def covers_commune(self, commune) -> bool:
        if self.is_admin:
            return True
        if self.commune is not None:
            return commune.pk == self.commune.pk
        if self.district is not None:
            return commune.district_id == self.district.pk
        return self.province is not None and commune.province_id == self.province.pk


NO_SCOPE = Scope(is_admin=False)


def scope_for(user) -> Scope:
    """The user's scope; raises PermissionDenied for a user with no role. Free of queries once
    the membership and its unit are loaded (they are cached on the user object)."""
    if user.is_superuser:
        return Scope(is_admin=True)
    membership = getattr(user, "membership", None)
    if membership is None:
        raise PermissionDenied
    if membership.role == membership.Role.DISTRICT_OFFICIAL:
        district = membership.district
        return Scope(is_admin=False, province=district.province, district=district)
    if membership.role == membership.Role.COMMUNE_OFFICIAL:
        return Scope(is_admin=False, commune=membership.commune)
    return Scope(is_admin=False, province=membership.province)


def _scope_or_none(user) -> Scope:
    """The scope, or an empty one for anonymous users and users without a role."""
    if not user.is_authenticated:
        return NO_SCOPE
    try:
        return scope_for(user)
    except PermissionDenied:
        return NO_SCOPE


# --- Units and reports ----------------------------------------------------------------------


def can_view_commune(user, commune) -> bool:
    """The commune page, its assessments and certifications."""
    return _scope_or_none(user).covers_commune(commune)


def can_view_district(user, district) -> bool:
    """The district report: the district's official, its province's staff, admins."""
    return _scope_or_none(user).covers_district(district)


def can_view_province(user, province) -> bool:
    """The province report: the province's staff and admins."""
    return _scope_or_none(user).covers_province(province)


def can_view_national(user) -> bool:
    return user.is_authenticated and user.is_superuser


# --- Assessments ----------------------------------------------------------------------------


def can_change_assessments(user, commune, year: int) -> bool:
    """Whether the role may write assessments of `commune` in `year` at all: admins, the
    province's staff, the commune's own official. District officials read and submit only.
    The commune must be in the user's scope (the views check that first, with a 404)."""
    scope = _scope_or_none(user)
    if not (scope.is_admin or scope.is_province_staff or scope.is_commune):
        return False
    return scope.covers_commune(commune) and user.has_perm("criteria.change_assessment")


def can_create_assessment(user, commune, year: int) -> bool:
    return can_change_assessments(user, commune, year) and user.has_perm("criteria.add_assessment")


def can_edit_assessment(user, assessment) -> bool:
    """Change the values of `assessment`: never once approved (the province reopens it first);
    a commune official only while it is a draft (new or returned), not while the province has
    it."""
    if not can_change_assessments(user, assessment.commune, assessment.year):
        return False
    if assessment.status == assessment.Status.APPROVED:
        return False
    if _scope_or_none(user).is_commune:
        return assessment.status == assessment.Status.DRAFT
    return True


def can_submit(user, assessment) -> bool:
    """Send to the province for approval (whether the assessment is a draft is the service's
    check). A district official reaches only its district's communes, all of which ended with
    the district on 30/06/2025: the units formed on 01/07/2025 have no district."""
    scope = _scope_or_none(user)
    return scope.covers_commune(assessment.commune) and user.has_perm("criteria.submit_assessment")


def can_review(user, assessment) -> bool:
    """Approve, return, reopen: the province's staff (and admins), never a district or a
    commune."""
    scope = _scope_or_none(user)
    return (
        (scope.is_admin or scope.is_province_staff)
        and scope.covers_commune(assessment.commune)
        and user.has_perm("criteria.approve_assessment")
    )


def can_review_any(user) -> bool:
    """Whether the role reviews assessments at all (offers approve/return/reopen); each object
    is checked again with `can_review`."""
    scope = _scope_or_none(user)
    return (scope.is_admin or scope.is_province_staff) and user.has_perm(
        "criteria.approve_assessment"
    )


def can_certify(user, commune) -> bool:
    """Record a certification decision for `commune`."""
    return _can_review_commune(user, commune) and user.has_perm("criteria.add_certification")


def can_revoke_certification(user, commune) -> bool:
    return _can_review_commune(user, commune) and user.has_perm("criteria.change_certification")


def _can_review_commune(user, commune) -> bool:
    scope = _scope_or_none(user)
    return (
        (scope.is_admin or scope.is_province_staff)
        and scope.covers_commune(commune)
        and user.has_perm("criteria.approve_assessment")
    )


def can_create_assessments(user) -> bool:
    """Whether the commune list offers "enter assessment" links (each link is checked again by
    `can_create_assessment` when followed)."""
    scope = _scope_or_none(user)
    return (scope.is_admin or scope.is_province_staff or scope.is_commune) and user.has_perm(
        "criteria.add_assessment"
    )


# --- Certification dossiers ----------------------------------------------------------------


def can_record_dossier_step(user, commune, recorder: str) -> bool:
    """Record a step of `commune`'s dossier that `recorder` carries out (the procedure's data,
    dossiers.models.Recorder: "commune", "district" or "province"): the province's staff and
    admins every step, a district official the commune's and the district's, a commune official
    only the commune's own (never the province's vote or proposal). The decision itself is
    `can_certify`."""
    scope = _scope_or_none(user)
    if not scope.covers_commune(commune):
        return False
    if scope.is_admin or scope.is_province_staff:
        return True
    if scope.is_district:
        return recorder in ("commune", "district")
    return scope.is_commune and recorder == "commune"


# --- Imports --------------------------------------------------------------------------------


def can_import(user) -> bool:
    """Excel imports write approved rows for many communes at once: the province's tool
    (province staff and admins). District and commune officials enter and submit."""
    scope = _scope_or_none(user)
    return scope.is_admin or scope.is_province_staff


def can_import_approved(user) -> bool:
    """Whether an import may overwrite approved assessments (when the user ticks the box):
    everyone who may import, today. `user` None is the operator at the shell."""
    return user is None or can_import(user)


# --- Good practices -------------------------------------------------------------------------


def can_propose_practice(user) -> bool:
    """Add (province staff, admins) or propose (district officials) a good practice. Commune
    officials have no province in their scope and propose through their district."""
    scope = _scope_or_none(user)
    return scope.is_admin or scope.province is not None


def can_view_compendium(user, province) -> bool:
    """The printable compendium of a province's published practices: everyone who works in the
    province (it is meant to be handed out)."""
    scope = _scope_or_none(user)
    return scope.is_admin or (scope.province is not None and scope.province.pk == province.pk)
