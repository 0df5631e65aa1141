from __future__ import annotations

from django import forms

from apps.core.scoping import scoped
from apps.core.views import BooleanFilter, FilterForm
from apps.regions.choices import RegionLevel
from apps.regions.models import Region
from apps.registry.choices import CompanyKind, DepartmentKind, ManagementMode, UnitKind
from apps.registry.models import PropertyCompany


class RegionFilterMixin(forms.Form):
    region = forms.ModelChoiceField(label="县区", queryset=Region.objects.none(), empty_label="全部")

    def init_region(self, user):
        self.fields["region"].queryset = scoped(Region.objects.filter(level=RegionLevel.COUNTY), user)
        if self.fields["region"].queryset.count() <= 1:
            del self.fields["region"]


class CompoundFilter(RegionFilterMixin, FilterForm):
    management_mode = forms.ChoiceField(label="管理模式", choices=[("", "全部"), *ManagementMode.choices])
    is_old = BooleanFilter(label="老旧小区")
    company = forms.ModelChoiceField(
        label="服务企业", queryset=PropertyCompany.objects.none(), empty_label="全部"
    )
    branch_eligible = BooleanFilter(label="符合建支部条件", yes="符合", no="不符合")
    lookups = {"management_mode": "management_mode", "is_old": "is_old", "company": "company"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.init_region(user)
        self.fields["company"].queryset = scoped(PropertyCompany.objects.order_by("name"), user)

    def apply(self, qs):
        qs = super().apply(qs)
        if not self.is_valid():
            return qs
        from django.conf import settings

        region = self.cleaned_data.get("region")
        if region is not None:
            qs = qs.filter(community__pk__startswith=region.prefix)
        eligible = self.cleaned_data.get("branch_eligible")
        if eligible is True:
            qs = qs.filter(resident_party_members__gte=settings.BRANCH_MIN_PARTY_MEMBERS)
        elif eligible is False:
            qs = qs.filter(resident_party_members__lt=settings.BRANCH_MIN_PARTY_MEMBERS)
        return qs


class CompanyFilter(RegionFilterMixin, FilterForm):
    kind = forms.ChoiceField(label="企业类型", choices=[("", "全部"), *CompanyKind.choices])
    lookups = {"kind": "kind"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.init_region(user)

    def apply(self, qs):
        qs = super().apply(qs)
        if self.is_valid() and self.cleaned_data.get("region") is not None:
            qs = qs.filter(region__pk__startswith=self.cleaned_data["region"].prefix)
        return qs


class DepartmentFilter(RegionFilterMixin, FilterForm):
    kind = forms.ChoiceField(label="部门类别", choices=[("", "全部"), *DepartmentKind.choices])
    lookups = {"kind": "kind"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.init_region(user)

    def apply(self, qs):
        qs = super().apply(qs)
        if self.is_valid() and self.cleaned_data.get("region") is not None:
            qs = qs.filter(region__pk__startswith=self.cleaned_data["region"].prefix)
        return qs


class UnitFilter(FilterForm):
    kind = forms.ChoiceField(label="类型", choices=[("", "全部"), *UnitKind.choices])
    lookups = {"kind": "kind"}
