"""The SMS interface: `send_sms(phone, text)` through the backend named in settings.SMS_BACKEND.

Backends: ConsoleBackend (default; writes to the log with the number masked), LocmemBackend
(tests: messages collect in `apps.notifications.sms.outbox`), DummyBackend (drops everything).
A real gateway is one more class with the same `send_messages` method.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from apps.core.validators import mask_mobile, normalize_mobile

log = logging.getLogger("apps.notifications.sms")

outbox: list[SmsMessage] = []


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    text: str


class BaseSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    def send_messages(self, messages):
        for m in messages:
            log.info("短信 → %s：%s", mask_mobile(m.phone), m.text)
        return len(messages)


class LocmemBackend(BaseSmsBackend):
    def send_messages(self, messages):
        outbox.extend(messages)
        return len(messages)


class DummyBackend(BaseSmsBackend):
    def send_messages(self, messages):
        return len(messages)


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str) -> int:
    phone = normalize_mobile(phone)
    if not phone:
        return 0
    signature = settings.SMS_SIGNATURE
    return get_backend().send_messages([SmsMessage(phone=phone, text=f"{signature}{text}")])
