"""Writes to categories and their time limits. The province-wide list and defaults are for
superusers; a city official edits the limits of their own city (CategoryLimit rows)."""

from __future__ import annotations

from django.db import transaction

from apps.core.errors import ForbiddenError
from apps.core.scoping import scope_of
from apps.core.services import record_create, record_delete, record_update
from apps.workorders.deadlines import limits_cache_clear
from apps.workorders.models import Category, CategoryLimit
from apps.workorders.selectors import categories_cache_clear


def _changed() -> None:
    for clear in (limits_cache_clear, categories_cache_clear):
        clear()
        transaction.on_commit(clear)


def _check_city(actor, city_code: str, perm: str) -> None:
    if actor is None:
        return
    if not actor.has_perm(perm):
        raise ForbiddenError("您没有修改诉求分类时限的权限")
    scope = scope_of(actor)
    if scope.everything:
        return
    if not city_code or not city_code.startswith(scope.region_prefix[:4]) or len(scope.region_prefix) != 4:
        raise ForbiddenError("只能设置本市的分类时限；全省默认时限由平台管理员设置")


def category_create(*, actor, data: dict) -> Category:
    if actor is not None and not scope_of(actor).everything:
        raise ForbiddenError("诉求分类由平台管理员维护；市级可设置本市的时限")
    category = record_create(model=Category, data=data, actor=actor)
    _changed()
    return category


def category_update(*, category: Category, actor, data: dict) -> Category:
    if actor is not None and not scope_of(actor).everything:
        raise ForbiddenError("诉求分类由平台管理员维护；市级可设置本市的时限")
    category = record_update(obj=category, data=data, actor=actor)
    _changed()
    return category


@transaction.atomic
def category_limit_create(*, actor, data: dict) -> CategoryLimit:
    _check_city(actor, data.get("city_code", ""), "workorders.add_categorylimit")
    limit = record_create(model=CategoryLimit, data=data, actor=actor)
    _changed()
    return limit


@transaction.atomic
def category_limit_update(*, limit: CategoryLimit, actor, data: dict) -> CategoryLimit:
    _check_city(actor, limit.city_code, "workorders.change_categorylimit")
    if "city_code" in data:
        _check_city(actor, data["city_code"], "workorders.change_categorylimit")
    limit = record_update(obj=limit, data=data, actor=actor)
    _changed()
    return limit


@transaction.atomic
def category_limit_delete(*, limit: CategoryLimit, actor) -> None:
    _check_city(actor, limit.city_code, "workorders.delete_categorylimit")
    record_delete(obj=limit, actor=actor)
    _changed()
