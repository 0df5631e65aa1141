"""Forms for intake and for every workflow verb. They validate input and the transition itself
(state, role, scope) with clear Chinese errors; views then call the service, e.g.

    form = DispatchForm(request.POST, order=order, user=request.user)
    if form.is_valid() and run(form):   # run() calls the service, errors land on the form
        return redirect(order)

Nothing is written by a form; a service refusal (a race lost, a rule hit) becomes a form error.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.http import Http404

from apps.core.errors import DomainError
from apps.core.scoping import scoped
from apps.core.sql import row_by_pk
from apps.registry.models import Building, Compound, Unit
from apps.workorders import photos, policy, selectors, services
from apps.workorders.choices import Channel, EscalationReason, HandlerKind, Satisfaction, Urgency
from apps.workorders.models import Category, WorkOrder
from apps.workorders.services.intake import STAFF_CHANNELS, compound_allowed, intake_rules

YES_NO = [("1", "是"), ("0", "否")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to WORKORDER_PHOTO_MAX_COUNT images, each proven an image by Pillow; cleans to a list of
    CheckedPhoto that the services accept as they are."""

    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "照片")
        kwargs.setdefault("error_messages", {"required": "请上传照片"})
        kwargs.setdefault(
            "help_text",
            f"最多{settings.WORKORDER_PHOTO_MAX_COUNT}张，每张不超过"
            f"{settings.WORKORDER_PHOTO_MAX_BYTES // 1024 // 1024}MB",
        )
        super().__init__(*args, **kwargs)

    def to_python(self, data):
        return data

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if self.required and not files:
            raise ValidationError(self.error_messages["required"], code="required")
        return photos.check_photos(files)


def _yes_no(label: str, required: bool = False) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "1",
        required=required,
        empty_value=None,
        widget=forms.RadioSelect,
    )


