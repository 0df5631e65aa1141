"""The platform's scope checks (apps/core/tests/test_scope_pages.py) applied to decisions, until
core runs them over the contributions' scope surfaces itself."""

import io

from django.urls import reverse
from openpyxl import load_workbook


def test_decision_surface(world, client_for):
    own, other = world.own["decision"], world.other["decision"]
    county = client_for("county")
    body = county.get(reverse("voting_decision_list")).content.decode()
    assert own.title in body and own.get_absolute_url() in body and other.get_absolute_url() not in body
    search = county.get(reverse("voting_decision_list"), {"q": other.title}).content.decode()
    assert other.get_absolute_url() not in search and "共 0 条" in search
    export = county.get(reverse("voting_decision_list") + "?export=xlsx")
    wb = load_workbook(io.BytesIO(b"".join(export.streaming_content)), read_only=True)
    cells = "\n".join(str(c) for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c)
    assert own.title in cells and other.title not in cells
    assert county.get(reverse("voting_decision_detail", args=[own.pk])).status_code == 200
    assert county.get(reverse("voting_decision_detail", args=[other.pk])).status_code == 404
    for persona in ("outsider", "heze_city"):
        assert client_for(persona).get(reverse("voting_decision_detail", args=[own.pk])).status_code == 404
    admin = client_for("county")
    assert admin.get(reverse("admin:voting_decision_changelist")).status_code == 200
    assert admin.get(reverse("admin:voting_decision_change", args=[own.pk])).status_code == 200
    response = admin.get(reverse("admin:voting_decision_change", args=[other.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
