"""Work orders' periodic job: the SLA sweep (also `manage.py sla_sweep`)."""

from datetime import timedelta

from apps.jobs.registry import handler


@handler("workorders.sla_sweep", label="工单时限巡检", max_attempts=1, schedule=timedelta(minutes=1))
def sla_sweep_job(ctx) -> dict:
    # One attempt: the next minute's sweep is the retry (the sweep is idempotent).
    from apps.workorders.sweep import sla_sweep

    return {"report": str(sla_sweep())}
