"""E-mail and SMS delivery as a background job: retried with backoff, each message sent once."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.utils import timezone

from apps.jobs.registry import handler
from apps.notifications.models import Delivery
from apps.notifications.services import delivery_job_ensure
from apps.notifications.sms import send_sms

CLAIM_BATCH = 500  # rows a job claims at a time
CLAIM_ROUNDS = 20  # claims per job; then a successor job takes over
POLL_SECONDS = 0.25  # while lingering
_sleep = time.sleep  # tests write a late row while the job waits


def _claim(job_id: int) -> int:
    free = Delivery.objects.filter(job__isnull=True, sent_at__isnull=True).order_by("pk")
    return Delivery.objects.filter(
        pk__in=list(free.values_list("pk", flat=True)[:CLAIM_BATCH]), job__isnull=True
    ).update(job_id=job_id)


@handler("notifications.deliver", label="发送邮件与短信", max_attempts=5)
def deliver(ctx) -> dict:
    """Send what this job has claimed and not yet sent, then claim the unclaimed rows (written by
    any change since) and send those, marking each as it goes: a failure (the mail server down)
    is retried later from the first unsent one, never resending the rest. Two jobs never claim
    the same row (the claim is one UPDATE … WHERE job IS NULL).

    The job ends only after NOTIFY_DELIVERY_LINGER_SECONDS without a row to claim: web processes
    that saw it waiting do not ask again for half that time (services.delivery_job_ensure), so a
    row committed meanwhile is still claimed. After CLAIM_ROUNDS claims it queues a successor."""
    sent = claims = 0
    connection = None
    idle_since = None
    linger = settings.NOTIFY_DELIVERY_LINGER_SECONDS
    while True:
        pending = list(Delivery.objects.filter(job_id=ctx.job.pk, sent_at__isnull=True).order_by("pk"))
        if not pending:
            if claims >= CLAIM_ROUNDS:
                delivery_job_ensure(recheck=True)
                break
            if _claim(ctx.job.pk):
                claims += 1
                idle_since = None
                continue
            idle_since = idle_since if idle_since is not None else time.monotonic()
            if time.monotonic() - idle_since >= linger:
                break
            _sleep(min(POLL_SECONDS, linger))
            continue
        known = sent + len(pending)
        for item in pending:
            if item.channel == Delivery.Channel.EMAIL:
                connection = connection or get_connection(fail_silently=False)
                EmailMessage(
                    subject=item.subject, body=item.text, to=[item.email], connection=connection
                ).send()
            else:
                send_sms(item.phone, item.text)
            Delivery.objects.filter(pk=item.pk, sent_at__isnull=True).update(sent_at=timezone.now())
            sent += 1
            ctx.progress(sent, known)
    return {"sent": sent, "email_backend": settings.EMAIL_BACKEND.rsplit(".", 1)[-1]}


@handler(
    "notifications.deliver_sweep",
    label="补发未认领的邮件与短信",
    max_attempts=1,
    schedule=timedelta(minutes=1),
)
def deliver_sweep(ctx) -> dict:
    """Rows no job claimed — their change's after-commit hook failed (the database gone for a
    moment), or no worker ran — get a delivery job within a minute."""
    waiting = Delivery.objects.filter(job__isnull=True, sent_at__isnull=True).exists()
    if waiting:
        delivery_job_ensure(recheck=True)
    return {"unclaimed": waiting}
