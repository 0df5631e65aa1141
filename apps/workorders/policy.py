"""Who may do what to which order. Services call `check(...)` before every transition; forms and
views call `allowed_verbs(...)` / `check(...)` to show buttons and errors. The order of the
checks is: scope (404: outsiders never learn an order exists) → permission (403) → state (400)
→ the actor's relation to the order (403)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from apps.core.errors import DomainError, ForbiddenError
from apps.core.roles import Role
from apps.core.scoping import q_or, scope_of
from apps.workorders.choices import (
    ESCALATABLE,
    LEVEL_ORDER,
    VERBS,
    ExtensionState,
    Level,
    Status,
    level_region_code,
)

ROLE_LEVEL = {
    Role.COMMUNITY: Level.COMMUNITY,
    Role.STREET: Level.STREET,
    Role.COUNTY: Level.COUNTY,
    Role.CITY: Level.CITY,
}
LEVEL_RANK = {level: i for i, level in enumerate(LEVEL_ORDER)}

ALLOWED_FROM: dict[str, frozenset[str]] = {
    "accept": frozenset({Status.SUBMITTED}),
    "dispatch": frozenset({Status.ACCEPTED}),
    "sign": frozenset({Status.DISPATCHED}),
    "return": frozenset({Status.DISPATCHED, Status.SIGNED}),
    "resolve": frozenset({Status.SIGNED}),
    "callback": frozenset({Status.RESOLVED}),
    "close": frozenset({Status.CALLED_BACK}),
    "reopen": frozenset({Status.CALLED_BACK}),
    "escalate": ESCALATABLE,
    "merge": frozenset({Status.SUBMITTED, Status.ACCEPTED}),
    "reject": frozenset({Status.SUBMITTED, Status.ACCEPTED}),
    "extend": frozenset({Status.SIGNED}),
    "approve_extension": frozenset({Status.SIGNED}),
}

NOT_FOUND = "未找到该工单，或您无权查看。"


# ------------------------------------------------------------------ who sees an order: the one rule
def visible_clauses(scope) -> list[tuple[str, object]]:
    """Who sees an order besides the unrestricted (`scope.everything`), as clauses any one of
    which suffices — rendered as SQL by `visible_q` (WorkOrder.scope_q) and checked on one
    loaded order by `can_see`:

    - ("assigned", (field, id)): the company, committee or department the order is or was
      assigned to; a department handler sees only what was assigned to the department;
    - ("region", prefix): officials of the region holding the compound (a higher level sees
      escalated orders by prefix);
    - ("reporter", user id): the resident who filed it."""
    clauses: list[tuple[str, object]] = []
    if scope.department_id:
        clauses.append(("assigned", ("department_id", scope.department_id)))
    elif scope.region_prefix:
        clauses.append(("region", scope.region_prefix))
    if scope.company_id:
        clauses.append(("assigned", ("company_id", scope.company_id)))
    if scope.committee_id:
        clauses.append(("assigned", ("committee_id", scope.committee_id)))
    if scope.user_id:
        clauses.append(("reporter", scope.user_id))
    return clauses


def visible_q(scope, via: str = ""):
    """`visible_clauses` as a filter on work orders (or on rows reaching one through `via`)."""
    from apps.workorders.models import Assignment

    outer = OuterRef(f"{via}pk" if via else "pk")
    parts = []
    for kind, arg in visible_clauses(scope):
        if kind == "assigned":
            field, pk = arg
            parts.append(Q(Exists(Assignment.objects.filter(order=outer, **{field: pk}))))
        elif kind == "region":
            parts.append(Q(**{f"{via}region_code__startswith": arg}))
        else:
            parts.append(Q(**{f"{via}reporter_user_id": arg}))
    return q_or(*parts)


def can_see(user, order) -> bool:
    """`visible_clauses` for one loaded order: the region and the reporter from the order, the
    current unit from its handler fields, earlier assignments in one query at most."""
    scope = scope_of(user)
    if scope.everything:
        return True
    earlier = {}
    for kind, arg in visible_clauses(scope):
        if kind == "region" and order.region_code.startswith(arg):
            return True
        if kind == "reporter" and order.reporter_user_id == arg:
            return True
        if kind == "assigned":
            field, pk = arg
            if getattr(order, f"handler_{field}") == pk:
                return True
            earlier[field] = pk
    if not earlier:
        return False
    from apps.workorders.models import Assignment

    return Assignment.objects.filter(
        q_or(*(Q(**{f: pk}) for f, pk in earlier.items())), order_id=order.pk
    ).exists()


# ------------------------------------------------------------------ relations
def official_level(user) -> str | None:
    return ROLE_LEVEL.get(getattr(user, "role", ""))


def is_desk(user, order) -> bool:
    """An official of the level that currently holds the order, whose region contains it."""
    if user is None:
        return False
    scope = scope_of(user)
    if scope.everything:
        return True
    return (
        official_level(user) == order.level
        and not scope.department_id
        and user.region_id == level_region_code(order.region_code, order.level)
    )


def is_community(user, order) -> bool:
    """An official of the order's own community (the compound branch / residents' committee)."""
    scope = scope_of(user)
    return scope.everything or (
        getattr(user, "role", "") == Role.COMMUNITY and user.region_id == order.region_code
    )


def is_current_handler(user, order) -> bool:
    scope = scope_of(user)
    if scope.everything:
        return True
    return bool(
        (scope.company_id and order.handler_company_id == scope.company_id)
        or (scope.committee_id and order.handler_committee_id == scope.committee_id)
        or (scope.department_id and order.handler_department_id == scope.department_id)
    )


def is_reporter(user, order) -> bool:
    return bool(user is not None and order.reporter_user_id and order.reporter_user_id == user.pk)


def is_superior(user, order) -> bool:
    """An official at the order's level or above whose region contains the order."""
    scope = scope_of(user)
    if scope.everything:
        return True
    level = official_level(user)
    return (
        level is not None
        and not scope.department_id
        and LEVEL_RANK[level] >= LEVEL_RANK[order.level]
        and order.region_code.startswith(scope.region_prefix)
    )


