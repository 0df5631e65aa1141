"""What campaigns shows on the work-order pages (Contribution.page_panels): the project and the
joint meetings a whistle was lifted into, with the lift buttons for the community."""

from __future__ import annotations

from apps.campaigns.selectors import order_links
from apps.core.contributions import Panel


def order_links_panel(*, user, obj) -> Panel | None:
    """The staff's work-order page."""
    return Panel(
        key="campaign-links",
        title="民生项目与联席会议",
        template="campaigns/_order_links.html",
        context={"links": order_links(obj, user), "order": obj},
    )


def order_progress_panel(*, user, obj) -> Panel | None:
    """The resident's tracking page: progress only, no buttons whoever looks."""
    return Panel(
        key="campaign-progress",
        title="协调办理进展",
        template="campaigns/_order_progress.html",
        context={"links": order_links(obj, None)},
    )
