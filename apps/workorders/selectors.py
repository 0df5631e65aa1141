"""Reads of work orders, already scoped to the user, with their relations loaded (no N+1).
Metrics and rankings are in metrics.py."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from apps.core.models import Event
from apps.core.pii import mask_changes, scrub_text
from apps.core.scoping import get_scoped_or_404, scope_of, scoped
from apps.core.validators import mask_mobile, mask_name
from apps.workorders import policy
from apps.workorders.choices import OPEN, ExtensionState, Level, SlaCard, Status, level_region_code
from apps.workorders.models import Category, WorkOrder, WorkOrderPhoto

# ------------------------------------------------------------------ active categories
# Every whistle names a category: read the ~15 active ones once per process and keep them for
# WORKORDER_LIMITS_CACHE_SECONDS, like their time limits (deadlines.limits_for). An edit through
# the category services clears this process's copy at once; other processes see it within that
# time. A category not in the copy (created since) is looked up and the copy re-read.
_categories: tuple[float, dict, dict] | None = None
_categories_lock = threading.Lock()


def categories_cache_clear() -> None:
    global _categories
    _categories = None


def _active_categories(*, refresh: bool = False) -> tuple[dict, dict]:
    global _categories
    hit, now = _categories, time.monotonic()
    if refresh or hit is None or now - hit[0] >= settings.WORKORDER_LIMITS_CACHE_SECONDS:
        with _categories_lock:
            rows = list(Category.objects.filter(is_active=True))
            hit = _categories = (now, {c.pk: c for c in rows}, {c.code: c for c in rows})
    return hit[1], hit[2]


def category_active(*, pk=None, code: str | None = None) -> Category | None:
    """The active category with this primary key or code, or None. The instance is shared by
    the process's requests: read it, never change it."""
    if pk is not None:
        try:
            key, index = int(pk), 0
        except (TypeError, ValueError):
            return None
    else:
        key, index = code, 1
    found = _active_categories()[index].get(key)
    if (
        found is None
        and Category.objects.filter(is_active=True, **({"pk": key} if index == 0 else {"code": key})).exists()
    ):
        found = _active_categories(refresh=True)[index].get(key)
    return found


LIST_RELATED = (
    "compound",
    "category",
    "handler_company",
    "handler_committee__compound",
    "handler_department",
)


def workorder_list_for(
    *,
    user,
    status: str | list[str] | None = None,
    compound=None,
    category=None,
    card: str | None = None,
    open_only: bool = False,
) -> QuerySet[WorkOrder]:
    """Every order the user may see, newest first, with the filters of the workbench."""
    qs = scoped(WorkOrder.objects.all(), user).select_related(*LIST_RELATED)
    if status:
        qs = qs.filter(status__in=[status] if isinstance(status, str) else status)
    if open_only:
        qs = qs.filter(status__in=sorted(OPEN))
    if compound is not None:
        qs = qs.filter(compound=compound)
    if category is not None:
        qs = qs.filter(category=category)
    if card:
        qs = qs.filter(sla_card=card)
    return qs.order_by("-submitted_at", "-id")


QUEUES = {
    "to_accept": "待受理",
    "to_dispatch": "待派单",
    "to_sign": "待签收",
    "to_resolve": "办理中",
    "to_approve_extension": "待审批延期",
    "to_callback": "待回访",
    "to_close": "待结案",
    "yellow": "黄牌（临期）",
    "red": "红牌（超期）",
    "calendar_missing": "日历缺失",
}


# The stages in which a handling unit (company, committee, department) is the one to act.
HANDLER_STAGES = frozenset({Status.DISPATCHED, Status.SIGNED})


def _desk_q(user) -> Q | None:
    level = policy.official_level(user)
    if level is None or not getattr(user, "region_id", None):
        return None
    # The desk holds orders whose current level is this user's level, inside this user's region.
    prefix = user.region_id[:4] if level == Level.CITY else user.region_id
    return Q(level=level, region_code__startswith=prefix)


def _handler_q(user) -> Q | None:
    scope = scope_of(user)
    if scope.company_id:
        return Q(handler_company_id=scope.company_id)
    if scope.committee_id:
        return Q(handler_committee_id=scope.committee_id)
    if scope.department_id:
        return Q(handler_department_id=scope.department_id)
    return None


