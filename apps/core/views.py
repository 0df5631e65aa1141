"""Generic pages every app builds on: a scoped list (search, filters, sorting, pagination,
Excel export, empty state), a detail page with the audit timeline, and create/update/delete
pages that call one service. Subclasses declare; they do not re-implement."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.views import View

from apps.core.audit import field_label
from apps.core.errors import DomainError
from apps.core.excel import xlsx_response
from apps.core.models import Event
from apps.core.pii import mask_changes, scrub_text
from apps.core.scoping import get_scoped_or_404


# ------------------------------------------------------------------ columns
@dataclass
class Column:
    """One column of a list: the same header and value on screen and in the Excel export."""

    header: str
    value: str | Callable[[Any], Any]
    sort: str | None = None
    link: bool = False
    css: str = ""
    display: Callable[[Any], Any] | None = None  # screen-only rendering (tags, links)
    export: bool = True

    def raw(self, obj):
        if callable(self.value):
            return self.value(obj)
        current = obj
        for part in self.value.split("."):
            if current is None:
                return None
            current = getattr(current, part)
            if callable(current) and not hasattr(current, "all"):
                current = current()
        return current

    def cell(self, obj):
        value = self.display(obj) if self.display else self.raw(obj)
        if value is None or value == "":
            value = "—"
        elif isinstance(value, bool):
            value = "是" if value else "否"
        if self.link and hasattr(obj, "get_absolute_url"):
            return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), value)
        return value


def tag(text, kind: str = ""):
    return format_html('<span class="tag {}">{}</span>', f"tag-{kind}" if kind else "", text)


def generated_tag(obj):
    return tag("演示", "gen") if getattr(obj, "is_generated", False) else ""


# ------------------------------------------------------------------ filters
class FilterForm(forms.Form):
    """A GET form of optional filters; `apply` narrows the queryset with its cleaned data.

    Fields map to lookups through `lookups` ({field name: ORM lookup}); anything more complex
    overrides `apply`. Choice querysets are scoped in `__init__(user=...)` by subclasses.
    """

    lookups: dict[str, str] = {}

    def __init__(self, data=None, *, user=None, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user
        for field in self.fields.values():
            field.required = False

    def apply(self, qs: QuerySet) -> QuerySet:
        if not self.is_valid():
            return qs
        for name, lookup in self.lookups.items():
            value = self.cleaned_data.get(name)
            if value in (None, "", []):
                continue
            if isinstance(self.fields[name], forms.NullBooleanField | forms.TypedChoiceField) and value in (
                "",
                None,
            ):
                continue
            qs = qs.filter(**{lookup: value})
        return qs


class BooleanFilter(forms.TypedChoiceField):
    def __init__(self, *, label, yes="是", no="否", **kwargs):
        super().__init__(
            label=label,
            choices=[("", "全部"), ("1", yes), ("0", no)],
            coerce=lambda v: v == "1",
            empty_value=None,
            **kwargs,
        )


# ------------------------------------------------------------------ scoped reads
class SelectorMixin:
    """Pages read through one selector, `selector(user=...)`, already scoped to the user."""

    selector: Callable[..., QuerySet] | None = None

    def get_queryset(self) -> QuerySet:
        if self.selector is None:
            raise NotImplementedError("set `selector` or override get_queryset()")
        return type(self).selector(user=self.request.user)

    def get_scoped_object(self):
        """The object named by the URL inside the user's scope, else 404."""
        return get_scoped_or_404(self.get_queryset(), self.request.user, pk=self.kwargs["pk"])


