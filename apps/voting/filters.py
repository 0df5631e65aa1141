from __future__ import annotations

from django import forms

from apps.core.views import FilterForm
from apps.voting.choices import DecisionStatus


class DecisionFilter(FilterForm):
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *DecisionStatus.choices])
    lookups = {"status": "status"}
