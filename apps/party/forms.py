from __future__ import annotations

from apps.core.forms import RegionChoiceField, ScopedModelForm
from apps.party.models import PartyInstructor, PartyOrg, PartyOrgRating, RedCollarSecretary
from apps.regions.models import Region
from apps.regions.selectors import community_choices_for


class PartyOrgForm(ScopedModelForm):
    region = RegionChoiceField(label="所在区划", queryset=Region.objects.all())
    scoped_fields = ("region", "parent", "company", "compound", "covered_companies")

    class Meta:
        model = PartyOrg
        fields = [
            "name",
            "kind",
            "parent",
            "region",
            "secretary_name",
            "secretary_phone",
            "member_count",
            "founded_on",
            "company",
            "compound",
            "covered_companies",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.order_by("code")
        self.fields["compound"].queryset = self.fields["compound"].queryset.order_by("code")


class InstructorForm(ScopedModelForm):
    region = RegionChoiceField(label="工作区划", queryset=Region.objects.all())
    scoped_fields = ("region", "companies", "committees")

    class Meta:
        model = PartyInstructor
        fields = [
            "name",
            "phone",
            "sending_unit",
            "region",
            "companies",
            "committees",
            "start_date",
            "end_date",
        ]


class RatingForm(ScopedModelForm):
    scoped_fields = ("party_org",)

    class Meta:
        model = PartyOrgRating
        fields = ["party_org", "year", "stars", "issuer", "issued_on"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["party_org"].queryset = self.fields["party_org"].queryset.filter(kind="company_org")


class SecretaryForm(ScopedModelForm):
    class Meta:
        model = RedCollarSecretary
        fields = ["name", "phone", "sending_unit", "community", "start_date", "end_date", "duties"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["community"] = RegionChoiceField(
            label="任职社区", queryset=community_choices_for(user=user)
        )
