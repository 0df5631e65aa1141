"""The main navigation, one list for the whole platform; an item shows when the user may use it."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

# (label, url name, permission needed or None for every signed-in user)
NAV_ITEMS: list[tuple[str, str, str | None]] = [
    ("首页", "home", None),
    ("治理驾驶舱", "dashboard", "regions.view_region"),
    ("吹哨工单", "workorder_list", "workorders.view_workorder"),
    ("分类时限", "category_list", "workorders.change_categorylimit"),
    ("小区", "compound_list", "registry.view_compound"),
    ("物业企业", "company_list", "registry.view_propertycompany"),
    ("党组织", "partyorg_list", "party.view_partyorg"),
    ("红领书记", "secretary_list", "party.view_redcollarsecretary"),
    ("业委会", "committee_list", "committees.view_ownerscommittee"),
    ("公共用房", "space_list", "spaces.view_publicspace"),  # TEMP(spaces)
    ("活动室预约", "centre_list", "spaces.add_booking"),  # TEMP(spaces)
    ("职能部门", "department_list", "registry.view_department"),
    ("行政区划", "region_list", "regions.view_region"),
]


def nav_items_for(request) -> list[dict]:
    user = request.user
    items = []
    for label, name, perm in NAV_ITEMS:
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
