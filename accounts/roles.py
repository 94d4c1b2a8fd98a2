"""Who may do what: the role groups, the user's scope and every access rule of the project.

Admins are superusers. Province staff, district officials and commune officials carry a
Membership that names their province, district or commune; the Django group of their role
carries the model permissions. Views, services and imports ask the `can_*` predicates below
instead of combining permissions and scopes themselves, so a rule changes in one place.

The convention of the views: a unit outside the user's scope answers 404 (guessing a code
reveals nothing); a unit in scope but an action the role does not allow answers 403.

Reads ask the user's scope; writes ask the writing scope (`_writing_scope`), which is empty for
a user whose unit has ended (`unit_ended`: a district official once the district's units all
ended, 30/06/2025 in the real data; a commune official of a merged commune): such a user keeps
reading the years the unit existed and writes nothing. The services that write with a user ask
the same predicates again.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import Membership
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
        # Villages, their recognitions and ĐBKK status, scoped to the province
        # (can_edit_villages); never deleted (a village ends by a date).
        "communes.view_village",
        "communes.add_village",
        "communes.change_village",
        "communes.view_villagerecognition",
        "communes.add_villagerecognition",
        "communes.change_villagerecognition",
        "communes.view_villagedesignation",
        "communes.add_villagedesignation",
        "communes.change_villagedesignation",
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


def unit_ended(user, day=None) -> bool:
    """Whether the unit of the user's membership had ended by `day` (default today): a commune
    official's commune past its `valid_to`; a district official's district past its `valid_to`
    (30/06/2025 for every district, by law) with none of its units still in force (the world
    before the reform that some tests keep running has units, and so a district, after that
    day). Such a user keeps reading the years the unit existed and writes nothing. One query for
    a district official, once per request (cached on the user object)."""
    if not user.is_authenticated or user.is_superuser:
        return False
    membership = getattr(user, "membership", None)
    if membership is None:
        return False
    day = day or timezone.localdate()
    unit = membership.district or membership.commune or membership.province
    valid_to = getattr(unit, "valid_to", None)
    if valid_to is None or valid_to >= day:
        return False
    if membership.district is None:
        return True
    cache = user.__dict__.setdefault("_ntm_unit_ended", {})
    if day not in cache:
        cache[day] = not Commune.objects.filter(district=membership.district).valid_on(day).exists()
    return cache[day]


def _writing_scope(user) -> Scope:
    """The scope a user writes in: the empty one when their unit has ended (read only)."""
    if unit_ended(user):
        return NO_SCOPE
    return _scope_or_none(user)


def can_write(user) -> bool:
    """Whether the user may change anything at all: a role whose unit has not ended. Each write
    asks its own predicate below, which includes this one."""
    scope = _writing_scope(user)
    return scope.is_admin or scope.province is not None or scope.commune is not None


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


# --- Villages -------------------------------------------------------------------------------


def can_view_villages(user, commune) -> bool:
    """A commune's villages, their recognitions and ĐBKK status: whoever sees the commune."""
    return can_view_commune(user, commune)


def can_edit_villages(user, commune) -> bool:
    """Add and change the villages of `commune` (the admin, the villages workbook): the
    province's staff and admins, while their unit is in force."""
    scope = _writing_scope(user)
    return (scope.is_admin or scope.is_province_staff) and scope.covers_commune(commune)


def can_load_villages(user) -> bool:
    """Whether the role loads villages workbooks at all; each row's commune is checked again
    with `can_edit_villages`."""
    scope = _writing_scope(user)
    return scope.is_admin or scope.is_province_staff


def visible_communes(user) -> QuerySet[Commune]:
    """The units whose villages `user` sees (the admin's lists filter on it); none without a
    role."""
    return _scope_or_none(user).communes()


def editable_communes(user) -> QuerySet[Commune]:
    """The units whose villages `user` may change: its province's for province staff, every
    unit for admins, none for anyone else."""
    scope = _writing_scope(user)
    if not (scope.is_admin or scope.is_province_staff):
        return Commune.objects.none()
    return scope.communes()


# --- Assessments ----------------------------------------------------------------------------


