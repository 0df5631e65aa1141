"""A demo step for the runner's tests: records its calls, and can fail after writing a row."""

calls: list = []
fail = False


def seed(*, rng, today, log) -> None:
    from apps.regions.models import Region
    from apps.registry.services import department_create

    calls.append((rng.random(), today))
    department_create(
        actor=None,
        data={
            "name": f"演示步骤测试部门{len(calls)}",
            "kind": "other",
            "region": Region.objects.get(code="371300"),
        },
    )
    if fail:
        raise RuntimeError("stub failed")
    log("stub ran")
