"""Form helpers: scoped choice fields, masked personal data and the region picker."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from apps.core.pii import can_unmask, mask_field, pii_fields
from apps.core.scoping import scope_of, scoped


class PiiFormMixin:
    """Edit forms (pages and admin) show personal data masked to roles without the unmasked
    permission (apps/core/pii.py) and keep the stored value unless the user types a new one.

    The masked text is what the widget renders, before and after a failed submit; validation sees
    the stored value wherever the submitted text is still the masked one.
    """

    pii_user = None  # the admin sets it on the class it builds; pages pass user=

    def _pii_setup(self, user) -> None:
        self._pii_clean_data = None
        instance = getattr(self, "instance", None)
        model = getattr(getattr(self, "_meta", None), "model", None)
        if instance is None or model is None or instance.pk is None:
            return
        if can_unmask(user, model):
            # The role may see it in full: the edit form is an unmasked view, logged (RULES.md §7).
            if not self.is_bound and any(
                getattr(instance, n, "") for n in pii_fields(model) if n in self.fields
            ):
                from apps.core.services import event_record

                event_record(
                    actor=user, verb=f"{model._meta.model_name}.view_pii", obj=instance, note="编辑表单"
                )
            return
        restore = {}
        for name, _kind in pii_fields(model).items():
            if name not in self.fields:
                continue
            stored = getattr(instance, name, "") or ""
            masked = mask_field(model, name, stored)
            self.initial[name] = masked
            if stored:
                restore[self.add_prefix(name)] = (masked, stored)
        if self.is_bound and restore:
            data = self.data.copy()
            for key, (masked, stored) in restore.items():
                if (data.get(key) or "").strip() == masked:
                    data[key] = stored
            self._pii_clean_data = data

    def full_clean(self):
        clean_data = getattr(self, "_pii_clean_data", None)
        if clean_data is None:
            return super().full_clean()
        shown = self.data
        self.data = clean_data
        try:
            return super().full_clean()
        finally:
            self.data = shown


class ScopedModelForm(PiiFormMixin, forms.ModelForm):
    """A ModelForm whose foreign-key choices are limited to the user's scope.

    A forged id outside the scope is then refused by the field itself ("选择一个有效的选项").
    """

    scoped_fields: tuple[str, ...] = ()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name in self.scoped_fields:
            if name in self.fields and user is not None:
                field = self.fields[name]
                field.queryset = scoped(field.queryset, user)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"
                field.widget.format = "%Y-%m-%d"
            elif type(field.widget) is forms.Select:
                field.widget.__class__ = LongSelect  # same HTML; a scope's compounds can be thousands
        self._pii_setup(user)


class LongSelect(forms.Select):
    """A single select rendered in Python: the same HTML as Django's Select, without a template
    include per option (~0.2 ms each) — a city's region list has thousands of options."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                (
                    (str(o["value"]), flatatt({**o["attrs"], "selected": o["selected"]}), o["label"])
                    for o in options
                ),
            )
            groups.append(
                format_html('<optgroup label="{}">{}</optgroup>', group_name, html) if group_name else html
            )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe("".join(groups)),
        )


class RegionChoiceField(forms.ModelChoiceField):
    """A region select whose labels carry the path (街道 · 社区) so long lists stay readable.
    Its queryset always fetches the parent and grandparent with each region (the labels read
    them): a city's few thousand options are one query, not two per option."""

    def _set_queryset(self, queryset):
        if queryset is not None:
            queryset = queryset.select_related("parent__parent")
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)
    widget = LongSelect

    def label_from_instance(self, obj):
        parent = obj.parent
        if obj.level == "community" and parent is not None:
            county = parent.parent.name if parent.parent_id else ""
            return f"{county} {parent.name} · {obj.name}（{obj.code}）"
        return f"{obj.name}（{obj.code}）"


def user_region_prefix(user) -> str:
    return scope_of(user).region_prefix
