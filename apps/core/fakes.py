"""Generators of valid-looking identifiers for demo and test data (never real people or companies).

Demo seeding uses these, so they live outside apps/core/testing.py (a test-only module)."""

from __future__ import annotations

import datetime
import random

from apps.core.validators import credit_code_check_char, id_number_check_char, org_code_check_char


def make_org_code(rng: random.Random) -> str:
    """A GB 11714 organisation code: eight digits and their check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    return body + org_code_check_char(body)


def make_credit_code(rng: random.Random, region: str = "371300") -> str:
    """A unified social credit code (GB 32100) whose embedded organisation code (positions 9–17)
    also passes GB 11714, so generated companies carry no "核对营业执照" warning."""
    body = "91" + region + make_org_code(rng)
    return body + credit_code_check_char(body)


def make_id_number(rng: random.Random, area: str = "371311") -> str:
    """A valid resident ID number (GB 11643) with a real birth date, for generated owners."""
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 50))
    body = f"{area}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_number_check_char(body)