# ------------------------------------------------------------------ intake
class ActiveCategoryField(forms.ModelChoiceField):
    """A category chosen by its primary key, read from the process's copy of the active
    categories (selectors.category_active) instead of a query per whistle; the choices shown
    are still read from the database."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        category = selectors.category_active(pk=value)
        if category is None:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return category


class CompoundInScopeField(forms.ModelChoiceField):
    """A compound chosen by its primary key, read by a written-out query (apps/core/sql.py) and
    accepted if the user may file for it (`compound_allowed`, the service's own rule) — the same
    answer as a get from the user's scoped compounds, which are still what the choices show."""

    user = None

    def to_python(self, value):
        if value in self.empty_values:
            return None
        compound = row_by_pk(Compound, value)
        if compound is None or self.user is None or not compound_allowed(self.user, compound):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return compound


class WorkOrderSubmitForm(forms.Form):
    """Intake. Residents file for their own compound; staff, grid workers and the hotline desk
    for a compound in their region, with the reporter's name and phone."""

    compound = CompoundInScopeField(
        label="小区",
        queryset=Compound.objects.none(),
        error_messages={"invalid_choice": "所选小区不存在或不在您的辖区内", "required": "请选择小区"},
    )
    building = forms.ModelChoiceField(
        label="楼栋",
        queryset=Building.objects.all(),
        required=False,
        error_messages={"invalid_choice": "所选楼栋不存在"},
    )
    unit = forms.ModelChoiceField(
        label="房屋",
        queryset=Unit.objects.all(),
        required=False,
        error_messages={"invalid_choice": "所选房屋不存在"},
    )
    category = ActiveCategoryField(
        label="诉求分类",
        queryset=Category.objects.filter(is_active=True),
        error_messages={"invalid_choice": "所选分类不存在或已停用", "required": "请选择诉求分类"},
    )
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL)
    description = forms.CharField(
        label="诉求内容",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=settings.WORKORDER_DESCRIPTION_MAX_LENGTH,
        error_messages={"required": "请填写诉求内容", "max_length": "诉求内容不能超过%(limit_value)d字"},
    )
    photos = PhotosField()
    is_anonymous = forms.BooleanField(label="匿名反映（姓名和电话仅社区可见）", required=False)
    reporter_name = forms.CharField(label="诉求人姓名", max_length=50, required=False)
    reporter_phone = forms.CharField(label="诉求人手机号", max_length=20, required=False)
    channel = forms.ChoiceField(
        label="来源渠道",
        choices=[(c, Channel(c).label) for c in STAFF_CHANNELS],
        initial=Channel.STAFF,
        required=False,
    )
    joint_owner_count = forms.IntegerField(
        label="联名业主人数",
        min_value=0,
        max_value=100000,
        required=False,
        initial=0,
        help_text=f"{settings.WORKORDER_JOINT_MIN_OWNERS}名以上业主联名的，按联名诉求办理",
    )

    STAFF_ONLY = ("channel", "reporter_name", "reporter_phone")

    def __init__(self, *args, user, **kwargs):
        self.is_resident = user.role in ("resident", "committee")
        if self.is_resident:  # residents report for themselves: their form never has these
            self.base_fields = {k: f for k, f in type(self).base_fields.items() if k not in self.STAFF_ONLY}
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["compound"].user = user
        if self.is_resident:
            self.fields["compound"].initial = getattr(user, "compound_id", None)

    def show_compounds(self) -> None:
        """The compounds to choose from, for rendering (validation reads the one chosen)."""
        self.fields["compound"].queryset = scoped(Compound.objects.all(), self.user)

    def clean_compound(self):
        compound = self.cleaned_data["compound"]
        if not compound_allowed(self.user, compound):
            raise ValidationError("所选小区不存在或不在您的辖区内")
        return compound

    def clean(self):
        """The intake service's own rules (services.intake.intake_rules), shown on the form before
        anything is sent; the service applies them again."""
        data = super().clean()
        if self.errors or not data.get("compound") or not data.get("category"):
            return data
        try:
            intake_rules(**self.rule_kwargs(data))
        except DomainError as exc:
            add_domain_error(self, exc)
        return data

    def rule_kwargs(self, d: dict) -> dict:
        kwargs = {
            "actor": self.user,
            "compound": d["compound"],
            "category": d["category"],
            "description": d.get("description", ""),
            "urgency": d.get("urgency") or Urgency.NORMAL,
            "building": d.get("building"),
            "unit": d.get("unit"),
            "is_anonymous": d.get("is_anonymous", False),
            "joint_owner_count": d.get("joint_owner_count") or 0,
        }
        if self.is_resident:
            kwargs["reporter_phone"] = self.user.phone
        else:
            kwargs.update(
                channel=d.get("channel") or Channel.STAFF, reporter_phone=d.get("reporter_phone", "")
            )
        return kwargs

    def service(self):
        return services.workorder_submit

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        kwargs = {
            "actor": self.user,
            "compound": d["compound"],
            "category": d["category"],
            "description": d["description"],
            "urgency": d["urgency"],
            "building": d.get("building"),
            "unit": d.get("unit"),
            "is_anonymous": d.get("is_anonymous", False),
            "joint_owner_count": d.get("joint_owner_count") or 0,
            "photo_files": d.get("photos") or [],
        }
        if not self.is_resident:
            kwargs.update(
                channel=d.get("channel") or Channel.STAFF,
                reporter_name=d.get("reporter_name", ""),
                reporter_phone=d.get("reporter_phone", ""),
            )
        return kwargs


