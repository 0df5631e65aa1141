"""Helpers of the ledger tests: the downloaded template and its sample row."""

import io

from django.urls import reverse
from openpyxl import load_workbook


def template_of(client, ledger) -> bytes:
    response = client.get(reverse("import_template", args=[ledger]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def sample_of(template: bytes) -> dict:
    """The template's sample row as {header without *: value}, and a check of its notes sheet."""
    wb = load_workbook(io.BytesIO(template))
    ws = wb["导入模板"]
    headers = [str(c.value).rstrip("*") for c in ws[1]]
    noted = {row[0].value for row in wb["说明"].iter_rows()}
    assert set(headers) <= noted, "every column has a line on the 说明 sheet"
    return dict(zip(headers, [c.value for c in ws[2]], strict=False))


def drop_downs(template: bytes) -> set[str]:
    """Headers of the columns that carry a drop-down list."""
    ws = load_workbook(io.BytesIO(template))["导入模板"]
    out = set()
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out.add(str(ws.cell(row=1, column=rng.min_col).value).rstrip("*"))
    return out
