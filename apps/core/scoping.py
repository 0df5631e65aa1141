"""Object scope: the one helper that limits every queryset to what a user may see.

A user's scope is a region (officials: city, county, street, community; department handlers
through their department's region) or an organisation (a property company, an owners'
committee, a resident's compound). Region codes are NBS codes, which nest by prefix
(37 province, 3713 city, 371311 county, 371311005 street, 371311005001 community), so "inside
the region" is `code LIKE prefix%` on an indexed column — no joins up the tree.

Every scoped model implements `scope_q(scope, via="")` returning a Q (or None = nothing).
`via` is a lookup prefix so that related models can reuse their parent's rule, e.g.
`Compound.scope_q(scope, via="building__compound__")`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.http import Http404

from apps.core.roles import REGION_ROLES, Role

# Length of the code prefix shared by everything inside a region of each level.
PREFIX_LENGTH = {"province": 2, "city": 4, "county": 6, "street": 9, "community": 12}
CODE_LENGTH = {"province": 6, "city": 6, "county": 6, "street": 9, "community": 12}


def region_prefix(code: str, level: str) -> str:
    return code[: PREFIX_LENGTH[level]]


def code_in_prefix(code: str, prefix: str) -> bool:
    return bool(code) and code.startswith(prefix)


@dataclass(frozen=True)
class Scope:
    """What a user may see. `everything` for superusers; otherwise at most one of the parts."""

    user_id: int | None = None
    role: str = ""
    everything: bool = False
    region_code: str = ""  # the region itself (for display)
    region_prefix: str = ""  # officials and department handlers
    company_id: int | None = None
    compound_id: int | None = None  # committee members and residents: their compound
    committee_id: int | None = None
    department_id: int | None = None

    @property
    def is_region(self) -> bool:
        return bool(self.region_prefix)

    @property
    def is_empty(self) -> bool:
        return not (
            self.everything or self.region_prefix or self.company_id or self.compound_id or self.department_id
        )

    def contains_code(self, code: str) -> bool:
        return self.everything or (bool(self.region_prefix) and code_in_prefix(code, self.region_prefix))


NOTHING = Scope()


def scope_of(user) -> Scope:
    """The scope of a user; cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_scope_cache", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._scope_cache = scope
    return scope


def _compute_scope(user) -> Scope:
    if user.is_superuser:
        return Scope(user_id=user.pk, role=user.role or "", everything=True)
    role = user.role
    if role in REGION_ROLES and user.region_id:
        level = REGION_ROLES[role]
        return Scope(
            user_id=user.pk,
            role=role,
            region_code=user.region_id,
            region_prefix=region_prefix(user.region_id, level),
        )
    if role == Role.COMPANY and user.company_id:
        return Scope(user_id=user.pk, role=role, company_id=user.company_id)
    if role == Role.COMMITTEE and user.committee_id:
        # The committee's compound only (one narrow query), reached through the user's foreign key
        # so that core needs no import of the committees app.
        committees = user._meta.get_field("committee").related_model._default_manager
        compound_id = committees.filter(pk=user.committee_id).values_list("compound_id", flat=True).first()
        return Scope(user_id=user.pk, role=role, committee_id=user.committee_id, compound_id=compound_id)
    if role == Role.DEPARTMENT and user.department_id:
        dept = user.department
        return Scope(
            user_id=user.pk,
            role=role,
            department_id=dept.pk,
            region_code=dept.region_id,
            region_prefix=region_prefix(dept.region_id, dept.region.level),
        )
    if role == Role.RESIDENT and user.compound_id:
        return Scope(user_id=user.pk, role=role, compound_id=user.compound_id)
    return Scope(user_id=user.pk, role=role or "")


def scoped(queryset: models.QuerySet, user) -> models.QuerySet:
    """The queryset limited to the user's scope. Every list, detail, export and search uses it."""
    return scoped_to(queryset, scope_of(user))


def region_scope(code: str) -> Scope:
    """The scope of a whole region given its NBS code (37 province ... 12-digit community).

    The level follows from the code's shape, so no query is needed: 6 digits ending in 0000 is a
    province, in 00 a city, else a county; 9 digits a street; 12 digits a community.
    """
    if len(code) == 12:
        level = "community"
    elif len(code) == 9:
        level = "street"
    elif code.endswith("0000"):
        level = "province"
    elif code.endswith("00"):
        level = "city"
    else:
        level = "county"
    return Scope(region_code=code, region_prefix=region_prefix(code, level))


def scoped_to(queryset: models.QuerySet, scope: Scope) -> models.QuerySet:
    """The queryset limited to a scope (a user's, or a region's from `region_scope`)."""
    if scope.everything:
        return queryset
    if scope.is_empty:
        return queryset.none()
    q = queryset.model.scope_q(scope)
    if q is None:
        return queryset.none()
    return queryset.filter(q)


def get_scoped_or_404(queryset: models.QuerySet, user, **lookup):
    """One object inside the user's scope, else 404 (outsiders never learn it exists)."""
    try:
        return scoped(queryset, user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("未找到该记录，或您无权查看。") from exc


def q_region(scope: Scope, field: str) -> Q | None:
    """Q for a region-code column (a Region FK's `_id`, or a code column) inside the scope."""
    if scope.region_prefix:
        if field.endswith("_id"):
            # `community_id__startswith` is not a lookup; `community__pk__startswith` is, and
            # Django trims the join because the FK column already holds the code.
            field = field[:-3] + "__pk"
        return Q(**{f"{field}__startswith": scope.region_prefix})
    return None


def q_or(*parts: Q | None) -> Q | None:
    result = None
    for part in parts:
        if part is None:
            continue
        result = part if result is None else result | part
    return result
