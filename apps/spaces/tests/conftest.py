import pytest


@pytest.fixture
def sworld(world):
    """The persona world with one object of each 公共用房 model on each side."""
    from apps.spaces.testing import world_objects

    world_objects(world)
    return world
