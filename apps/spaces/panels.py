"""The spaces card of the governance dashboard (Contribution.dashboard_panels): the region's
public-space shortfall list (RULES.md §6; issue 18 item 2), the same rows as /spaces/norms/."""

from __future__ import annotations

from django.urls import reverse

from apps.core.contributions import DashboardPanel
from apps.core.scoping import scope_of
from apps.spaces import selectors

SHOWN = 10  # compounds listed on the card; the page and the Excel export have them all


def dashboard_panel(*, user, region, on) -> DashboardPanel | None:
    if not user.has_perm("spaces.view_publicspace") or not scope_of(user).contains_code(region.code):
        return None
    shortfall = selectors.shortfall_cached(user=user, region=region.code)
    url = f"{reverse('space_norms')}?region={region.code}"
    # the largest total gap first: where a recovery or a new room helps most
    worst = sorted(shortfall.rows, key=lambda r: (-sum(m.gap for m in r.norms.missed), r.compound.code))
    return DashboardPanel(
        key="spaces-shortfall",
        title="公共用房配置缺口",
        template="spaces/_dashboard_panel.html",
        context={
            "total": shortfall.total,
            "counts": shortfall.counts,
            "rows": [(r.compound, r.norms.missed) for r in worst[:SHOWN]],
            "url": url,
            "export_url": f"{url}&export=xlsx",
        },
        order=40,
    )
