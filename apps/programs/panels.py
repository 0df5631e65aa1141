"""The programmes card of the governance dashboard (Contribution.dashboard_panels): for the region
and day, coverage of old compounds by mode, pairing transitions due in the next 90 days, failed
inspections and subsidies paid — `selectors.overview`, the figures of /programs/."""

from __future__ import annotations

from django.urls import reverse

from apps.core.contributions import DashboardPanel
from apps.core.scoping import region_scope, scope_of
from apps.programs import selectors
from apps.programs.choices import ArrangementMode

MODE_LABELS = {**dict(ArrangementMode.choices), selectors.NONE: "无物业服务"}


def dashboard_panel(*, user, region, on) -> DashboardPanel | None:
    if not user.has_perm("programs.view_coverage") or not scope_of(user).contains_code(region.code):
        return None
    figures = selectors.overview(region_scope(region.code), on=on)
    month = on.strftime("%Y-%m")
    return DashboardPanel(
        key="programs",
        title="老旧小区物业服务覆盖（兜底与大手牵小手）",
        template="programs/_dashboard_panel.html",
        context={
            "f": figures,
            "on": on,
            "modes": [(MODE_LABELS[m], n, m) for m, n in figures.coverage.by_mode.items()],
            "url": f"{reverse('programs_overview')}?region={region.code}&month={month}",
            "pairings_url": reverse("pairing_list"),
            "subsidies_url": reverse("subsidy_list"),
            "fallback_url": reverse("fallback_list"),
        },
        order=30,
    )
