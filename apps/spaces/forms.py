from __future__ import annotations

import datetime

from django import forms

from apps.core.forms import ScopedModelForm
from apps.core.views import FilterForm
from apps.spaces.choices import (
    BookingStatus,
    DocumentKind,
    HandoverTo,
    RecoveryStatus,
    RoomUse,
    SpaceKind,
    SpaceStatus,
)
from apps.spaces.models import PublicSpace, RecoveryCase, Room, ServiceCentre, SpaceRules
from apps.voting.choices import DecisionStatus


def date_picker():
    """A phone's date picker: <input type=date> needs ISO dates, whatever the locale."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


WEEKDAY_CHOICES = [(i, f"周{c}") for i, c in enumerate("一二三四五六日")]


class SpaceForm(ScopedModelForm):
    scoped_fields = ("compound", "owners_decision")

    class Meta:
        model = PublicSpace
        fields = [
            "compound",
            "kind",
            "name",
            "room_type",
            "building",
            "floor",
            "above_ground",
            "has_lift",
            "is_residential",
            "floor_area",
            "clear_height",
            "status",
            "occupant_kind",
            "occupant_name",
            "occupied_since",
            "converted_use",
            "converted_decision",
            "owners_decision",
            "note",
        ]
        widgets = {"occupied_since": forms.DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Published decisions only (the service refuses one of another compound or not passed);
        # on the edit page, those of the space's compound.
        field = self.fields["owners_decision"]
        field.queryset = field.queryset.filter(status=DecisionStatus.PUBLISHED).select_related("compound")
        if self.instance.pk:
            field.queryset = field.queryset.filter(compound_id=self.instance.compound_id)
        field.label_from_instance = lambda d: f"{d.compound.name}：{d.title}"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="文件类别", choices=DocumentKind.choices)
    title = forms.CharField(label="标题", max_length=100)
    file = forms.FileField(label="文件", help_text="PDF 或图片（JPG、PNG），不超过10MB")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class RecoveryForm(ScopedModelForm):
    scoped_fields = ("compound", "space")

    class Meta:
        model = RecoveryCase
        fields = [
            "compound",
            "space",
            "occupant_kind",
            "occupant_name",
            "occupied_area",
            "occupied_since",
            "found_on",
        ]
        widgets = {"occupied_since": forms.DateInput(), "found_on": forms.DateInput()}


class ActForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(label="参与部门", queryset=None)
    started_on = forms.DateField(label="联合清理开始", widget=date_picker())
    ended_on = forms.DateField(label="联合清理结束", required=False, widget=date_picker())
    note = forms.CharField(label="联合清理情况", max_length=300, required=False)

    def __init__(self, *args, user=None, compound=None, **kwargs):
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        from apps.registry.models import Department

        qs = Department.objects.order_by("region_id", "name")
        if compound is not None:  # the compound's county and city departments join the action
            code = compound.community_id
            qs = qs.filter(Q(region__pk__startswith=code[:6]) | Q(region_id=code[:4] + "00"))
        self.fields["departments"].queryset = qs


class RecoverForm(forms.Form):
    recovered_on = forms.DateField(label="收回日期", widget=date_picker())
    recovered_area = forms.DecimalField(
        label="收回面积（㎡）", required=False, max_digits=10, decimal_places=2
    )
    assessed_value = forms.DecimalField(
        label="评估价值（元）", required=False, max_digits=14, decimal_places=2
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class HandOverForm(forms.Form):
    handed_to = forms.ChoiceField(label="移交对象", choices=HandoverTo.choices)
    handed_to_name = forms.CharField(label="接收组织", max_length=100)
    handed_over_on = forms.DateField(label="移交日期", widget=date_picker())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ConvertForm(forms.Form):
    centre = forms.ModelChoiceField(label="建成的服务中心", queryset=ServiceCentre.objects.none())
    converted_on = forms.DateField(label="建成日期", widget=date_picker())

    def __init__(self, *args, user=None, compound=None, **kwargs):
        super().__init__(*args, **kwargs)
        if compound is not None:
            self.fields["centre"].queryset = ServiceCentre.objects.filter(compound=compound)


class CentreForm(ScopedModelForm):
    scoped_fields = ("compound", "space")

    class Meta:
        model = ServiceCentre
        fields = ["compound", "name", "space", "managed_by"]


class RoomForm(ScopedModelForm):
    uses = forms.MultipleChoiceField(
        label="用途", choices=RoomUse.choices, widget=forms.CheckboxSelectMultiple
    )
    open_weekdays = forms.TypedMultipleChoiceField(
        label="开放日", choices=WEEKDAY_CHOICES, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Room
        fields = [
            "name",
            "uses",
            "capacity",
            "opens_at",
            "closes_at",
            "open_weekdays",
            "requires_approval",
            "is_active",
        ]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}),
            "closes_at": forms.TimeInput(attrs={"type": "time"}),
        }


class RulesForm(ScopedModelForm):
    class Meta:
        model = SpaceRules
        fields = [
            "region",
            "property_permille_min",
            "property_permille_max",
            "property_min_area",
            "committee_office_min_area",
            "government_min_area",
            "community_area_per_100_households",
            "min_clear_height",
            "max_floor_without_lift",
            "source",
        ]


class BookingForm(forms.Form):
    day = forms.DateField(label="日期", widget=date_picker())
    start = forms.TimeField(label="开始", widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    end = forms.TimeField(label="结束", widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    use = forms.ChoiceField(label="用途")
    title = forms.CharField(label="活动名称", max_length=60)
    group_name = forms.CharField(label="团体（可不填）", max_length=60, required=False)
    attendees = forms.IntegerField(label="人数", min_value=1, initial=1)

    def __init__(self, *args, room: Room, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(RoomUse.choices)
        self.fields["use"].choices = [(u, labels.get(u, u)) for u in room.uses]


class SeriesForm(forms.Form):
    weekday = forms.TypedChoiceField(label="每周", choices=WEEKDAY_CHOICES, coerce=int)
    start = forms.TimeField(label="开始", widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    end = forms.TimeField(label="结束", widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    first_date = forms.DateField(label="首次日期", widget=date_picker())
    last_date = forms.DateField(label="截止日期", widget=date_picker())
    use = forms.ChoiceField(label="用途")
    title = forms.CharField(label="活动名称", max_length=60)
    group_name = forms.CharField(label="团体", max_length=60, required=False)
    attendees = forms.IntegerField(label="人数", min_value=1, initial=10)
    on_conflict = forms.ChoiceField(
        label="遇到冲突",
        choices=[("skip", "跳过冲突的周次"), ("refuse", "整体不预约")],
        initial="skip",
    )

    def __init__(self, *args, room: Room, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(RoomUse.choices)
        self.fields["use"].choices = [(u, labels.get(u, u)) for u in room.uses]


class SpaceFilter(FilterForm):
    kind = forms.ChoiceField(label="类别", choices=[("", "全部"), *SpaceKind.choices])
    status = forms.ChoiceField(label="使用状态", choices=[("", "全部"), *SpaceStatus.choices])
    lookups = {"kind": "kind", "status": "status"}


class RecoveryFilter(FilterForm):
    status = forms.ChoiceField(label="进展", choices=[("", "全部"), *RecoveryStatus.choices])
    year = forms.IntegerField(label="收回年份", min_value=2000, max_value=2100)
    lookups = {"status": "status", "year": "recovered_on__year"}


class BookingFilter(FilterForm):
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *BookingStatus.choices])
    mine = forms.BooleanField(label="只看我的")
    lookups = {"status": "status"}

    def apply(self, qs):
        qs = super().apply(qs)
        if self.is_valid() and self.cleaned_data.get("mine") and self.user is not None:
            qs = qs.filter(booker=self.user)
        return qs


def day_or_today(value: str | None, today: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value) if value else today
    except ValueError:
        return today
