"""The region picker: one query and the same HTML as Django's select, whatever its length."""

import pytest
from django import forms
from django.db import connection
from django.test.html import parse_html
from django.test.utils import CaptureQueriesContext

from apps.core.forms import LongSelect, RegionChoiceField
from apps.core.testing import COMMUNITY, COUNTY

CHOICES = [("", "---------"), ("a", "甲 <b>"), ("组", [("1", "一"), ("2", "二")]), ("c", 'c"d')]


@pytest.mark.parametrize("value", ["", "a", "2", None])
def test_long_select_renders_what_django_select_renders(value):
    def render(widget_class):
        widget = widget_class(choices=CHOICES, attrs={"class": "x", "required": True, "disabled": False})
        return widget.render("f", value, attrs={"id": "id_f"})

    ours = render(LongSelect)
    assert parse_html(ours) == parse_html(render(forms.Select))
    assert "甲 &lt;b&gt;" in ours and "c&quot;d" in ours  # labels escaped


@pytest.mark.django_db
def test_region_select_is_one_query_with_the_paths_in_its_labels():
    from apps.regions.models import Region

    field = RegionChoiceField(queryset=Region.objects.filter(code__startswith=COUNTY).order_by("code"))
    assert field.queryset.count() > 100  # a county's streets and communities
    with CaptureQueriesContext(connection) as queries:
        html = field.widget.render("region", COMMUNITY)
    assert len(queries) == 1  # labels read the parent and grandparent: fetched with each region
    assert (
        f'<option value="{COMMUNITY}" selected>罗庄区 盛庄街道 · 后盛庄社区居民委员会（{COMMUNITY}）<' in html
    )


@pytest.mark.django_db
def test_a_scoped_forms_plain_selects_are_long_selects_with_the_same_html(world):
    from apps.party.forms import PartyOrgForm

    form = PartyOrgForm(user=world.users["county"], instance=world.own["partyorg"])
    assert type(form.fields["company"].widget) is LongSelect
    assert type(form.fields["kind"].widget) is LongSelect
    ours = {name: str(form[name]) for name in ("company", "kind", "region")}
    assert world.own["partyorg"].company.name in ours["company"]
    for name in ours:
        form.fields[name].widget.__class__ = forms.Select
        assert parse_html(str(form[name])) == parse_html(ours[name]), name
