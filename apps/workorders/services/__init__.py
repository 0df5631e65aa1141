"""Work-order services: every state change of a work order, one function per verb.

    workorder_submit → accept → dispatch → sign → resolve → callback → close
    return (back to dispatch), reopen (rework), escalate, merge, reject,
    extend (the unit asks for more time) → approve_extension (the desk decides)

Keyword-only, @transaction.atomic, compare-and-set on the order's version, exactly one audit
Event per transition, notifications after commit. `now=` replays a transition at a past time
(the demo loader).
"""

from apps.workorders.services.categories import (
    category_create,
    category_limit_create,
    category_limit_delete,
    category_limit_update,
    category_update,
)
from apps.workorders.services.common import eligible_handlers, suggested_handler
from apps.workorders.services.escalation import escalate_rows, workorder_escalate
from apps.workorders.services.intake import workorder_submit
from apps.workorders.services.workflow import (
    latest_callback,
    workorder_accept,
    workorder_approve_extension,
    workorder_callback,
    workorder_close,
    workorder_dispatch,
    workorder_extend,
    workorder_merge,
    workorder_reject,
    workorder_reopen,
    workorder_resolve,
    workorder_return,
    workorder_sign,
)

__all__ = [
    "category_create",
    "category_limit_create",
    "category_limit_delete",
    "category_limit_update",
    "category_update",
    "eligible_handlers",
    "escalate_rows",
    "latest_callback",
    "suggested_handler",
    "workorder_accept",
    "workorder_approve_extension",
    "workorder_callback",
    "workorder_close",
    "workorder_dispatch",
    "workorder_escalate",
    "workorder_extend",
    "workorder_merge",
    "workorder_reject",
    "workorder_reopen",
    "workorder_resolve",
    "workorder_return",
    "workorder_sign",
    "workorder_submit",
    "workorder_view_pii",
]


def workorder_view_pii(*, order, actor) -> None:
    """Record that a user saw the reporter's unmasked name/phone (RULES.md §7)."""
    from django.db import transaction

    from apps.core.services import event_record

    with transaction.atomic():
        event_record(actor=actor, verb="workorder.view_pii", obj=order)
