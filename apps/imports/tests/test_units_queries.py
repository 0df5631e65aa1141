"""What validating the units-and-owners ledger costs per row (apps/registry/bulk.py,
docs/benchmarks.md "Ledger imports"): once owners exist in scope, one query — the owner's
natural-key lookup by ID-number hash; the compound, building and unit come from the file's
caches and the unit's building is not checked again by a query of its own."""

import random

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.core.fakes import make_id_number
from apps.imports.engine import validate_batch
from apps.imports.models import BatchStatus, ImportBatch
from apps.imports.tests.conftest import xlsx
from apps.imports.tests.test_imports import UNIT_HEADERS as HEADERS

pytestmark = pytest.mark.django_db


def _queries(world, n: int) -> int:
    rng = random.Random(n)
    rows = [
        [
            world.compound.code,
            world.own["building"].name,
            "5单元",
            f"{i + 1:03d}",
            "88.5",
            f"业主{i}",
            f"1390000{i:04d}",
            make_id_number(rng),
            "2024/5/1",
        ]
        for i in range(n)
    ]
    batch = ImportBatch(ledger="units", owner=world.users["county"], original_name=f"{n}.xlsx", size=1)
    batch.status = BatchStatus.VALIDATING
    batch.file.save(f"{n}.xlsx", ContentFile(xlsx(HEADERS, rows)), save=False)
    batch.save()
    with CaptureQueriesContext(connection) as captured:
        counts = validate_batch(batch)
    assert (counts["rows"], counts["create"], counts["problems"]) == (n, n, 0)
    return len(captured.captured_queries)


def test_validating_units_and_owners_costs_one_query_per_row(world):
    assert _queries(world, 40) - _queries(world, 10) == 30
