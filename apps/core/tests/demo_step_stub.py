"""A demo step for the runner's tests: records its calls, and can fail after writing a row."""

calls: list = []
fail = False


def seed(*, rng, today, log) -> None:
    from apps.core.services import event_record

    calls.append((rng.random(), today))
    event_record(
        actor=None, verb="stub.row", changes={"n": len(calls)}, note="演示步骤测试行", region_code=""
    )
    if fail:
        raise RuntimeError("stub failed")
    log("stub ran")
