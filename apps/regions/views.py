"""Region pages: the division tree of the user's scope, one level at a time."""

from __future__ import annotations

from django.db.models import Count

from apps.core.views import Column, DetailPage, FilterForm, ListPage, Section
from apps.regions import selectors
from apps.regions.choices import RegionLevel
from apps.registry.selectors import compound_list_for


class RegionFilter(FilterForm):
    from django import forms

    level = forms.ChoiceField(label="层级", choices=[("", "全部"), *RegionLevel.choices])
    lookups = {"level": "level"}


class RegionList(ListPage):
    title = "行政区划"
    permission = "regions.view_region"
    columns = [
        Column("区划代码", "code", sort="code"),
        Column("名称", "name", sort="name", link=True),
        Column("层级", lambda r: r.get_level_display(), sort="level"),
        Column("类型", lambda r: r.get_kind_display()),
        Column("上级", lambda r: r.parent.name if r.parent_id else ""),
        Column("版本", "vintage"),
    ]
    search_fields = ("name__icontains", "code__startswith")
    search_placeholder = "名称或区划代码"
    filter_form = RegionFilter
    default_ordering = ("code",)
    export_name = "行政区划"
    import_url_name = "region_import"
    import_permission = "regions.add_region"
    intro = "区划代码来源：国家统计局统计用区划代码（县级及以上、街道为2023年版，社区为2020年版）。"

    selector = selectors.region_list_for


class RegionDetail(DetailPage):
    permission = "regions.view_region"
    list_url_name = "region_list"
    list_title = "行政区划"

    selector = selectors.region_list_for

    def fields(self, r):
        return [
            ("区划代码", r.code),
            ("层级", r.get_level_display()),
            ("类型", r.get_kind_display()),
            ("上级区划", " / ".join(a.name for a in r.ancestors())),
            ("版本", r.vintage),
            ("来源", r.source),
        ]

    def sections(self, r):
        user = self.request.user
        children = list(selectors.region_children_for(user=user, region=r).annotate(n=Count("children")))
        sections = []
        if children:
            sections.append(
                Section(
                    f"下级区划（{len(children)}）",
                    [
                        Column("区划代码", "code"),
                        Column("名称", "name", link=True),
                        Column("类型", lambda x: x.get_kind_display()),
                        Column("下级数", "n", css="num"),
                    ],
                    children,
                )
            )
        if r.level == RegionLevel.COMMUNITY:
            compounds = list(compound_list_for(user=user).filter(community=r))
            sections.append(
                Section(
                    "小区",
                    [
                        Column("小区", "name", link=True),
                        Column("户数", "households", css="num"),
                        Column("管理模式", lambda c: c.get_management_mode_display()),
                    ],
                    compounds,
                    empty="本社区尚未登记小区",
                )
            )
        return sections
