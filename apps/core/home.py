"""The home page: what the user's scope holds, in numbers, with the way in to each list.

The cards come from the installed apps (contribution.home_tiles / tiles), in their order."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from apps.core.contributions import home_tile_functions
from apps.core.scoping import scope_of


def home_cards_for(user) -> list[dict]:
    """Every installed app's cards for the user's scope."""
    return [card for tiles in home_tile_functions() for card in tiles(user)]


def scope_label_of(user) -> tuple[str, object]:
    """("罗庄区 / ..." or "物业企业：…", the user's region or None) for the page's heading."""
    scope = scope_of(user)
    region = None
    if scope.region_code:  # officials: their region; department handlers: their department's
        region = user.department.region if scope.department_id else user.region
    if scope.company_id:
        return f"物业企业：{user.company}", region
    if scope.committee_id:
        return f"业委会：{user.committee}", region
    if scope.department_id:
        return f"职能部门：{user.department}", region
    if scope.compound_id:
        return f"小区：{user.compound}", region
    if region is not None:
        return " / ".join([*(a.name for a in region.ancestors()), region.name]), region
    if scope.everything:
        return "全平台", None
    return "", None


@login_required
def home(request):
    user = request.user
    scope_label, region = scope_label_of(user)
    return render(
        request,
        "core/home.html",
        {
            "title": "首页",
            "scope_label": scope_label,
            "region": region,
            "cards": home_cards_for(user) if scope_label else [],
        },
    )
