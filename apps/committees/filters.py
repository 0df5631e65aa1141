from __future__ import annotations

from django import forms

from apps.committees.choices import CommitteeKind
from apps.core.views import FilterForm
from apps.registry.filters import RegionFilterMixin


class CommitteeFilter(RegionFilterMixin, FilterForm):
    kind = forms.ChoiceField(label="类别", choices=[("", "全部"), *CommitteeKind.choices])
    lookups = {"kind": "kind"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.init_region(user)

    def apply(self, qs):
        qs = super().apply(qs)
        if self.is_valid() and self.cleaned_data.get("region") is not None:
            qs = qs.filter(compound__community__pk__startswith=self.cleaned_data["region"].prefix)
        return qs
