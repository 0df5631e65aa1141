import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apps.imports.models import ImportBatch
from apps.jobs.testing import drain


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.IMPORTS_ROOT = tmp_path / "imports"


def xlsx(headers, rows, *, template: bytes | None = None) -> bytes:
    """A workbook: headers then rows; or the downloaded template with its rows from row 2 replaced."""
    if template is not None:
        wb = load_workbook(io.BytesIO(template))
        ws = wb["导入模板"]
        ws.delete_rows(2, ws.max_row)
        for r in rows:
            ws.append(r)
    else:
        wb = Workbook()
        ws = wb.active
        ws.append(headers)
        for r in rows:
            ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def importer(django_capture_on_commit_callbacks):
    """importer(client, "units", content) → (response, batch) after the validation job ran;
    importer.commit(client, batch) → batch after the commit job ran."""

    class Importer:
        def __call__(self, client, ledger, content, name="data.xlsx"):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(
                    reverse("import_start", args=[ledger]), {"file": SimpleUploadedFile(name, content)}
                )
            drain()
            batch = ImportBatch.objects.order_by("-created_at").first()
            if batch is not None:
                batch.refresh_from_db()
            return response, batch

        def commit(self, client, batch):
            with django_capture_on_commit_callbacks(execute=True):
                response = client.post(reverse("import_batch_commit", args=[batch.pk]))
            assert response.status_code == 302
            drain()
            batch.refresh_from_db()
            return batch

        def problems(self, batch):
            return [(p.row, p.column, p.message) for p in batch.problems.all()]

    return Importer()
