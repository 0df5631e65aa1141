"""Forms of owners' joint decisions: the draft (with up to three matters), ballots, paper entry,
proxies and the compound's counting policy."""

from __future__ import annotations

from django import forms

from apps.core.forms import ScopedModelForm
from apps.voting.choices import MATTER_CHOICES, Choice
from apps.voting.models import CountingPolicyRecord, Decision

MATTER_ROWS = 3


class DecisionForm(ScopedModelForm):
    scoped_fields = ("compound", "organiser", "elects_committee")

    class Meta:
        model = Decision
        fields = [
            "compound",
            "title",
            "form",
            "opens_at",
            "closes_at",
            "description",
            "organiser",
            "elects_committee",
        ]
        widgets = {
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, MATTER_ROWS + 1):
            self.fields[f"matter_{i}_number"] = forms.TypedChoiceField(
                label=f"事项{i}：第278条事项类别",
                choices=[("", "—"), *MATTER_CHOICES],
                coerce=int,
                required=i == 1,
                help_text="第6—8项须双四分之三同意，其余双过半" if i == 1 else "",
            )
            self.fields[f"matter_{i}_title"] = forms.CharField(
                label=f"事项{i}：内容", max_length=200, required=i == 1
            )

    def matters(self) -> list[dict]:
        out = []
        for i in range(1, MATTER_ROWS + 1):
            number = self.cleaned_data.get(f"matter_{i}_number")
            title = (self.cleaned_data.get(f"matter_{i}_title") or "").strip()
            if number or title:
                out.append({"number": number, "title": title})
        return out

    def decision_data(self) -> dict:
        return {k: self.cleaned_data.get(k) for k in self.Meta.fields}


def choice_fields(form: forms.Form, matters, *, required: bool) -> None:
    for m in matters:
        form.fields[f"m{m.pk}"] = forms.ChoiceField(
            label=f"{m.position}. {m.title}（{m.rule_label}）",
            choices=Choice.choices,
            widget=forms.RadioSelect,
            required=required,
        )


def picked_choices(form: forms.Form, matters) -> dict[int, str]:
    return {m.pk: form.cleaned_data.get(f"m{m.pk}") for m in matters if form.cleaned_data.get(f"m{m.pk}")}


class BallotForm(forms.Form):
    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self, matters, required=False)


class PaperEntryForm(forms.Form):
    voter = forms.ModelChoiceField(label="表决权人（名册）", queryset=None)
    scan = forms.FileField(label="选票扫描件（业主签字）")

    def __init__(self, *args, decision, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["voter"].queryset = decision.voters.order_by("pk")
        choice_fields(self, matters, required=False)


class PaperConfirmForm(forms.Form):
    """The second entry: typed from the paper again, without seeing the first."""

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        choice_fields(self, matters, required=False)


class ProxyForm(forms.Form):
    principal = forms.ModelChoiceField(label="委托人（名册）", queryset=None)
    agent = forms.ModelChoiceField(label="受托人（本小区业主）", queryset=None)
    document = forms.FileField(label="授权委托书（扫描件）")

    def __init__(self, *args, decision, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.registry.models import Owner

        self.fields["principal"].queryset = decision.voters.order_by("pk")
        self.fields["agent"].queryset = Owner.objects.filter(roll_entries__decision=decision).distinct()


class PolicyForm(forms.ModelForm):
    class Meta:
        model = CountingPolicyRecord
        fields = [
            "developer_units_one_person",
            "multi_unit_owner_one_person",
            "abstention_participates",
            "silence_follows_majority",
            "basis",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
