"""Forms of the campaign pages: they parse input; the services decide."""

from __future__ import annotations

from django import forms

from apps.campaigns.choices import FundingSource, Handling, Severity, UnitKind
from apps.campaigns.models import Project
from apps.regions.models import Region


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    widget = MultiFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"accept": "image/*", "multiple": True})

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        return value.strftime("%Y-%m-%dT%H:%M") if hasattr(value, "strftime") else value


class CampaignForm(forms.Form):
    name = forms.CharField(label="行动名称", max_length=100, initial="大排查、解难题、暖万家")
    start_date = forms.DateField(label="开始日期", widget=DateInput)
    end_date = forms.DateField(label="结束日期", widget=DateInput)
    regions = forms.ModelMultipleChoiceField(
        label="排查范围", queryset=Region.objects.none(), help_text="按住Ctrl可多选县区或街道"
    )
    checklist = forms.CharField(
        label="排查清单",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="每行一项",
        initial="道路和地面是否完好\n停车秩序是否规范\n房屋有无漏水\n垃圾是否及时清运\n消防通道是否畅通",
    )
    description = forms.CharField(label="工作要求", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, region=None, **kwargs):
        super().__init__(*args, **kwargs)
        if region is not None:
            self.fields["regions"].queryset = Region.objects.filter(
                code__startswith=region.prefix, level__in=["county", "street"]
            ).order_by("code")


class InspectionForm(forms.Form):
    """The phone form: a compound, every checklist item answered, and the first problem found."""

    compound = forms.ModelChoiceField(label="小区", queryset=None, empty_label="请选择小区")
    note = forms.CharField(label="总体情况", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    problem = forms.CharField(label="发现的问题", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label="小区内位置", required=False, max_length=100)
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices, initial=Severity.MEDIUM)
    suggested_handling = forms.ChoiceField(
        label="建议处置方式", choices=Handling.choices, initial=Handling.PROJECT
    )
    photos = MultiFileField(label="问题照片")

    def __init__(self, *args, compounds, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=item.text,
                choices=[("1", "合格"), ("0", "不合格")],
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect,
            )
            self.fields[f"item_{item.pk}_note"] = forms.CharField(
                label="说明", required=False, max_length=200
            )

    def answers(self) -> dict:
        return {
            str(i.pk): {
                "ok": self.cleaned_data[f"item_{i.pk}"],
                "note": self.cleaned_data[f"item_{i.pk}_note"],
            }
            for i in self.items
        }

    def item_rows(self):
        return [(self[f"item_{i.pk}"], self[f"item_{i.pk}_note"]) for i in self.items]


class ProblemForm(forms.Form):
    description = forms.CharField(label="问题描述", widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label="小区内位置", required=False, max_length=100)
    severity = forms.ChoiceField(label="严重程度", choices=Severity.choices, initial=Severity.MEDIUM)
    suggested_handling = forms.ChoiceField(
        label="建议处置方式", choices=Handling.choices, initial=Handling.PROJECT
    )
    photos = MultiFileField(label="问题照片")


class ToWorkorderForm(forms.Form):
    category = forms.ModelChoiceField(label="诉求分类", queryset=None, empty_label="请选择")
    reporter_phone = forms.CharField(
        label="回访手机号",
        max_length=11,
        required=False,
        help_text="代报诉求须留回访电话；不填则用排查人的手机号",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.workorders.models import Category

        self.fields["category"].queryset = Category.objects.filter(is_active=True).order_by("pk")


class ToProjectForm(forms.Form):
    name = forms.CharField(label="项目名称", max_length=100)


class MergeForm(forms.Form):
    project = forms.ModelChoiceField(label="并入项目", queryset=Project.objects.none(), empty_label="请选择")

    def __init__(self, *args, projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        if projects is not None:
            self.fields["project"].queryset = projects


class SubItemForm(forms.Form):
    name = forms.CharField(label="子项目名称", max_length=100)
    responsible_kind = forms.ChoiceField(
        label="责任单位类型", choices=UnitKind.choices, initial=UnitKind.COMPANY
    )
    responsible_unit = forms.CharField(label="责任单位", max_length=100, required=False)
    budget = forms.CharField(label="预算（元）", initial="0")
    funding_source = forms.ChoiceField(label="资金来源", choices=FundingSource.choices)
    planned_start = forms.DateField(label="计划开工日期", widget=DateInput)
    planned_finish = forms.DateField(label="计划完工日期", widget=DateInput)


class ProgressForm(forms.Form):
    note = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 2}))
    completes = forms.BooleanField(label="已完工，申请验收", required=False)
    before_photos = MultiFileField(label="施工前照片")
    after_photos = MultiFileField(label="施工后照片")


