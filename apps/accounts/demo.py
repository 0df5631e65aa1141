"""Demo step: one user per role (and a superuser), all with settings.DEMO_PASSWORD.

`demo_logins()` lists them for `make run` and the end of `seed_demo`.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.contrib.auth.hashers import make_password

from apps.accounts.models import User
from apps.accounts.services import user_create
from apps.core import names
from apps.core.demo import (
    HEZE,
    LINYI,
    LUOZHUANG,
    LUOZHUANG_BIG_COMPANY,
    SHENGZHUANG,
    WANTONG,
    WANTONG_COMPOUND,
)
from apps.core.errors import DomainError
from apps.core.roles import Role

DEMO_USERNAMES = (
    "linyi_city",
    "luozhuang_county",
    "shengzhuang_street",
    "wantong_community",
    "company_staff",
    "committee_member",
    "department_handler",
    "resident",
    "heze_city",
    "admin",
)
DEMO_DEPARTMENT = "罗庄区住房和城乡建设局"
WANTONG_SECRETARY = "姚强"  # 万通社区党组织书记, 区派红领书记 (the article)


@functools.cache
def _hash_of(password: str) -> str:
    return make_password(password)


def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once (the default hasher, full strength) for every demo user: the
    password is public and the same for all, so one salt for all hides nothing, and each hash
    costs ~0.25 s of CPU."""
    return _hash_of(settings.DEMO_PASSWORD)


def check_demo_password() -> None:
    """Demo users with a publicly known password must never appear on a production server."""
    if not settings.DEBUG and settings.DEMO_PASSWORD == settings.INSECURE_DEFAULT_DEMO_PASSWORD:
        raise DomainError(
            "DEBUG 已关闭（生产环境），不能用默认演示密码创建演示账号：请先设置环境变量 DEMO_PASSWORD。"
        )


def seed(*, rng, today, log) -> None:
    from apps.committees.models import OwnersCommittee
    from apps.regions.models import Region
    from apps.registry.models import Compound, Department, OwnerUnit, PropertyCompany
    from apps.registry.services import owner_update

    check_demo_password()
    regions = Region.objects.in_bulk([LINYI, LUOZHUANG, SHENGZHUANG, WANTONG, HEZE])
    wantong = Compound.objects.get(name=WANTONG_COMPOUND, community_id=WANTONG)
    committee = (
        OwnersCommittee.objects.filter(compound=wantong, kind="owners_committee")
        .order_by("-term_start")
        .first()
    )
    # The resident is the owner of 1号楼1单元101.
    link = (
        OwnerUnit.objects.select_related("owner")
        .filter(unit__compound=wantong, owner__is_developer=False)
        .order_by("unit__building__name", "unit__stair", "unit__number", "owner_id")
        .first()
    )
    specs = {
        "linyi_city": dict(role=Role.CITY, region=regions[LINYI]),
        "luozhuang_county": dict(role=Role.COUNTY, region=regions[LUOZHUANG]),
        "shengzhuang_street": dict(role=Role.STREET, region=regions[SHENGZHUANG]),
        "wantong_community": dict(role=Role.COMMUNITY, region=regions[WANTONG], full_name=WANTONG_SECRETARY),
        "company_staff": dict(
            role=Role.COMPANY, company=PropertyCompany.objects.get(name=LUOZHUANG_BIG_COMPANY)
        ),
        "committee_member": dict(role=Role.COMMITTEE, committee=committee),
        "department_handler": dict(
            role=Role.DEPARTMENT, department=Department.objects.get(name=DEMO_DEPARTMENT, region_id=LUOZHUANG)
        ),
        "resident": dict(
            role=Role.RESIDENT, compound=wantong, full_name=link.owner.name, phone=link.owner.phone
        ),
        "heze_city": dict(role=Role.CITY, region=regions[HEZE]),
        "admin": dict(role="", full_name="系统管理员", is_superuser=True, is_staff=True),
    }
    for username in DEMO_USERNAMES:
        fields = specs[username]
        fields.setdefault("full_name", names.person_name(rng))
        if "phone" not in fields:
            fields["phone"] = names.mobile(rng)
        user = user_create(
            actor=None,
            username=username,
            password=None,
            password_hash=demo_password_hash(),
            is_generated=True,
            **fields,
        )
        if username == "resident":
            owner_update(owner=link.owner, actor=None, data={"user": user})
    log(f"演示账号 {len(DEMO_USERNAMES)} 个（{'、'.join(DEMO_USERNAMES)}）")


def _scope_label(user: User) -> str:
    if user.is_superuser:
        return "全部数据"
    for attr in ("region", "company", "committee", "department", "compound"):
        value = getattr(user, attr)
        if value is not None:
            return str(value)
    return ""


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, role label, scope) of each demo user that exists, in a fixed order."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=DEMO_USERNAMES, is_generated=True).select_related(
            "region", "company", "committee__compound", "department", "compound"
        )
    }
    return [
        (
            username,
            "超级管理员" if users[username].is_superuser else users[username].get_role_display(),
            _scope_label(users[username]),
        )
        for username in DEMO_USERNAMES
        if username in users
    ]


def demo_login_lines() -> list[str]:
    """The demo logins as printed by seed_demo and demo_logins (`make run`)."""
    logins = demo_logins()
    if not logins:
        return ["尚未生成演示账号：请先运行 manage.py seed_demo"]
    width = max(len(username) for username, _, _ in logins)
    return [f"演示账号（密码均为 {settings.DEMO_PASSWORD}）："] + [
        f"  {username.ljust(width)}  {role}  {scope}" for username, role, scope in logins
    ]
