"""E-mail and SMS delivery as a background job: retried with backoff, each message sent once."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.utils import timezone

from apps.jobs.registry import handler
from apps.notifications.models import Delivery
from apps.notifications.sms import send_sms


@handler("notifications.deliver", label="发送邮件与短信", max_attempts=5)
def deliver(ctx) -> dict:
    """Send what this job's deliveries still have unsent, marking each as it goes: a failure
    (the mail server down) is retried later from the first unsent one, never resending the rest."""
    pending = list(Delivery.objects.filter(job_id=ctx.job.pk, sent_at__isnull=True).order_by("pk"))
    connection = None
    for i, item in enumerate(pending):
        if item.channel == Delivery.Channel.EMAIL:
            connection = connection or get_connection(fail_silently=False)
            EmailMessage(subject=item.subject, body=item.text, to=[item.email], connection=connection).send()
        else:
            send_sms(item.phone, item.text)
        Delivery.objects.filter(pk=item.pk, sent_at__isnull=True).update(sent_at=timezone.now())
        ctx.progress(i + 1, len(pending))
    return {"sent": len(pending), "email_backend": settings.EMAIL_BACKEND.rsplit(".", 1)[-1]}
