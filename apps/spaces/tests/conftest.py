import pytest


@pytest.fixture
def sworld(world):
    """The persona world with one object of each 公共用房 model on each side (build_world adds them
    through the app's contribution; added here only if that did not happen)."""
    if "publicspace" not in world.own:
        from apps.spaces.testing import world_objects

        world_objects(world)
    return world


# the import app's upload fixtures, for the public-spaces ledger's tests (test_imports.py)
from apps.imports.tests.conftest import _private_root, importer  # noqa: E402, F401
