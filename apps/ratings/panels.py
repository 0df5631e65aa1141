"""What the rating engine shows on other apps' pages (Contribution.page_panels): the rating history
of a company party organisation (星级评定) and of a compound's service project (服务项目星级)."""

from __future__ import annotations

from django.urls import reverse

from apps.core.views import Column, Section
from apps.ratings import selectors


def _columns() -> list[Column]:
    return [
        Column("年度", "year", link=True),
        Column("星级", lambda r: "★" * r.stars if r.stars else r.stars_label),
        Column("得分", "score"),
        Column("评定办法", lambda r: r.legacy_issuer if r.is_legacy else str(r.scheme)),
        Column("状态", lambda r: r.get_status_display()),
        Column("生效日期", "valid_from"),
    ]


def party_org_section(*, user, obj) -> Section | None:
    """Rounds' results and the typed-in records kept as legacy results of a company's party org."""
    if obj.kind != "company_org":
        return None  # the rating engine rates company party organisations; the list is scoped
    return Section(
        "星级评定",
        _columns(),
        selectors.history_for_org(user=user, party_org=obj),
        empty="尚未评定",
        more_url=reverse("org_rating_history", args=[obj.pk]),
    )


def compound_section(*, user, obj) -> Section | None:
    """The compound's service-project ratings (物业服务项目星级), newest first."""
    if not user.has_perm("ratings.view_ratingentry"):
        return None
    history = selectors.history_for_compound(user=user, compound=obj)
    return Section(
        "服务项目星级",
        _columns()[:2] + _columns()[2:3] + _columns()[4:],
        history[:5],
        empty="尚未参加服务项目星级评定",
        more_url=reverse("compound_rating_history", args=[obj.pk]) if history else "",
        more_count=len(history) if len(history) > 5 else 0,
    )
