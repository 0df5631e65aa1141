"""The main navigation: 首页 and the items every installed app declares (contribution.nav), in
their order; an item shows when the user holds its permission."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from apps.core.contributions import NavItem, nav_items

HOME = NavItem("首页", "home", None, order=0)


def nav_items_for(request) -> list[dict]:
    user = request.user
    items = []
    for nav in (HOME, *nav_items()):
        label, name, perm = nav.label, nav.url_name, nav.perm
        if perm and not user.has_perm(perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:  # the app providing it is not installed
            continue
        active = request.path == url if name == "home" else request.path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    # Nested sections (/workorders/ and /workorders/categories/): only the closest one is active.
    matched = [i for i in items if i["active"]]
    for item in matched:
        item["active"] = item is max(matched, key=lambda i: len(i["url"]))
    if user.is_staff:
        items.append(
            {"label": "管理后台", "url": reverse("admin:index"), "active": request.path.startswith("/admin/")}
        )
    return items
