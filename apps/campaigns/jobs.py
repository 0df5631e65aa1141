"""Campaigns' periodic job: cards and escalation of overdue decisions (also `manage.py campaigns_sweep`)."""

from datetime import timedelta

from apps.jobs.registry import handler


@handler(
    "campaigns.sweep", label="民生项目黄牌红牌与逾期督办", max_attempts=1, schedule=timedelta(minutes=10)
)
def campaigns_sweep_job(ctx) -> dict:
    from apps.campaigns.sweep import campaigns_sweep

    return {"report": str(campaigns_sweep())}
