"""Template filters of the work-order pages: deadlines in plain Chinese, status and card tags."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from apps.workorders.choices import SlaCard, Status

register = template.Library()

WEEKDAYS = "一二三四五六日"
STATUS_KIND = {
    Status.SUBMITTED: "warn",
    Status.ACCEPTED: "warn",
    Status.DISPATCHED: "gold",
    Status.SIGNED: "gold",
    Status.RESOLVED: "ok",
    Status.CALLED_BACK: "ok",
    Status.CLOSED: "done",
    Status.REJECTED: "",
    Status.MERGED: "",
}


def when_cn(value: datetime.datetime, now: datetime.datetime | None = None) -> str:
    """A deadline as people say it: "3月3日（周二）24:00". Deadlines are exclusive bounds at
    midnight (the end of the last day), so midnight reads as 24:00 of the day before."""
    local = timezone.localtime(value)
    today = timezone.localtime(now or timezone.now()).date()
    if local.time() == datetime.time(0, 0):
        day, clock = local.date() - datetime.timedelta(days=1), "24:00"
    else:
        day, clock = local.date(), f"{local:%H:%M}"
    named = {
        today: "今天",
        today + datetime.timedelta(days=1): "明天",
        today - datetime.timedelta(days=1): "昨天",
    }
    date_text = f"{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"
    if day.year != today.year:
        date_text = f"{day.year}年{date_text}"
    if day in named:
        date_text = f"{named[day]} {date_text}"
    return f"{date_text}{clock}"


def span_cn(delta: datetime.timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"
    return f"{max(minutes, 1)}分钟"


def left_cn(value: datetime.datetime, now: datetime.datetime | None = None) -> str:
    now = now or timezone.now()
    if value > now:
        return f"还剩{span_cn(value - now)}"
    return f"已超期{span_cn(now - value)}"


@register.filter
def deadline(value, mode: str = "") -> str:
    """`{{ order.due_at|deadline }}` → "3月3日（周二）24:00前（还剩1天5小时）"."""
    if not value:
        return "期限待定"
    text = f"{when_cn(value)}前"
    if mode != "plain":
        text += f"（{left_cn(value)}）"
    return text


@register.filter
def when(value) -> str:
    return when_cn(value) if value else "—"


@register.filter
def status_tag(order) -> str:
    kind = STATUS_KIND.get(order.status, "")
    return format_html('<span class="tag tag-{}">{}</span>', kind or "plain", order.get_status_display())


@register.filter
def card_tag(order) -> str:
    if order.sla_card == SlaCard.RED:
        return format_html('<span class="tag tag-red" title="{}">红牌·超期</span>', "已超过本环节期限")
    if order.sla_card == SlaCard.YELLOW:
        return format_html('<span class="tag tag-warn" title="{}">黄牌·临期</span>', "本环节即将到期")
    if order.calendar_missing and order.is_open:
        return format_html('<span class="tag">期限待定</span>')
    return ""


@register.filter
def yes_no(value) -> str:
    if value is None:
        return "—"
    return "是" if value else "否"
