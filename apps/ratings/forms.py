"""Forms of the ratings pages. The structured parts (a scheme's tree, item scores) are parsed
here and handed to one service."""

from __future__ import annotations

from django import forms

from apps.ratings.models import RatingRound, RatingScheme


class SchemeForm(forms.ModelForm):
    """A scheme's fields, with its tree (dimensions, items, vetoes) as an uploaded 细则表
    (apps/ratings/scheme_sheet.py). Without an upload the tree shown on the page — the example
    for a new scheme, the current version's for a new version — is kept."""

    structure = forms.FileField(
        label="细则表（Excel）",
        required=False,
        help_text="先下载下方的细则表，在 Excel 中修改维度、细则、分值与计分曲线后上传；不上传则沿用下方细则。",
    )
    star_cutoffs_text = forms.CharField(
        label="星级分数线", help_text="一星到五星的最低分，逗号分隔，如 60,70,80,88,94"
    )

    class Meta:
        model = RatingScheme
        fields = [
            "jurisdiction",
            "subject_kind",
            "title",
            "source_document",
            "source_note",
            "effective_from",
            "effective_to",
            "total_points",
        ]
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}),
            "effective_to": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, user=None, base_structure=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.base_structure = base_structure
        from apps.core.scoping import scope_of
        from apps.regions.models import Region

        scope = scope_of(user)
        regions = Region.objects.filter(level__in=["city", "county"])
        if not scope.everything:
            regions = regions.filter(code__startswith=scope.region_prefix or "-")
        self.fields["jurisdiction"].queryset = regions.order_by("code")

    def clean_structure(self):
        uploaded = self.cleaned_data.get("structure")
        if not uploaded:
            if self.base_structure is None:
                raise forms.ValidationError("请上传细则表")
            return self.base_structure
        from django.core.exceptions import ValidationError

        from apps.ratings import scheme_sheet

        try:
            return scheme_sheet.parse(uploaded)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def clean(self):
        data = super().clean()
        if "star_cutoffs_text" in data:
            self.instance.star_cutoffs = data["star_cutoffs_text"]  # the model's own checks run on it
        return data

    def add_error(self, field, error):
        # The model names its field star_cutoffs; the form shows it as text.
        if field is None and hasattr(error, "error_dict") and "star_cutoffs" in error.error_dict:
            error.error_dict["star_cutoffs_text"] = error.error_dict.pop("star_cutoffs")
        super().add_error(field, error)

    def clean_star_cutoffs_text(self):
        text = self.cleaned_data["star_cutoffs_text"].replace("，", ",")
        try:
            return [float(x) if "." in x else int(x) for x in (p.strip() for p in text.split(",")) if x]
        except ValueError as exc:
            raise forms.ValidationError("应为逗号分隔的数字") from exc


class RoundForm(forms.ModelForm):
    class Meta:
        model = RatingRound
        fields = ["scheme", "year", "title", "period_start", "period_end", "self_assess_due", "review_due"]
        widgets = {
            f: forms.DateInput(attrs={"type": "date"})
            for f in ("period_start", "period_end", "self_assess_due", "review_due")
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from apps.ratings.selectors import scheme_list_for

        self.fields["scheme"].queryset = scheme_list_for(user=user).filter(is_legacy=False)
        self.fields["title"].required = False


class ObjectionForm(forms.Form):
    text = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label="答复", widget=forms.Textarea(attrs={"rows": 3}))


class RevokeForm(forms.Form):
    veto_code = forms.CharField(label="否决项编号", required=False)
    reason = forms.CharField(label="撤销原因", widget=forms.Textarea(attrs={"rows": 3}))
