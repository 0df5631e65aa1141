"""The form of one division (a community the NBS lists lack, or a renamed one)."""

from __future__ import annotations

from django import forms

from apps.core.forms import RegionChoiceField, ScopedModelForm
from apps.core.scoping import scope_of
from apps.regions.models import Region


class RegionForm(ScopedModelForm):
    parent = RegionChoiceField(label="上级区划", queryset=Region.objects.all(), required=False)
    scoped_fields = ("parent",)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "kind", "parent", "vintage", "source"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if not self.instance._state.adding:
            self.fields["code"].disabled = True  # the code is the division's identity

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        if code and self.user is not None and not scope_of(self.user).contains_code(code):
            raise forms.ValidationError(f"区划代码“{code}”不在您的管辖范围内")
        return code

    def clean(self):
        from apps.regions.services import community_code_error

        cleaned = super().clean()
        code = cleaned.get("code") if self.instance._state.adding else self.instance.code
        message = community_code_error(code=code, level=cleaned.get("level"), kind=cleaned.get("kind"))
        if message and "code" not in self.errors:
            self.add_error("code" if self.instance._state.adding else "kind", message)
        return cleaned
