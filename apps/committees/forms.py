from __future__ import annotations

from django import forms

from apps.committees.models import CommitteeMember, CommitteeRules, OwnersCommittee
from apps.core.forms import ScopedModelForm


class CommitteeForm(ScopedModelForm):
    scoped_fields = ("compound",)

    class Meta:
        model = OwnersCommittee
        fields = ["compound", "kind", "term_start", "term_end", "elected_on", "filed_on", "dissolved_on"]


class MemberForm(ScopedModelForm):
    class Meta:
        model = CommitteeMember
        fields = [
            "name",
            "phone",
            "position",
            "is_owner",
            "is_party_member",
            "cross_appointed",
            "branch_position",
        ]


class BaseMemberFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]:
            raise forms.ValidationError("请填写委员名单")


MemberFormSet = forms.formset_factory(
    MemberForm, formset=BaseMemberFormSet, extra=7, max_num=15, validate_max=True
)


def member_rows(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data and f.cleaned_data.get("name")]


class RulesForm(ScopedModelForm):
    scoped_fields = ("region",)

    class Meta:
        model = CommitteeRules
        fields = [
            "region",
            "min_members",
            "max_members",
            "require_odd",
            "max_term_years",
            "reelection_window_days",
            "street_organises_days",
            "red_min_cross_appointed",
            "red_min_party_share",
            "management_min_owner_share",
            "source",
        ]
