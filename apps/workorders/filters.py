"""The workbench filters: compound, category, status, deadline state and desk level."""

from __future__ import annotations

from django import forms

from apps.core.scoping import scoped
from apps.core.views import FilterForm
from apps.registry.models import Compound
from apps.workorders.choices import Level, SlaCard, Status
from apps.workorders.models import Category

# Above this many compounds in scope the compound filter is a name search, not a select.
COMPOUND_SELECT_MAX = 200
DEADLINE_STATES = [
    ("", "全部"),
    (SlaCard.NONE, "正常"),
    (SlaCard.YELLOW, "黄牌（临期）"),
    (SlaCard.RED, "红牌（超期）"),
    ("missing", "期限待定（日历缺失）"),
]


class WorkOrderFilter(FilterForm):
    compound = forms.ChoiceField(label="小区")
    category = forms.ModelChoiceField(
        label="诉求分类", queryset=Category.objects.order_by("sort_order", "id"), empty_label="全部"
    )
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *Status.choices])
    card = forms.ChoiceField(label="时限状态", choices=DEADLINE_STATES)
    level = forms.ChoiceField(label="受理层级", choices=[("", "全部"), *Level.choices])
    lookups = {"category": "category", "status": "status", "level": "level"}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        compounds = list(
            scoped(Compound.objects.order_by("name", "id"), user).values_list("pk", "name")[
                : COMPOUND_SELECT_MAX + 1
            ]
        )
        self.compound_ids = {str(pk) for pk, _name in compounds}
        if len(compounds) > COMPOUND_SELECT_MAX:
            self.fields["compound"] = forms.CharField(
                label="小区", required=False, widget=forms.TextInput(attrs={"placeholder": "小区名称"})
            )
            self.compound_by_name = True
        else:
            self.fields["compound"].choices = [("", "全部"), *((str(pk), name) for pk, name in compounds)]
            self.compound_by_name = False
        if getattr(user, "role", "") in ("community", "company", "committee", "department", "resident"):
            del self.fields["level"]  # one desk level only: the filter would say nothing

    def apply(self, qs):
        qs = super().apply(qs)
        if not self.is_valid():
            return qs
        compound = (self.cleaned_data.get("compound") or "").strip()
        if compound:
            if self.compound_by_name:
                qs = qs.filter(compound__name__icontains=compound)
            else:
                qs = qs.filter(compound_id=int(compound))
        card = self.cleaned_data.get("card")
        if card == "missing":
            qs = qs.filter(calendar_missing=True)
        elif card:
            qs = qs.filter(sla_card=card)
        return qs