# ------------------------------------------------------------------ the verbs
class TransitionForm(forms.Form):
    """Base: checks that the user may apply the verb to the order now (state, role, scope)."""

    verb = ""

    def __init__(self, *args, order: WorkOrder, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.order, self.user = order, user

    def clean(self):
        data = super().clean()
        try:
            policy.check(self.verb, self.order, self.user)
        except Http404:
            raise
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        return data

    def service(self):
        return getattr(services, f"workorder_{self.verb}")

    def service_kwargs(self) -> dict:
        return {"order": self.order, "actor": self.user, **self.cleaned_data}


class AcceptForm(TransitionForm):
    verb = "accept"
    note = forms.CharField(label="受理意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


def handler_value(unit) -> str:
    kind = services.common.handler_kind_of(unit)
    return (
        f"{'department' if kind in (HandlerKind.STREET_OFFICE, HandlerKind.DEPARTMENT) else kind}:{unit.pk}"
    )


class DispatchForm(TransitionForm):
    verb = "dispatch"
    handler = forms.ChoiceField(
        label="处理单位",
        error_messages={"invalid_choice": "所选处理单位不在本工单的辖区内", "required": "请选择处理单位"},
    )
    instructions = forms.CharField(label="派单意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {handler_value(u): u for u in services.eligible_handlers(self.order)}
        kind_label = {"company": "物业企业", "committee": "业委会", "department": "部门"}
        self.fields["handler"].choices = [("", "请选择")] + [
            (key, f"{kind_label[key.split(':')[0]]}：{unit}") for key, unit in self.units.items()
        ]
        suggested = services.suggested_handler(self.order)
        if suggested is not None:
            self.fields["handler"].initial = handler_value(suggested)

    def clean_handler(self):
        return self.units[self.cleaned_data["handler"]]


class SignForm(TransitionForm):
    verb = "sign"
    note = forms.CharField(label="签收意见", required=False)


class ReturnForm(TransitionForm):
    verb = "return"
    reason = forms.CharField(
        label="退单理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写退单理由"},
    )


class ResolveForm(TransitionForm):
    verb = "resolve"
    note = forms.CharField(
        label="办理情况",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写办理情况"},
    )
    photos = PhotosField(label="现场照片")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.order.category.evidence_required:
            self.fields["photos"].required = True
            self.fields["photos"].error_messages["required"] = "该类诉求办结时须上传现场照片"

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "order": self.order,
            "actor": self.user,
            "note": d["note"],
            "photo_files": d.get("photos") or [],
        }


class CallbackForm(TransitionForm):
    verb = "callback"
    reached = _yes_no("是否联系上诉求人", required=True)
    contacted = _yes_no("承办单位是否联系过您")
    solved = _yes_no("问题是否已解决")
    satisfaction = forms.ChoiceField(
        label="满意度", choices=[("", "—"), *Satisfaction.choices], required=False
    )
    note = forms.CharField(label="回访记录", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if policy.is_reporter(self.user, self.order):  # the reporter rates: reached by definition
            del self.fields["reached"]
            self.fields["note"].label = "您的意见（选填）"

    def clean(self):
        data = super().clean()
        reached = data.get("reached", True) if "reached" in self.fields else True
        if reached:
            if data.get("contacted") is None:
                self.add_error("contacted", "请选择承办单位是否联系过诉求人")
            if data.get("solved") is None:
                self.add_error("solved", "请选择问题是否已解决")
            if not data.get("satisfaction"):
                self.add_error("satisfaction", "请选择满意度")
        data["reached"] = reached
        return data


class CloseForm(TransitionForm):
    verb = "close"
    note = forms.CharField(label="结案意见", required=False)


class ReopenForm(TransitionForm):
    verb = "reopen"
    note = forms.CharField(
        label="重办要求",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写重办要求"},
    )


class EscalateForm(TransitionForm):
    verb = "escalate"
    reason = forms.ChoiceField(
        label="升级原因",
        choices=EscalationReason.choices,
        error_messages={"required": "请选择升级原因", "invalid_choice": "升级原因不正确"},
    )
    note = forms.CharField(label="督办说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class MergeForm(TransitionForm):
    verb = "merge"
    target = forms.CharField(
        label="合并至（工单编号或查询码）", error_messages={"required": "请填写要合并到的工单"}
    )
    note = forms.CharField(label="合并说明", required=False)

    def clean_target(self):
        value = self.cleaned_data["target"].strip().upper()
        qs = scoped(WorkOrder.objects.select_related("category", "compound"), self.user)
        target = (
            qs.filter(pk=int(value)).first() if value.isdigit() else qs.filter(tracking_code=value).first()
        )
        if target is None:
            raise ValidationError("未找到该工单，或您无权查看")
        if target.pk == self.order.pk:
            raise ValidationError("不能合并到工单自身")
        if target.region_code != self.order.region_code:
            raise ValidationError("只能合并到同一社区的工单")
        if not target.is_open or target.merged_into_id:
            raise ValidationError("目标工单已结束，不能合并")
        return target


class RejectForm(TransitionForm):
    verb = "reject"
    reason = forms.CharField(
        label="不予受理的理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写不予受理的理由"},
    )


class ExtendForm(TransitionForm):
    verb = "extend"
    days = forms.IntegerField(
        label="申请延期（工作日）",
        min_value=1,
        error_messages={
            "required": "请填写延期天数",
            "invalid": "延期天数须为整数",
            "min_value": "延期天数至少为1个工作日",
            "max_value": "延期天数不能超过%(limit_value)s个工作日",
        },
    )
    reason = forms.CharField(
        label="延期理由",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写延期理由"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = settings.WORKORDER_EXTENSION_MAX_WORKING_DAYS
        days = self.fields["days"]
        days.max_value = limit
        days.validators.append(MaxValueValidator(limit))
        days.widget.attrs.update({"max": limit, "min": 1})
        days.help_text = f"每次派单可申请一次，最多{limit}个工作日，由派单层级审批；审批前仍按原期限办理"


class ApproveExtensionForm(TransitionForm):
    verb = "approve_extension"
    decision = forms.ChoiceField(
        label="审批结果",
        choices=[("approve", "批准延期"), ("refuse", "不批准")],
        widget=forms.RadioSelect,
        error_messages={"required": "请选择审批结果", "invalid_choice": "审批结果不正确"},
    )
    note = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.request_text = ""
        assignment = (
            self.order.assignments.filter(pk=self.order.current_assignment_id).first()
            if self.order.current_assignment_id
            else None
        )
        if assignment is not None and assignment.extension_days:
            self.request_text = f"{assignment.unit}申请延期{assignment.extension_days}个工作日，理由：{assignment.extension_reason}"
            self.fields["decision"].help_text = self.request_text

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("note") or "").strip():
            self.add_error("note", "不批准延期时请填写审批意见")
        return data

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        return {
            "order": self.order,
            "actor": self.user,
            "approve": d["decision"] == "approve",
            "note": d.get("note", ""),
        }


VERB_FORMS = {
    f.verb: f
    for f in (
        AcceptForm,
        DispatchForm,
        SignForm,
        ReturnForm,
        ResolveForm,
        CallbackForm,
        CloseForm,
        ReopenForm,
        EscalateForm,
        MergeForm,
        RejectForm,
        ExtendForm,
        ApproveExtensionForm,
    )
}


def run(form, **extra):
    """Call the form's service with its cleaned data; a refusal becomes a form error. Returns the
    service's result, or None when it refused (form.errors says why)."""
    try:
        return form.service()(**form.service_kwargs(), **extra)
    except DomainError as exc:
        add_domain_error(form, exc)
        return None


def add_domain_error(form, exc: DomainError) -> None:
    """A service's refusal on the form: on the fields it names, else (or when their messages do
    not say it) above the form."""
    placed = False
    for field_name, messages in exc.field_errors.items():
        if field_name in form.fields:
            for message in messages:
                form.add_error(field_name, message)
            placed = True
    if not placed or exc.message not in str(form.errors):
        form.add_error(None, exc.message)