class AcceptForm(forms.Form):
    note = forms.CharField(label="验收意见 / 居民满意度", widget=forms.Textarea(attrs={"rows": 2}))
    approve = forms.TypedChoiceField(
        label="验收结论",
        choices=[("1", "验收通过"), ("0", "不通过，退回整改")],
        coerce=lambda v: v == "1",
        initial="1",
    )


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=120)
    convener_name = forms.CharField(label="召集单位", max_length=100)
    scheduled_at = forms.DateTimeField(
        label="会议时间", widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"]
    )
    location = forms.CharField(label="会议地点", max_length=100, required=False)
    compound = forms.ModelChoiceField(label="涉及小区", queryset=None, required=False, empty_label="（不限）")
    invitees = forms.CharField(
        label="参会单位",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一个：单位类型|单位名称|参会人。单位类型：小区党支部、业委会、物业企业、职能部门、社区、街道、其他",
    )

    KINDS = {
        "小区党支部": UnitKind.BRANCH,
        "党支部": UnitKind.BRANCH,
        "业委会": UnitKind.COMMITTEE,
        "物管会": UnitKind.COMMITTEE,
        "物业企业": UnitKind.COMPANY,
        "物业": UnitKind.COMPANY,
        "职能部门": UnitKind.DEPARTMENT,
        "部门": UnitKind.DEPARTMENT,
        "社区": UnitKind.COMMUNITY,
        "街道": UnitKind.STREET,
        "其他": UnitKind.OTHER,
    }

    def __init__(self, *args, compounds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].queryset = compounds

    def clean_invitees(self):
        from apps.campaigns.services import InviteeInput

        rows = []
        for n, line in enumerate(self.cleaned_data["invitees"].splitlines(), 1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) < 2 or parts[0] not in self.KINDS:
                raise forms.ValidationError(f"第{n}行格式应为：单位类型|单位名称|参会人")
            rows.append(
                InviteeInput(
                    kind=self.KINDS[parts[0]],
                    unit_name=parts[1],
                    person_name=parts[2] if len(parts) > 2 else "",
                )
            )
        return rows


class AgendaForm(forms.Form):
    title = forms.CharField(label="议题", max_length=200, required=False)
    workorder = forms.IntegerField(label="关联工单编号", required=False, min_value=1)
    problem = forms.IntegerField(label="关联排查问题编号", required=False, min_value=1)
    project = forms.IntegerField(label="关联民生项目编号", required=False, min_value=1)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 6}))
    attended = forms.MultipleChoiceField(label="出席单位", widget=forms.CheckboxSelectMultiple, choices=())

    def __init__(self, *args, invitees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(i.pk), i.unit_name) for i in invitees]


class DecisionForm(forms.Form):
    text = forms.CharField(label="议定事项", widget=forms.Textarea(attrs={"rows": 2}))
    owner_kind = forms.ChoiceField(label="责任单位类型", choices=UnitKind.choices)
    owner_unit = forms.CharField(label="责任单位", max_length=100, required=False)
    deadline = forms.DateField(label="完成期限", widget=DateInput, required=False)
    required_evidence = forms.CharField(label="佐证材料要求", max_length=200, required=False)
    agenda_item = forms.ModelChoiceField(
        label="议题", queryset=None, required=False, empty_label="（不关联）"
    )

    def __init__(self, *args, agenda, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = agenda


class CloseDecisionForm(forms.Form):
    evidence_note = forms.CharField(label="落实情况及佐证", widget=forms.Textarea(attrs={"rows": 2}))


class LiftForm(forms.Form):
    target = forms.ChoiceField(
        label="去向", choices=[("meeting", "提交下次联席会议"), ("project", "转为民生项目")]
    )
    name = forms.CharField(label="项目名称", max_length=100, required=False)
