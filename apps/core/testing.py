"""Test helpers shared by every app: the persona password, the real NBS codes the persona world
uses, and generators of valid identifiers. The world itself is built by apps/accounts/testing.py
(personas) and each app's `testing.world_objects` (its contribution.world); core names no app.

The generators live in apps/core/fakes.py (demo seeding uses them too and must not import this
test module); they are re-exported here for the tests.
"""

from __future__ import annotations

from apps.core.fakes import make_credit_code, make_id_number

__all__ = ["make_credit_code", "make_id_number"]

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
