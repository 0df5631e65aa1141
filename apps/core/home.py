"""The home page: what the user's scope holds, in numbers, with the way in to each list."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from apps.committees.selectors import committee_list_for, red_committee_ids
from apps.core.scoping import scope_of
from apps.party.selectors import party_org_list_for, secretary_home_card
from apps.regions.selectors import region_home_for
from apps.registry.models import CompanyKind
from apps.registry.selectors import company_list_for, compound_list_for, owner_list_for


def registry_counts_for(user) -> list[dict]:
    """The registry counts of a user's scope, each linking to the list it counts."""
    from django.conf import settings
    from django.db.models import Count, Q
    from django.urls import reverse

    today = timezone.localdate()
    cards = []
    if user.has_perm("registry.view_compound"):
        c = compound_list_for(user=user).aggregate(
            total=Count("id"),
            old=Count("id", filter=Q(is_old=True)),
            old_served=Count("id", filter=Q(is_old=True) & ~Q(management_mode="none")),
            eligible=Count("id", filter=Q(resident_party_members__gte=settings.BRANCH_MIN_PARTY_MEMBERS)),
            fallback=Count("id", filter=Q(management_mode="fallback")),
            pairing=Count("id", filter=Q(management_mode="pairing")),
        )
        url = reverse("compound_list")
        cards += [
            {"label": "小区", "value": c["total"], "url": url},
            {
                "label": "老旧小区",
                "value": c["old"],
                "url": url + "?is_old=1",
                "sub": f"已有物业服务 {c['old_served']} 个" if c["old"] else "",
            },
            {"label": "公益性物业兜底小区", "value": c["fallback"], "url": url + "?management_mode=fallback"},
            {"label": "大手牵小手小区", "value": c["pairing"], "url": url + "?management_mode=pairing"},
            {"label": "符合建立党支部条件的小区", "value": c["eligible"], "url": url + "?branch_eligible=1"},
        ]
    if user.has_perm("registry.view_propertycompany"):
        agg = company_list_for(user=user).aggregate(
            total=Count("id"), welfare=Count("id", filter=Q(kind=CompanyKind.PUBLIC_WELFARE))
        )
        url = reverse("company_list")
        cards += [
            {"label": "物业服务企业", "value": agg["total"], "url": url},
            {"label": "国有公益性物业企业", "value": agg["welfare"], "url": url + "?kind=public_welfare"},
        ]
    if user.has_perm("party.view_partyorg"):
        agg = party_org_list_for(user=user).aggregate(
            total=Count("id"),
            branches=Count("id", filter=Q(kind="compound_branch")),
            five=Count("id", filter=Q(kind="company_org", latest_stars=5)),
        )
        url = reverse("partyorg_list")
        cards += [
            {"label": "党组织", "value": agg["total"], "url": url},
            {"label": "小区党支部", "value": agg["branches"], "url": url + "?kind=compound_branch"},
            {"label": "五星级企业党组织", "value": agg["five"], "url": url + "?kind=company_org&stars=5"},
        ]
    if user.has_perm("party.view_redcollarsecretary"):
        cards.append(secretary_home_card(user=user, today=today))
    if user.has_perm("committees.view_ownerscommittee"):
        committees = list(committee_list_for(user=user).filter(term_start__lte=today, term_end__gte=today))
        cards += [
            {"label": "任期内业委会（物管会）", "value": len(committees), "url": reverse("committee_list")},
            {
                "label": "红色业委会",
                "value": len(red_committee_ids(committees)),
                "url": reverse("committee_list"),
            },
        ]
    if user.has_perm("registry.view_owner"):
        cards.append(
            {"label": "登记业主", "value": owner_list_for(user=user).count(), "url": reverse("owner_list")}
        )
    return cards


@login_required
def home(request):
    user = request.user
    scope = scope_of(user)
    region = region_home_for(user=user)
    if scope.company_id:
        scope_label = f"物业企业：{user.company}"
    elif scope.committee_id:
        scope_label = f"业委会：{user.committee}"
    elif scope.department_id:
        scope_label = f"职能部门：{user.department}"
    elif scope.compound_id:
        scope_label = f"小区：{user.compound}"
    elif region is not None:
        scope_label = " / ".join([*(a.name for a in region.ancestors()), region.name])
    elif scope.everything:
        scope_label = "全平台"
    else:
        scope_label = ""
    return render(
        request,
        "core/home.html",
        {
            "title": "首页",
            "scope_label": scope_label,
            "region": region,
            "cards": registry_counts_for(user) if scope_label else [],
        },
    )
