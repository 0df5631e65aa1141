"""Every schema in the OpenAPI document has one definition: two apps' routers with a schema of the
same class name would otherwise share one component, and one app's answers would be documented
(and validated by schemathesis) with the other's fields."""

import inspect
import sys
from collections import defaultdict

from pydantic import BaseModel


def test_no_two_api_schemas_share_a_name():
    import apps.api.v1  # noqa: F401 — mounts every app's router

    defined = defaultdict(set)
    for name, module in list(sys.modules.items()):
        if not name.startswith("apps."):
            continue
        for value in list(vars(module).values()):
            if inspect.isclass(value) and issubclass(value, BaseModel) and value.__module__ == name:
                defined[value.__name__].add(name)
    clashes = {k: sorted(v) for k, v in defined.items() if len(v) > 1}
    assert not clashes, clashes
