"""Tell the county and the street of pairings whose transition is within PAIRING_REMINDER_DAYS.

Idempotent and safe from cron on several machines at once (each reminder is claimed by a
compare-and-set on the pairing): `manage.py pairing_reminders` daily."""

from django.core.management.base import BaseCommand

from apps.programs.services import pairing_reminders_send


class Command(BaseCommand):
    help = "大手牵小手：到期前提醒县区和街道（可重复运行）"

    def handle(self, *args, **options):
        sent = pairing_reminders_send()
        self.stdout.write(f"已发送到期提醒 {sent} 条")
