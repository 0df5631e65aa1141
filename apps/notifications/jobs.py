"""E-mail and SMS delivery as a background job: retried with backoff, each message sent once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.utils import timezone

from apps.jobs.registry import handler
from apps.notifications.models import Delivery
from apps.notifications.sms import send_sms

CLAIM_BATCH = 500  # rows a job claims at a time
CLAIM_ROUNDS = 20  # then it ends; rows that arrive later get the next job (delivery_job_ensure)


@handler("notifications.deliver", label="发送邮件与短信", max_attempts=5)
def deliver(ctx) -> dict:
    """Send what this job has claimed and not yet sent, then claim the unclaimed rows (written by
    any change since) and send those, marking each as it goes: a failure (the mail server down)
    is retried later from the first unsent one, never resending the rest. Two jobs never claim
    the same row (the claim is one UPDATE … WHERE job IS NULL)."""
    sent = 0
    connection = None
    for _ in range(CLAIM_ROUNDS):
        pending = list(Delivery.objects.filter(job_id=ctx.job.pk, sent_at__isnull=True).order_by("pk"))
        if not pending:
            free = Delivery.objects.filter(job__isnull=True, sent_at__isnull=True).order_by("pk")
            claimed = Delivery.objects.filter(
                pk__in=list(free.values_list("pk", flat=True)[:CLAIM_BATCH]), job__isnull=True
            ).update(job_id=ctx.job.pk)
            if not claimed:
                break
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