def workorder_queue(*, user, queue: str) -> QuerySet[WorkOrder]:
    """One work queue of the user's workbench, oldest deadline first."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue}")
    qs = scoped(WorkOrder.objects.all(), user).select_related(*LIST_RELATED)
    desk, handler = _desk_q(user), _handler_q(user)
    community = Q(region_code=user.region_id) if getattr(user, "role", "") == "community" else None
    mine = desk or handler
    # A card belongs to whoever must act in the order's current stage: a handling unit's yellow
    # and red queues hold only what waits for it to sign or resolve; once resolved, the call-back
    # and closing are the desk's (the handler stays on the order, but its clock has stopped).
    carded = sorted(OPEN) if desk is not None or handler is None else sorted(HANDLER_STAGES)
    rules = {
        "to_accept": (community, Q(status=Status.SUBMITTED)),
        "to_dispatch": (desk, Q(status=Status.ACCEPTED)),
        "to_sign": (handler, Q(status=Status.DISPATCHED)),
        "to_resolve": (handler, Q(status=Status.SIGNED)),
        "to_approve_extension": (
            desk,
            Q(status=Status.SIGNED, current_assignment__extension_state=ExtensionState.PENDING),
        ),
        "to_callback": (community or desk, Q(status=Status.RESOLVED)),
        "to_close": (community or desk, Q(status=Status.CALLED_BACK)),
        "yellow": (mine, Q(sla_card=SlaCard.YELLOW, status__in=carded)),
        "red": (mine, Q(sla_card=SlaCard.RED, status__in=carded)),
        "calendar_missing": (mine, Q(calendar_missing=True, status__in=carded)),
    }
    who, what = rules[queue]
    if scope_of(user).everything:
        who = Q()
    if who is None:
        return qs.none()
    return qs.filter(who, what).order_by("due_at", "submitted_at", "id")


def workorder_queue_counts(*, user) -> dict[str, int]:
    return {name: workorder_queue(user=user, queue=name).count() for name in QUEUES}


def workorder_get_for(*, user, pk) -> WorkOrder:
    """One order inside the user's scope, else Http404."""
    return get_scoped_or_404(
        WorkOrder.objects.select_related(
            *LIST_RELATED, "building", "unit", "merged_into", "current_assignment"
        ),
        user,
        pk=pk,
    )


def workorder_outcome_for(*, user, pk) -> WorkOrder:
    """After an action that answers with a redirect: the order if still inside the user's scope
    (else Http404), with only what the success message names (the handling unit, the merge
    target) — not the twelve tables of `workorder_get_for`."""
    return get_scoped_or_404(
        WorkOrder.objects.select_related(
            "handler_company", "handler_committee__compound", "handler_department", "merged_into"
        ),
        user,
        pk=pk,
    )


def workorder_by_tracking_code(code: str) -> WorkOrder | None:
    """For the public tracking page: the code alone shows status and timeline, never personal data."""
    code = (code or "").strip().upper()
    if len(code) != 10:
        return None
    return WorkOrder.objects.select_related("category", "compound").filter(tracking_code=code).first()


@dataclass(frozen=True)
class TimelineEntry:
    at: object
    verb: str
    label: str
    actor: str
    note: str
    changes: dict
    actor_id: int | None = None  # the pages show "诉求人" instead of a reporter's own name


TIMELINE_VERBS = [
    f"workorder.{v}"
    for v in (
        "submit",
        "accept",
        "dispatch",
        "sign",
        "return",
        "resolve",
        "callback",
        "close",
        "reopen",
        "escalate",
        "merge",
        "reject",
        "extend",
        "approve_extension",
        "deadline_set",
    )
]


def workorder_timeline(*, order: WorkOrder, public: bool = False) -> list[TimelineEntry]:
    """The order's history from the audit log, oldest first. `public` drops actor names and notes
    (the tracking page)."""
    events = (
        Event.objects.filter(
            content_type=ContentType.objects.get_for_model(WorkOrder),
            object_id=str(order.pk),
            verb__in=TIMELINE_VERBS,
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    out = []
    for e in events:
        out.append(
            TimelineEntry(
                at=e.created_at,
                verb=e.verb,
                label=e.verb_label,
                actor="" if public else (e.actor.display_name if e.actor else "系统"),
                note="" if public else scrub_text(e.note),
                changes={}
                if public
                else mask_changes(WorkOrder, e.changes if isinstance(e.changes, dict) else {}),
                actor_id=None if public else e.actor_id,
            )
        )
    return out


def workorder_photos(*, order: WorkOrder) -> dict[str, list[WorkOrderPhoto]]:
    photos = {"intake": [], "resolution": []}
    for p in order.photos.all().order_by("created_at", "id"):
        photos[p.stage].append(p)
    return photos


@dataclass(frozen=True)
class ReporterView:
    name: str
    phone: str
    masked: bool


def reporter_for(*, order: WorkOrder, user) -> ReporterView:
    """The reporter's name and phone as this user may see them (views log unmasked views with
    services.workorder_view_pii)."""
    if policy.can_view_reporter(user, order):
        return ReporterView(order.reporter_name, order.reporter_phone, masked=False)
    if order.is_anonymous:
        return ReporterView("匿名", "", masked=True)
    return ReporterView(mask_name(order.reporter_name), mask_mobile(order.reporter_phone), masked=True)


def desk_region_code(order: WorkOrder) -> str:
    return level_region_code(order.region_code, order.level)
