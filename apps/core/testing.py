"""Test helpers shared by every app: the persona password, the real NBS codes the persona world
uses, and generators of valid identifiers. The world itself is built by apps/accounts/testing.py
(personas) and each app's `testing.world_objects` (its contribution.world); core names no app.
"""

from __future__ import annotations

import datetime
import random

from apps.core.validators import credit_code_check_char, id_number_check_char

PASSWORD = "demo-pass-2026"

# Real NBS codes used by the persona world.
CITY = "371300"  # 临沂市
COUNTY = "371311"  # 罗庄区
STREET = "371311003"  # 盛庄街道
COMMUNITY = "371311003003"  # 后盛庄社区
OTHER_COUNTY = "371302"  # 兰山区
OTHER_STREET = "371302001"  # 兰山街道
OTHER_COMMUNITY = "371302001001"  # 前十里堡社区
HEZE = "371700"


def make_credit_code(rng: random.Random, region: str = "371300") -> str:
    """A valid unified social credit code (GB 32100) for generated companies."""
    charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + region + "".join(rng.choice("0123456789") for _ in range(8)) + rng.choice(charset)
    return body + credit_code_check_char(body)


def make_id_number(rng: random.Random, area: str = "371311") -> str:
    """A valid resident ID number (GB 11643) with a real birth date, for generated owners."""
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(0, 365 * 50))
    body = f"{area}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return body + id_number_check_char(body)
