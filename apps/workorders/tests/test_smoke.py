import time_machine

from apps.workorders import services
from apps.workorders.choices import Status
from apps.workorders.tests.helpers import at, fresh, to_called_back


def test_happy_path(world, users, django_capture_on_commit_callbacks):
    with time_machine.travel(at(2026, 3, 2), tick=False), django_capture_on_commit_callbacks(execute=True):
        order = to_called_back(world, users)
        services.workorder_close(order=order, actor=users["community"])
    assert fresh(order).status == Status.CLOSED
