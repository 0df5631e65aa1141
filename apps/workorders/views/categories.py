"""Categories and their time limits (诉求分类与时限). Everyone at work sees the list with the
limits that apply in their city; city officials set their city's limits per urgency; the
platform administrator edits the province-wide categories. All writes go through the
category services, which check the city again."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from apps.core.scoping import scope_of, scoped
from apps.core.views import FormPage
from apps.regions.models import Region
from apps.workorders import services
from apps.workorders.choices import Urgency
from apps.workorders.models import Category, CategoryLimit
from apps.workorders.models.categories import StageLimits

LIMIT_FIELDS = ["accept_limit", "accept_unit", "sign_limit", "sign_unit", "resolve_limit", "resolve_unit"]


def category_list_for(*, user):
    return scoped(Category.objects.order_by("sort_order", "id"), user)


def category_limit_list_for(*, user):
    return scoped(CategoryLimit.objects.select_related("category"), user)


def city_of(user, request=None) -> str:
    """The city whose limits the page shows: the user's own; the administrator picks one."""
    scope = scope_of(user)
    if scope.everything:
        wanted = (request.GET.get("city") if request is not None else "") or ""
        return wanted if len(wanted) == 6 and wanted.endswith("00") and not wanted.endswith("0000") else ""
    if scope.region_prefix:
        return scope.region_code[:4] + "00"
    return ""


def can_edit_city_limits(user, city_code: str) -> bool:
    scope = scope_of(user)
    return (
        bool(city_code)
        and user.has_perm("workorders.change_categorylimit")
        and (scope.everything or len(scope.region_prefix) == 4)
    )


def effective_limits(category: Category, rows: list[CategoryLimit], urgency: str, city_code: str):
    """The limits that apply, by the lookup order of deadlines.limits_for (this city and
    urgency → all cities → for 紧急 the same chain for 一般 → the category's defaults), and the row
    they came from (None: the defaults). Tested against deadlines.limits_for."""
    by_key = {(r.urgency, r.city_code): r for r in rows if r.category_id == category.pk}
    chain = [(urgency, city_code), (urgency, "")]
    if urgency != Urgency.NORMAL:
        chain += [(Urgency.NORMAL, city_code), (Urgency.NORMAL, "")]
    for key in chain:
        if key in by_key:
            return by_key[key].stage_limits, by_key[key]
    return category.stage_limits, None


def limits_text(limits: StageLimits) -> str:
    return f"受理派单{limits.accept} · 签收{limits.sign} · 办结{limits.resolve}"


@login_required
def category_list(request):
    user = request.user
    if not user.has_perm("workorders.view_category"):
        raise PermissionDenied("您的角色无权查看诉求分类。")
    city = city_of(user, request)
    categories = list(category_list_for(user=user))
    rows = list(CategoryLimit.objects.filter(city_code__in=["", city] if city else [""]))
    table = []
    for c in categories:
        cells = []
        for urgency in Urgency.values:
            limits, row = effective_limits(c, rows, urgency, city)
            source = (
                "本市设置"
                if row is not None and row.city_code
                else ("全省设置" if row is not None else "分类默认")
            )
            cells.append({"text": limits_text(limits), "source": source, "limits": limits})
        table.append({"category": c, "cells": cells})
    cities = list(Region.objects.filter(level="city").order_by("code")) if scope_of(user).everything else []
    city_name = next((r.name for r in cities if r.code == city), "")
    if not city_name and city:
        city_name = Region.objects.filter(code=city).values_list("name", flat=True).first() or city
    return render(
        request,
        "workorders/categories.html",
        {
            "title": "诉求分类与时限",
            "table": table,
            "city": city,
            "city_name": city_name,
            "cities": cities,
            "can_edit": can_edit_city_limits(user, city),
            "is_admin": scope_of(user).everything,
        },
    )


