from __future__ import annotations

from decimal import Decimal

from django import forms
from django.conf import settings

from apps.core.forms import ScopedModelForm
from apps.core.scoping import scope_of, scoped
from apps.programs.choices import AgreementStatus, PairingOutcome
from apps.programs.models import Inspection, PairingAgreement, ServiceArrangement
from apps.registry.models import CompanyKind, Compound, PropertyCompany


def _date(label, required=True):
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ArrangementForm(ScopedModelForm):
    scoped_fields = ("compound",)

    class Meta:
        model = ServiceArrangement
        fields = [
            "compound",
            "mode",
            "company",
            "provider_name",
            "start_date",
            "end_date",
            "security",
            "cleaning",
            "greenery",
            "repairs",
            "extra_services",
            "fee_per_sqm",
            "note",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["compound"] = forms.ModelChoiceField(
            label="小区", queryset=scoped(Compound.objects.all(), user).order_by("code")
        )
        self.fields["company"].queryset = PropertyCompany.objects.order_by("name")


class FallbackAssignForm(forms.Form):
    compound = forms.ModelChoiceField(label="老旧小区", queryset=Compound.objects.none())
    company = forms.ModelChoiceField(label="公益性物业企业", queryset=PropertyCompany.objects.none())
    start_date = _date("开始日期")
    end_date = _date("结束日期", required=False)
    standard = forms.CharField(label="服务标准", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    fee_per_sqm = forms.DecimalField(label="收费标准（元/㎡·月）", required=False, decimal_places=2)
    monthly_subsidy = forms.DecimalField(
        label="财政补助（元/月）", required=False, decimal_places=2, initial=0
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.programs.selectors import unserved_old_compounds

        self.fields["compound"].queryset = unserved_old_compounds(scope_of(user))
        # every company: choosing a market company is refused by the service with a clear message
        self.fields["company"].queryset = PropertyCompany.objects.filter(
            region__pk__startswith=scope_of(user).region_prefix[:4]
        ).order_by("-kind", "name")


class InspectionForm(ScopedModelForm):
    class Meta:
        model = Inspection
        fields = ["period", "security_ok", "cleaning_ok", "greenery_ok", "repairs_ok", "notes", "photo"]
        widgets = {"period": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class PairingOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="过渡结果", choices=PairingOutcome.choices)
    on = _date("日期", required=False)
    note = forms.CharField(label="说明", required=False, max_length=200)
    fallback_company = forms.ModelChoiceField(
        label="兜底企业（转兜底时）",
        required=False,
        queryset=PropertyCompany.objects.filter(kind=CompanyKind.PUBLIC_WELFARE),
    )
    # The pk of a voting Decision; the service checks it is this compound's and passed.
    owners_decision = forms.CharField(
        label="业主共同决定（签订市场化合同时，可选）",
        required=False,
        help_text="本小区已公布且通过的表决，如选聘物业服务企业",
        widget=forms.Select,
    )

    def __init__(self, *args, decisions=(), city_code: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if city_code:
            # the public-welfare companies of the compound's own city, as the fallback form offers
            self.fields["fallback_company"].queryset = PropertyCompany.objects.filter(
                kind=CompanyKind.PUBLIC_WELFARE, region__pk__startswith=city_code
            ).order_by("name")
        self.fields["owners_decision"].widget.choices = [("", "不关联")] + [
            (str(d.pk), f"{d.title}（{d.published_at:%Y-%m-%d}公布）" if d.published_at else d.title)
            for d in decisions
        ]


class SubsidyApplyForm(forms.Form):
    pairing = forms.ModelChoiceField(label="帮扶协议", queryset=PairingAgreement.objects.none())
    period = _date("补助月份")
    amount = forms.DecimalField(label="申请金额（元）", decimal_places=2)
    fees_due = forms.DecimalField(label="当月物业费应收（元）", required=False, decimal_places=2)
    fees_collected = forms.DecimalField(label="当月物业费实收（元）", required=False, decimal_places=2)
    over_schedule_reason = forms.CharField(label="超标准原因", required=False, max_length=200)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pairing"].queryset = scoped(
            PairingAgreement.objects.filter(status=AgreementStatus.SIGNED).select_related("compound"), user
        )


class PlannerAcceptForm(forms.Form):
    subsidy_rate = forms.DecimalField(
        label="首年补助标准（元/㎡·月）", decimal_places=2, min_value=Decimal("0"), initial=Decimal("0.30")
    )
    start_date = _date("帮扶开始日期")
    years = forms.IntegerField(label="过渡期（年）", min_value=1, initial=settings.PAIRING_TRANSITION_YEARS)


class CollectionForm(forms.Form):
    period = _date("月份")
    amount_due = forms.DecimalField(label="应收（元）", decimal_places=2)
    amount_collected = forms.DecimalField(label="实收（元）", decimal_places=2)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