# ------------------------------------------------------------------ the check
def _relation_error(verb: str, user, order) -> str | None:
    level_label = Level(order.level).label
    if verb == "accept":
        if not is_community(user, order):
            return "只有工单所在社区的工作人员可以受理（报到）"
    elif verb in ("dispatch", "reject", "merge"):
        if not is_desk(user, order):
            return f"该工单目前由{level_label}级受理派单，您不能{VERBS[verb]}"
    elif verb in ("sign", "return", "resolve"):
        if not is_current_handler(user, order):
            return "该工单当前不由贵单位办理"
    elif verb == "callback":
        if not (is_community(user, order) or is_desk(user, order) or is_reporter(user, order)):
            return "只有工单所在社区、当前受理层级的工作人员或诉求人本人可以回访评价"
    elif verb in ("close", "reopen"):
        if not (is_community(user, order) or is_desk(user, order)):
            return f"只有工单所在社区或{level_label}级的工作人员可以{VERBS[verb]}"
    elif verb == "escalate":
        if not is_superior(user, order):
            return f"只有{level_label}级或更高层级的工作人员可以升级督办"
    elif verb == "extend":
        if not is_current_handler(user, order):
            return "该工单当前不由贵单位办理"
    elif verb == "approve_extension":
        if not is_desk(user, order):
            return f"该工单由{level_label}级派单，延期申请由{level_label}级审批"
    return None


def extension_state(order) -> str:
    """The state of the current dispatch's request for more time (one query)."""
    from apps.workorders.models import Assignment

    if order.current_assignment_id is None:
        return ExtensionState.NONE
    state = (
        Assignment.objects.filter(pk=order.current_assignment_id)
        .values_list("extension_state", flat=True)
        .first()
    )
    return state or ExtensionState.NONE


def _extension_error(verb: str, order) -> str | None:
    state = extension_state(order)
    if verb == "extend" and state == ExtensionState.PENDING:
        return "延期申请正在审批中，请等待审批结果"
    if verb == "extend" and state == ExtensionState.APPROVED:
        return "本次派单已批准延期一次，不能再次申请延期"
    if verb == "approve_extension" and state != ExtensionState.PENDING:
        return "该工单没有待审批的延期申请"
    return None


def check(verb: str, order, actor) -> None:
    """Raise Http404 / ForbiddenError / DomainError unless `actor` may apply `verb` to `order`
    now. `actor=None` is the system (the sweep, the demo): only the state is checked."""
    if actor is not None:
        if not can_see(actor, order):
            raise Http404(NOT_FOUND)
        if not actor.has_perm(f"workorders.{verb}_workorder"):
            raise ForbiddenError(f"您没有{VERBS[verb]}的权限")
    if order.status not in ALLOWED_FROM[verb]:
        raise DomainError(f"工单当前状态为“{Status(order.status).label}”，不能{VERBS[verb]}")
    if verb in ("extend", "approve_extension"):
        message = _extension_error(verb, order)
        if message:
            raise DomainError(message)
    if actor is not None:
        message = _relation_error(verb, actor, order)
        if message:
            raise ForbiddenError(message)


def allowed_verbs(order, user) -> list[str]:
    """The verbs `user` may apply to `order` now (for buttons); no side effects."""
    out = []
    for verb in ALLOWED_FROM:
        try:
            check(verb, order, user)
        except (Http404, DomainError):
            continue
        out.append(verb)
    return out


def can_view_reporter(user, order) -> bool:
    """Name and phone of the reporter, unmasked: the community always (anonymous included);
    otherwise, for non-anonymous orders, holders of view_reporter_pii who are the current
    handling unit or the desk. The reporter sees their own."""
    if is_reporter(user, order):
        return True
    if not user.has_perm("workorders.view_reporter_pii"):
        return False
    if is_community(user, order):
        return True
    if order.is_anonymous:
        return False
    return is_current_handler(user, order) or is_desk(user, order)
