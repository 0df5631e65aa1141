"""The main navigation: 首页 and the items every installed app declares (contribution.nav), in
their order; an item shows when the user holds its permission."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from apps.core.contributions import NavItem, nav_items

HOME = NavItem("首页", "home", None, order=0)


# The bar's menus, in the order they appear where their first item would. An app puts an item in
# one with NavItem(group=...); a menu with one item the user may open shows as that plain link.
GROUPS = ("基础台账", "党建引领", "业主自治", "专项工作", "设置")


def nav_items_for(request) -> list[dict]:
    """The bar for this user: links ({label, url, active}) and menus ({label, group: True,
    items: [links], active})."""
    user = request.user
    links = []
    for nav in (HOME, *nav_items()):
        if nav.perm and not user.has_perm(nav.perm):
            continue
        try:
            url = reverse(nav.url_name)
        except NoReverseMatch:  # the app providing it is not installed
            continue
        active = request.path == url if nav.url_name == "home" else request.path.startswith(url)
        links.append({"label": nav.label, "url": url, "active": active, "group": nav.group})
    # Nested sections (/workorders/ and /workorders/categories/): only the closest one is active.
    matched = [i for i in links if i["active"]]
    for item in matched:
        item["active"] = item is max(matched, key=lambda i: len(i["url"]))
    entries: list[dict] = []
    menus: dict[str, dict] = {}
    for link in links:
        group = link.pop("group")
        if not group:
            entries.append(link)
            continue
        if group not in menus:
            menus[group] = {"label": group, "group": True, "items": [], "active": False}
            entries.append(menus[group])
        menus[group]["items"].append(link)
        menus[group]["active"] |= link["active"]
    entries = [e["items"][0] if e.get("group") and len(e["items"]) == 1 else e for e in entries]
    if user.is_staff:
        entries.append(
            {"label": "管理后台", "url": reverse("admin:index"), "active": request.path.startswith("/admin/")}
        )
    return entries
