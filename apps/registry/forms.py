"""Forms of the registry. Validation lives on the models (full_clean in services); forms add
the scoped choices and the fields that are not stored as typed (ID numbers)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from apps.core.forms import RegionChoiceField, ScopedModelForm
from apps.core.validators import check_id_number, check_mobile, normalize_mobile
from apps.regions.choices import RegionLevel
from apps.regions.models import Region
from apps.regions.selectors import community_choices_for
from apps.registry.models import Building, Compound, Department, Owner, PropertyCompany, Unit


class CompanyForm(ScopedModelForm):
    region = RegionChoiceField(
        label="注册地（县区）", queryset=Region.objects.filter(level=RegionLevel.COUNTY)
    )
    scoped_fields = ("region",)

    class Meta:
        model = PropertyCompany
        fields = ["name", "credit_code", "kind", "region", "address", "legal_representative", "contact_phone"]

    def clean_credit_code(self):
        return (self.cleaned_data.get("credit_code") or "").strip().upper()


class DepartmentForm(ScopedModelForm):
    region = RegionChoiceField(label="所属区划", queryset=Region.objects.exclude(level=RegionLevel.COMMUNITY))
    scoped_fields = ("region",)

    class Meta:
        model = Department
        fields = ["name", "kind", "region", "contact_phone"]


class CompoundForm(ScopedModelForm):
    scoped_fields = ("company",)

    class Meta:
        model = Compound
        fields = [
            "name",
            "community",
            "address",
            "latitude",
            "longitude",
            "households",
            "total_floor_area",
            "year_built",
            "is_old",
            "management_mode",
            "company",
            "resident_party_members",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["community"] = RegionChoiceField(
            label="所属社区", queryset=community_choices_for(user=user)
        )
        if self.instance.pk:
            self.fields["community"].disabled = True
            self.fields["community"].help_text = "小区编码由社区代码生成，不能改属其他社区"
        self.fields[
            "is_old"
        ].help_text = f"一般指{settings.OLD_COMPOUND_BUILT_BEFORE}年以前建成、需改造的小区"
        self.fields["company"].help_text = "市场化、兜底、大手牵小手模式必填；兜底须为国有公益性物业企业"


class BuildingForm(ScopedModelForm):
    scoped_fields = ("compound",)

    class Meta:
        model = Building
        fields = ["compound", "name", "floors", "has_lift"]


class UnitForm(ScopedModelForm):
    scoped_fields = ("building",)

    class Meta:
        model = Unit
        fields = [
            "building",
            "stair",
            "number",
            "floor",
            "kind",
            "registered_area",
            "surveyed_area",
            "contract_area",
            "developer_held",
        ]

    def clean(self):
        cleaned = super().clean()
        building = cleaned.get("building")
        if building is not None:
            self.instance.compound = building.compound
        return cleaned


class OwnerForm(ScopedModelForm):
    id_number = forms.CharField(
        label="居民身份证号",
        max_length=18,
        required=False,
        help_text="只保存不可逆的摘要和后四位，用于核对身份；留空则不修改",
    )

    class Meta:
        model = Owner
        fields = ["name", "phone", "id_number", "is_developer"]

    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip().upper()
        if value:
            message = check_id_number(value)
            if message:
                raise forms.ValidationError(message)
        return value

    def clean_phone(self):
        value = normalize_mobile(self.cleaned_data.get("phone") or "")
        if value:
            message = check_mobile(value)
            if message:
                raise forms.ValidationError(message)
        return value

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "id_number"}
        if self.cleaned_data.get("id_number"):
            data["id_number"] = self.cleaned_data["id_number"]
        return data


class OwnerUnitForm(forms.Form):
    unit = forms.ModelChoiceField(label="房屋", queryset=Unit.objects.none())
    since = forms.DateField(label="取得日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, user=None, compound=None, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.core.scoping import scoped

        qs = (
            scoped(Unit.objects.select_related("building"), user) if user is not None else Unit.objects.none()
        )
        if compound is not None:
            qs = qs.filter(compound=compound)
        self.fields["unit"].queryset = qs
