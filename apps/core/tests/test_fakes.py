"""Demo identifiers look real to the checks officials see (issue 13 item 4)."""

import pathlib
import random

from apps.core.fakes import make_credit_code, make_id_number
from apps.core.validators import check_credit_code, check_id_number, org_code_warning


def test_generated_credit_codes_pass_the_embedded_organisation_code_check():
    rng = random.Random(1)
    codes = [make_credit_code(rng, "371311") for _ in range(500)]
    assert all(check_credit_code(c) is None for c in codes)
    assert [c for c in codes if org_code_warning(c)] == []


def test_generated_id_numbers_are_valid():
    rng = random.Random(2)
    assert all(check_id_number(make_id_number(rng)) is None for _ in range(200))


def test_demo_and_runtime_code_never_import_the_test_helpers():
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if "tests" in rel.parts or path.name in {"conftest.py", "testing.py"}:
            continue
        text = path.read_text(encoding="utf-8")
        if "apps.core.testing" in text:
            offenders.append(str(rel))
    assert offenders == []
