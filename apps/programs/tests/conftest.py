"""Programme fixtures on top of the persona world: a public-welfare company and an unserved old
compound in 罗庄区 (the world's own county), and one of each in 兰山区 (the other county)."""

import datetime
import random
from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.core import testing as t


def _company(name, kind, region_code, seed):
    from apps.regions.models import Region
    from apps.registry.services import company_create

    return company_create(
        actor=None,
        data={
            "name": name,
            "credit_code": t.make_credit_code(random.Random(seed)),
            "kind": kind,
            "region": Region.objects.get(code=region_code),
        },
    )


def _compound(name, community_code, **extra):
    from apps.regions.models import Region
    from apps.registry.services import compound_create

    data = {
        "name": name,
        "community": Region.objects.get(code=community_code),
        "households": 36,
        "total_floor_area": Decimal("2400.00"),
        "year_built": 1992,
        "is_old": True,
        "management_mode": "none",
        **extra,
    }
    return compound_create(actor=None, data=data)


@pytest.fixture
def prog(world):
    """world + programme objects. `prog.welfare` public-welfare company (罗庄区), `prog.unserved`
    an old compound with no service (罗庄区, 后盛庄社区), `prog.other_*` the same in 兰山区."""
    return SimpleNamespace(
        world=world,
        welfare=_company("罗庄区公益物业服务有限公司", "public_welfare", t.COUNTY, 101),
        unserved=_compound(
            "沂蒙学院家属院", t.COMMUNITY, latitude=Decimal("35.000000"), longitude=Decimal("118.280000")
        ),
        other_welfare=_company("兰山区公益物业服务中心有限公司", "public_welfare", t.OTHER_COUNTY, 102),
        other_unserved=_compound("兰山老宿舍", t.OTHER_COMMUNITY),
        users=world.users,
        start=datetime.date(2024, 1, 1),
    )


# the import app's upload fixtures, for the arrangement ledger's tests (test_imports.py)
from apps.imports.tests.conftest import _private_root, importer  # noqa: E402, F401
