"""Programmes' daily jobs (also `manage.py pairing_reminders` and `manage.py programs_sync_modes`)."""

from apps.jobs.registry import daily, handler


@handler("programs.pairing_reminders", label="大手牵小手到期提醒", schedule=daily(8, 0))
def pairing_reminders_job(ctx) -> dict:
    from apps.programs.services import pairing_reminders_send

    return {"sent": pairing_reminders_send()}


@handler("programs.sync_modes", label="按服务安排更新小区管理模式", schedule=daily(0, 10))
def sync_modes_job(ctx) -> dict:
    from apps.programs.services import modes_sync

    return {"changed": modes_sync()}