@login_required
def category_detail(request, pk):
    user = request.user
    if not user.has_perm("workorders.view_category"):
        raise PermissionDenied("您的角色无权查看诉求分类。")
    category = category_list_for(user=user).filter(pk=pk).first()
    if category is None:
        raise Http404("未找到该分类。")
    city = city_of(user, request)
    rows = list(category_limit_list_for(user=user).filter(category=category).order_by("city_code", "urgency"))
    return render(
        request,
        "workorders/category_detail.html",
        {
            "title": f"诉求分类：{category.name}",
            "category": category,
            "defaults": limits_text(category.stage_limits),
            "rows": [(r, limits_text(r.stage_limits)) for r in rows],
            "city": city,
            "can_edit": can_edit_city_limits(user, city),
            "is_admin": scope_of(user).everything,
        },
    )


# ------------------------------------------------------------------ writes
class CategoryLimitForm(forms.ModelForm):
    class Meta:
        model = CategoryLimit
        fields = ["urgency", *LIMIT_FIELDS, "note"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class CategoryLimitCreate(FormPage):
    """A time-limit row of the user's city (the administrator: of the city in ?city=)."""

    form_class = CategoryLimitForm
    permission = "workorders.add_categorylimit"
    success_message = "本市时限已保存。"

    def get_object(self):
        self.category = (
            category_list_for(user=self.request.user).filter(pk=self.kwargs["category_pk"]).first()
        )
        if self.category is None:
            raise Http404("未找到该分类。")
        self.city = city_of(self.request.user, self.request)
        if not self.city:
            raise PermissionDenied("只能设置本市的分类时限；请先选择城市。")
        return None

    def get_title(self):
        return f"设置本市时限：{self.category.name}"

    def get_form(self, data=None, files=None):
        initial = {name: getattr(self.category, name) for name in LIMIT_FIELDS}
        return self.form_class(data, files, user=self.request.user, initial={"urgency": "normal", **initial})

    def cancel_url(self):
        return reverse("category_detail", args=[self.category.pk])

    def save(self, form):
        services.category_limit_create(
            actor=self.request.user,
            data={"category": self.category, "city_code": self.city, **form.cleaned_data},
        )
        return self.category


class CategoryLimitUpdate(FormPage):
    form_class = CategoryLimitForm
    permission = "workorders.change_categorylimit"
    success_message = "时限已修改。"
    selector = staticmethod(category_limit_list_for)

    def get_title(self):
        return f"修改时限：{self.object}"

    def cancel_url(self):
        return reverse("category_detail", args=[self.object.category_id])

    def save(self, form):
        data = {k: form.cleaned_data[k] for k in form.changed_data if k in form.cleaned_data}
        services.category_limit_update(limit=self.object, actor=self.request.user, data=data)
        return self.object.category


class CategoryLimitDelete(FormPage):
    """Confirm, then delete a city's time-limit row (the category's defaults apply again)."""

    form_class = forms.Form
    permission = "workorders.delete_categorylimit"
    template_name = "workorders/limit_delete.html"
    selector = staticmethod(category_limit_list_for)

    def get_form(self, data=None, files=None):
        return forms.Form(data)

    def render_form(self, form, status=200):
        context = {
            "object": self.object,
            "title": f"删除时限“{self.object}”",
            "errors": form.non_field_errors(),
            "cancel_url": self.cancel_url(),
        }
        return render(self.request, self.template_name, context, status=status)

    def cancel_url(self):
        return reverse("category_detail", args=[self.object.category_id])

    def save(self, form):
        services.category_limit_delete(limit=self.object, actor=self.request.user)
        self.success_message = "时限已删除，恢复使用全省或分类默认时限。"
        return self.object.category


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = [
            "name",
            "description",
            "default_handler_kind",
            "default_department_kind",
            *LIMIT_FIELDS,
            "evidence_required",
            "is_active",
            "sort_order",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class CategoryUpdate(FormPage):
    """The province-wide category and its default limits: the platform administrator only
    (the service refuses everybody else)."""

    form_class = CategoryForm
    permission = "workorders.change_category"
    success_message = "分类已修改。"
    selector = staticmethod(category_list_for)

    def get_title(self):
        return f"修改分类：{self.object}"

    def cancel_url(self):
        return reverse("category_detail", args=[self.object.pk])

    def save(self, form):
        data = {k: form.cleaned_data[k] for k in form.changed_data if k in form.cleaned_data}
        return services.category_update(category=self.object, actor=self.request.user, data=data)