def can_change_assessments(user, commune, year: int) -> bool:
    """Whether the role may write assessments of `commune` in `year` at all: admins, the
    province's staff, the commune's own official. District officials read and submit only.
    The commune must be in the user's scope (the views check that first, with a 404)."""
    scope = _writing_scope(user)
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
    check). A district official reaches only its district's communes, and only while they are
    in force (`unit_ended`): the units formed on 01/07/2025 have no district."""
    scope = _writing_scope(user)
    return scope.covers_commune(assessment.commune) and user.has_perm("criteria.submit_assessment")


def can_submit_any(user) -> bool:
    """Whether the role sends assessments at all (the admin's "submit" action); each object is
    checked again with `can_submit`."""
    scope = _writing_scope(user)
    return (scope.is_admin or scope.province is not None or scope.is_commune) and user.has_perm(
        "criteria.submit_assessment"
    )


def can_review(user, assessment) -> bool:
    """Approve, return, reopen: the province's staff (and admins), never a district or a
    commune."""
    scope = _writing_scope(user)
    return (
        (scope.is_admin or scope.is_province_staff)
        and scope.covers_commune(assessment.commune)
        and user.has_perm("criteria.approve_assessment")
    )


def can_review_any(user) -> bool:
    """Whether the role reviews assessments at all (offers approve/return/reopen); each object
    is checked again with `can_review`."""
    scope = _writing_scope(user)
    return (scope.is_admin or scope.is_province_staff) and user.has_perm(
        "criteria.approve_assessment"
    )


def can_certify(user, commune) -> bool:
    """Record a certification decision for `commune`."""
    return _can_review_commune(user, commune) and user.has_perm("criteria.add_certification")


def can_revoke_certification(user, commune) -> bool:
    return _can_review_commune(user, commune) and user.has_perm("criteria.change_certification")


def _can_review_commune(user, commune) -> bool:
    scope = _writing_scope(user)
    return (
        (scope.is_admin or scope.is_province_staff)
        and scope.covers_commune(commune)
        and user.has_perm("criteria.approve_assessment")
    )


def can_create_assessments(user) -> bool:
    """Whether the commune list offers "enter assessment" links (each link is checked again by
    `can_create_assessment` when followed)."""
    scope = _writing_scope(user)
    return (scope.is_admin or scope.is_province_staff or scope.is_commune) and user.has_perm(
        "criteria.add_assessment"
    )


# --- Who is told (accounts/notifications.py) -----------------------------------------------


def reviewers_of(commune) -> list:
    """Who reviews `commune`'s assessments: the active staff of its province whom `can_review`
    lets approve, return and certify (not admins: they oversee the country, the province does
    the review). One query for the candidates, then the predicate on each (a handful)."""
    candidates = (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__role=Membership.Role.PROVINCE_STAFF,
            membership__province_id=commune.province_id,
        )
        .select_related("membership__province")
        .order_by("pk")
    )
    return [user for user in candidates if _can_review_commune(user, commune)]


def officials_of(commune) -> list:
    """The active officials of `commune` itself (its commune officials) who still see it."""
    candidates = (
        get_user_model()
        .objects.filter(
            is_active=True,
            membership__role=Membership.Role.COMMUNE_OFFICIAL,
            membership__commune_id=commune.pk,
        )
        .select_related("membership__commune")
        .order_by("pk")
    )
    return [user for user in candidates if can_view_commune(user, commune)]


# --- Certification dossiers ----------------------------------------------------------------


def can_record_dossier_step(user, commune, recorder: str) -> bool:
    """Record a step of `commune`'s dossier that `recorder` carries out (the procedure's data,
    dossiers.models.Recorder: "commune", "district" or "province"): the province's staff and
    admins every step, a district official the commune's and the district's, a commune official
    only the commune's own (never the province's vote or proposal). The decision itself is
    `can_certify`."""
    scope = _writing_scope(user)
    if not scope.covers_commune(commune):
        return False
    if scope.is_admin or scope.is_province_staff:
        return True
    if scope.is_district:
        return recorder in ("commune", "district")
    return scope.is_commune and recorder == "commune"


def can_open_dossier(user, commune) -> bool:
    """Open a certification dossier for `commune`: everyone who records one of its steps (the
    commune's own official, the district's, the province's staff, admins), not a read-only
    former official."""
    return _writing_scope(user).covers_commune(commune)


def can_add_dossier_evidence(user, commune) -> bool:
    """Upload evidence to a dossier of `commune`: the same people as open one."""
    return can_open_dossier(user, commune)


# --- Plans and issued reports ---------------------------------------------------------------


def own_province(user):
    """The province of a province staff member (their plans, their issued reports), else None."""
    scope = _scope_or_none(user)
    return scope.province if scope.is_province_staff else None


def can_plan(user, province) -> bool:
    """Read and write the plans of `province`: its staff and admins."""
    return _writing_scope(user).covers_province(province)


def can_issue_reports(user, province=None) -> bool:
    """Issue and withdraw the reports of `province` (or, without one, of any province the user
    issues for): the province's staff and admins; district and commune officials read them."""
    scope = _writing_scope(user)
    if province is None:
        return scope.is_admin or scope.is_province_staff
    return scope.covers_province(province)


# --- Maps -----------------------------------------------------------------------------------


def can_manage_boundaries(user, province) -> bool:
    """Upload a boundary file of `province` (its map) and read the reports of earlier uploads:
    the province's staff and admins, while their unit is in force. Everyone who reads the
    province report sees the map."""
    return _writing_scope(user).covers_province(province)


# --- The criteria catalogue -------------------------------------------------------------------


# The model permissions a catalogue upload uses: it changes a set's indicators and levels.
CATALOGUE_PERMISSIONS = (
    "criteria.change_criteriaset",
    "criteria.add_indicator",
    "criteria.change_indicator",
    "criteria.add_threshold",
    "criteria.change_threshold",
)


def can_manage_catalogue(user) -> bool:
    """Download a criteria set as the catalogue workbook and load one back (indicators and
    levels of every commune in the country): admins, and staff of the admin site granted the
    catalogue's model permissions. No role group has them."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (user.is_staff and user.has_perms(CATALOGUE_PERMISSIONS))


# --- Imports --------------------------------------------------------------------------------


def can_import(user) -> bool:
    """Excel imports write approved rows for many communes at once: the province's tool
    (province staff and admins). District and commune officials enter and submit."""
    scope = _writing_scope(user)
    return scope.is_admin or scope.is_province_staff


def import_row_permission(user):
    """The check an import asks of each row's change ("criteria.add_assessment", ...): the role's
    model permission, as the web form asks it (the scope is checked once for the whole import
    by `can_import`). `user` None is the operator at the shell, who may everything."""
    if user is None:
        return lambda perm: True
    if not can_import(user):
        return lambda perm: False
    return user.has_perm


# --- Good practices -------------------------------------------------------------------------


def can_propose_practice(user) -> bool:
    """Add (province staff, admins) or propose (district officials) a good practice. Commune
    officials have no province in their scope and propose through their district."""
    scope = _writing_scope(user)
    return scope.is_admin or scope.province is not None


def can_edit_practice(user, practice) -> bool:
    """Province staff edit their province's practices; a district official only their own
    proposal while it is still a draft."""
    scope = _writing_scope(user)
    if scope.is_admin:
        return True
    if scope.province is None or scope.province.pk != practice.province_id:
        return False
    if scope.is_district:
        return (
            not practice.is_published
            and practice.created_by_id == user.pk
            and practice.district_id == scope.district.pk
        )
    return True


def can_publish_practice(user, practice) -> bool:
    """Publish, unpublish, attach to and delete from a practice: the province's staff."""
    scope = _writing_scope(user)
    if scope.is_admin:
        return True
    return scope.is_province_staff and scope.province.pk == practice.province_id


def can_view_compendium(user, province) -> bool:
    """The printable compendium of a province's published practices: everyone who works in the
    province (it is meant to be handed out)."""
    scope = _scope_or_none(user)
    return scope.is_admin or (scope.province is not None and scope.province.pk == province.pk)
