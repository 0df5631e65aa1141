from __future__ import annotations

from django import forms
from django.utils import timezone

from apps.core.views import BooleanFilter, FilterForm
from apps.party.choices import PartyOrgKind
from apps.party.models import in_post_q
from apps.registry.filters import RegionFilterMixin


class PartyOrgFilter(RegionFilterMixin, FilterForm):
    kind = forms.ChoiceField(label="类别", choices=[("", "全部"), *PartyOrgKind.choices])
    stars = forms.TypedChoiceField(
        label="最新星级",
        coerce=int,
        empty_value=None,
        choices=[("", "全部"), *[(str(i), f"{i}星") for i in range(5, 0, -1)]],
    )
    lookups = {"kind": "kind", "stars": "latest_stars"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.init_region(user)

    def apply(self, qs):
        qs = super().apply(qs)
        if self.is_valid() and self.cleaned_data.get("region") is not None:
            qs = qs.filter(region__pk__startswith=self.cleaned_data["region"].prefix)
        return qs


class SecretaryFilter(RegionFilterMixin, FilterForm):
    in_post = BooleanFilter(label="在岗", yes="在岗", no="已离任")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.init_region(user)

    def apply(self, qs):
        qs = super().apply(qs)
        if not self.is_valid():
            return qs
        if self.cleaned_data.get("region") is not None:
            qs = qs.filter(community__pk__startswith=self.cleaned_data["region"].prefix)
        in_post = self.cleaned_data.get("in_post")
        today = timezone.localdate()
        if in_post is True:
            qs = qs.filter(in_post_q(today))
        elif in_post is False:
            qs = qs.exclude(in_post_q(today))
        return qs