# ------------------------------------------------------------------ list
class ListPage(SelectorMixin, LoginRequiredMixin, View):
    title = ""
    permission = ""
    columns: list[Column] = []
    search_fields: tuple[str, ...] = ()
    search_placeholder = "搜索名称"
    filter_form: type[FilterForm] | None = None
    default_ordering: tuple[str, ...] = ()
    export_name = ""
    create_url_name = ""
    create_permission = ""
    import_url_name = ""
    import_permission = ""
    empty_title = "暂无记录"
    empty_text = "当前范围内没有符合条件的记录。"
    template_name = "core/list.html"
    intro = ""

    def get_columns(self) -> list[Column]:
        return self.columns

    def check_permission(self):
        if self.permission and not self.request.user.has_perm(self.permission):
            raise PermissionDenied("您的角色无权查看此页面。")

    def filtered(self):
        qs = self.get_queryset()
        q = (self.request.GET.get("q") or "").strip()
        if q and self.search_fields:
            cond = Q()
            for f in self.search_fields:
                cond |= Q(**{f: q})
            qs = qs.filter(cond)
        form = None
        if self.filter_form:
            form = self.filter_form(self.request.GET or None, user=self.request.user)
            qs = form.apply(qs)
        sort = self.request.GET.get("sort") or ""
        allowed = {c.sort for c in self.get_columns() if c.sort}
        if sort.lstrip("-") in allowed:
            qs = qs.order_by(sort, "pk")
        elif self.default_ordering:
            qs = qs.order_by(*self.default_ordering)
        return qs, form, q, sort

    def get(self, request, *args, **kwargs):
        self.check_permission()
        qs, form, q, sort = self.filtered()
        if request.GET.get("export") == "xlsx" and self.export_name:
            return self.export(qs)
        paginator = Paginator(qs, settings.LIST_PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        sort_query = query.copy()
        sort_query.pop("sort", None)
        columns = self.get_columns()
        headers = []
        for c in columns:
            next_sort = None
            if c.sort:
                next_sort = f"-{c.sort}" if sort == c.sort else c.sort
            headers.append(
                {
                    "header": c.header,
                    "sort": next_sort,
                    "css": c.css,
                    "active": sort.lstrip("-") == c.sort if c.sort else False,
                    "desc": sort.startswith("-"),
                }
            )
        rows = [[(c.cell(obj), c.css) for c in columns] for obj in page.object_list]
        context = {
            "title": self.title,
            "intro": self.intro,
            "headers": headers,
            "rows": rows,
            "page": page,
            "paginator": paginator,
            "form": form,
            "q": q,
            "search_enabled": bool(self.search_fields),
            "search_placeholder": self.search_placeholder,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "export_enabled": bool(self.export_name),
            "create_url": reverse(self.create_url_name)
            if self.create_url_name and request.user.has_perm(self.create_permission)
            else "",
            "import_url": reverse(self.import_url_name)
            if self.import_url_name and request.user.has_perm(self.import_permission)
            else "",
            "empty_title": self.empty_title,
            "empty_text": self.empty_text,
            **self.extra_context(),
        }
        if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "list-results":
            return render(request, "core/_list_results.html", context)
        return render(request, self.template_name, context)

    def extra_context(self) -> dict:
        return {}

    def export(self, qs):
        cols = [c for c in self.get_columns() if c.export]
        limit = settings.EXPORT_MAX_ROWS
        total = qs.count()
        if total > limit:
            messages.error(
                self.request, f"符合条件的记录有 {total} 条，超过单次导出上限 {limit} 条，请先筛选。"
            )
            query = self.request.GET.copy()
            query.pop("export", None)
            return HttpResponseRedirect(f"{self.request.path}?{query.urlencode()}")
        rows = ([c.raw(obj) for c in cols] for obj in qs.iterator(chunk_size=2000))
        return xlsx_response(self.export_name, [c.header for c in cols], rows, sheet_title=self.title)


# ------------------------------------------------------------------ detail
@dataclass
class Section:
    title: str
    columns: list[Column]
    rows: list
    empty: str = "暂无"
    more_url: str = ""
    more_count: int = 0

    def table(self):
        return [[(c.cell(obj), c.css) for c in self.columns] for obj in self.rows]


def timeline_for(obj, limit: int = 50) -> list[Event]:
    ct = ContentType.objects.get_for_model(obj, for_concrete_model=True)
    return list(
        Event.objects.filter(content_type=ct, object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )


HIDDEN_IN_TIMELINE = {"id", "is_generated", "code"}


def _display_value(model, name, value, cache: dict):
    """A stored audit value as a person reads it: labels for choices, 是/否, names for links."""
    if value in (None, "", []):
        return "（空）"
    try:
        field = model._meta.get_field(name)
    except Exception:
        return value
    if getattr(field, "choices", None):
        return dict(field.choices).get(value, value)
    if isinstance(value, bool):
        return "是" if value else "否"
    related = getattr(field, "related_model", None)
    if related is not None:
        values = value if isinstance(value, list) else [value]
        names = []
        for v in values:
            key = (related, str(v))
            if key not in cache:
                obj = related._default_manager.filter(pk=v).first()
                cache[key] = str(obj) if obj is not None else f"#{v}"
            names.append(cache[key])
        return "、".join(names)
    return value


def describe_changes(model, changes: dict, cache: dict | None = None) -> list[str]:
    """The lines of the 操作记录 block. Personal data is always masked here (apps/core/pii.py):
    the unmasked view is the object's own logged reveal, never its history."""
    cache = {} if cache is None else cache
    changes = mask_changes(model, changes)
    out = []
    for name, pair in changes.items():
        if name in HIDDEN_IN_TIMELINE:
            continue
        label = field_label(model, name)
        if isinstance(pair, list) and len(pair) == 2:
            before, after = pair
            if before in (None, "", []):
                if after in (None, "", [], False):
                    continue  # an empty field on creation says nothing
                out.append(f"{label}：{_display_value(model, name, after, cache)}")
            else:
                out.append(
                    f"{label}：{_display_value(model, name, before, cache)} → {_display_value(model, name, after, cache)}"
                )
        else:
            out.append(f"{label}：{pair}")
        if len(out) >= 12:
            break
    return out


class DetailPage(SelectorMixin, LoginRequiredMixin, View):
    permission = ""
    template_name = "core/detail.html"
    edit_url_name = ""
    edit_permission = ""
    delete_url_name = ""
    delete_permission = ""
    list_url_name = ""
    list_title = ""

    def get_object(self):
        return self.get_scoped_object()

    def fields(self, obj) -> list[tuple[str, Any]]:
        return []

    def sections(self, obj) -> list[Section]:
        return []

    def extra_context(self, obj) -> dict:
        return {}

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied("您的角色无权查看此页面。")
        user = request.user
        from apps.core.contributions import page_panels

        contributed = page_panels(obj._meta.label_lower, user=user, obj=obj)
        events = timeline_for(obj)
        cache: dict = {}
        for e in events:
            e.note = scrub_text(e.note)
            e.change_lines = describe_changes(
                type(obj), e.changes if isinstance(e.changes, dict) else {}, cache
            )
        context = {
            "title": str(obj),
            "object": obj,
            "fields": [
                (label, "—" if v in (None, "") else ("是" if v is True else "否" if v is False else v))
                for label, v in self.fields(obj)
            ],
            "sections": [
                (s, s.table())
                for s in [*self.sections(obj), *(p for p in contributed if isinstance(p, Section))]
            ],
            "panels": [p for p in contributed if not isinstance(p, Section)],
            "events": events,
            "edit_url": reverse(self.edit_url_name, args=[obj.pk])
            if self.edit_url_name and user.has_perm(self.edit_permission)
            else "",
            "delete_url": reverse(self.delete_url_name, args=[obj.pk])
            if self.delete_url_name and user.has_perm(self.delete_permission)
            else "",
            "list_url": reverse(self.list_url_name) if self.list_url_name else "",
            "list_title": self.list_title,
        }
        context.update(self.extra_context(obj))
        return render(request, self.template_name, context)


# ------------------------------------------------------------------ forms
def apply_validation_error(form: forms.Form, exc: ValidationError) -> None:
    """Attach a service's ValidationError to the form, field by field where possible."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                message = " ".join(error.messages)
                if target is None and field != "__all__":
                    message = f"{field_label(form._meta.model, field) if hasattr(form, '_meta') else field}：{message}"
                form.add_error(target, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Attach a service's DomainError to the form: its field errors on the fields the form has,
    else its one message above the form."""
    own = {name: errors for name, errors in exc.field_errors.items() if name in form.fields}
    if not own:
        form.add_error(None, exc.message)
        return
    for name, errors in own.items():
        for error in errors:
            form.add_error(name, error)
    for name, errors in exc.field_errors.items():
        if name not in own:
            for error in errors:
                form.add_error(None, error)


class FormPage(SelectorMixin, LoginRequiredMixin, View):
    """Create or update through one service. Subclasses set form_class and implement `save`."""

    form_class: type[forms.BaseForm]
    permission = ""
    template_name = "core/form.html"
    title = ""
    success_message = "已保存。"
    cancel_url_name = ""
    multipart = False
    # Fields an empty form takes from the query string (a link "登记楼栋" on a compound's page
    # is .../new/?compound=<pk>); the form's own choices still decide what is valid.
    initial_from_query: tuple[str, ...] = ()

    def check_permission(self):
        if self.permission and not self.request.user.has_perm(self.permission):
            raise PermissionDenied("您的角色无权执行此操作。")

    def get_object(self):
        """Update pages (a `pk` in the URL and a selector) edit that object; create pages none."""
        if "pk" in self.kwargs and self.selector is not None:
            return self.get_scoped_object()
        return None

    def get_form(self, data=None, files=None):
        kwargs = {"user": self.request.user}
        obj = getattr(self, "object", None)
        if obj is not None and issubclass(self.form_class, forms.ModelForm):
            # A ModelForm writes cleaned values onto its instance while validating; give it a
            # copy so that the service still sees the stored values and records the change.
            kwargs["instance"] = type(obj).objects.get(pk=obj.pk)
        form = self.form_class(data, files, **kwargs)
        if data is None:
            for name in self.initial_from_query:
                if self.request.GET.get(name):
                    form.initial[name] = self.request.GET[name]
        return form

    def save(self, form):
        raise NotImplementedError

    def get_title(self):
        return self.title

    def cancel_url(self):
        obj = getattr(self, "object", None)
        if obj is not None and hasattr(obj, "get_absolute_url"):
            return obj.get_absolute_url()
        return reverse(self.cancel_url_name) if self.cancel_url_name else reverse("home")

    def render_form(self, form, status=200):
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "title": self.get_title(),
                "cancel_url": self.cancel_url(),
                "multipart": self.multipart,
                "object": getattr(self, "object", None),
            },
            status=status,
        )

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_object()  # 404 before 403: outsiders never learn the object exists
        self.check_permission()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.get_form())

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                obj = self.save(form)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(
                    obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else self.cancel_url()
                )
        return self.render_form(form, status=400)


class DeletePage(SelectorMixin, LoginRequiredMixin, View):
    """Confirm, then delete through one service."""

    permission = ""
    template_name = "core/confirm_delete.html"
    success_url_name = ""

    def delete(self, obj):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.object = self.get_scoped_object()
        if self.permission and not request.user.has_perm(self.permission):
            raise PermissionDenied("您的角色无权删除此记录。")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return render(request, self.template_name, {"object": self.object, "title": f"删除“{self.object}”"})

    def post(self, request, *args, **kwargs):
        try:
            self.delete(self.object)
        except DomainError as exc:
            messages.error(request, exc.message)
            return HttpResponseRedirect(self.object.get_absolute_url())
        messages.success(request, f"已删除“{self.object}”。")
        return HttpResponseRedirect(reverse(self.success_url_name))


def htmx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def healthz(request):
    """Liveness for load balancers and the benchmark baseline: the whole middleware stack, no
    database query, no template."""
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain; charset=utf-8")
