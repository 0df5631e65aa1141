"""Form helpers: scoped choice fields and the region picker."""

from __future__ import annotations

from django import forms

from apps.core.scoping import scope_of, scoped


class ScopedModelForm(forms.ModelForm):
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


class RegionChoiceField(forms.ModelChoiceField):
    """A region select whose labels carry the path (街道 · 社区) so long lists stay readable."""

    def label_from_instance(self, obj):
        parent = obj.parent
        if obj.level == "community" and parent is not None:
            county = parent.parent.name if parent.parent_id else ""
            return f"{county} {parent.name} · {obj.name}（{obj.code}）"
        return f"{obj.name}（{obj.code}）"


def user_region_prefix(user) -> str:
    return scope_of(user).region_prefix
