"""Deadlines and progress as the pages say them (pure functions)."""

import datetime

import time_machine

from apps.workorders.choices import Status
from apps.workorders.models import WorkOrder
from apps.workorders.templatetags.workorders import deadline, span_cn, when_cn
from apps.workorders.tests.helpers import at
from apps.workorders.views.common import stage_sentence, steps_for


def test_a_deadline_at_midnight_reads_as_24_00_of_the_day_before():
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):  # Monday
        assert when_cn(at(2026, 3, 4, 0, 0)) == "明天 3月3日（周二）24:00"
        assert when_cn(at(2026, 3, 2, 15, 30)) == "今天 3月2日（周一）15:30"
        assert when_cn(at(2026, 3, 9, 0, 0)) == "3月8日（周日）24:00"
        assert when_cn(at(2027, 1, 5, 0, 0)) == "2027年1月4日（周一）24:00"
        assert deadline(at(2026, 3, 4, 0, 0)) == "明天 3月3日（周二）24:00前（还剩1天15小时）"
        assert deadline(at(2026, 3, 2, 8, 0)) == "今天 3月2日（周一）08:00前（已超期1小时）"
        assert deadline(None) == "期限待定"


def test_spans():
    assert span_cn(datetime.timedelta(minutes=20)) == "20分钟"
    assert span_cn(datetime.timedelta(hours=2, minutes=5)) == "2小时5分钟"
    assert span_cn(datetime.timedelta(days=3)) == "3天"
    assert span_cn(datetime.timedelta(seconds=5)) == "1分钟"


def test_who_must_act_by_when():
    with time_machine.travel(at(2026, 3, 2, 9), tick=False):
        order = WorkOrder(status=Status.SIGNED, level="community", due_at=at(2026, 3, 6, 0, 0))
        assert stage_sentence(order) == "处理单位应在3月5日（周四）24:00前（还剩3天15小时）办结"
        order = WorkOrder(status=Status.ACCEPTED, level="street", due_at=None, calendar_missing=True)
        assert stage_sentence(order) == "街道应在期限待定（当年法定节假日安排尚未录入）派给处理单位"
        assert stage_sentence(WorkOrder(status=Status.CLOSED)) == ""


def test_steps_follow_the_status():
    steps = steps_for(WorkOrder(status=Status.DISPATCHED), [])
    assert [s.state for s in steps] == ["done", "done", "done", "current", "todo", "todo", "todo"]
    steps = steps_for(WorkOrder(status=Status.CLOSED), [])
    assert all(s.state == "done" for s in steps)
    steps = steps_for(WorkOrder(status=Status.REJECTED), [])  # only the submission happened
    assert [s.state for s in steps] == ["done"] + ["todo"] * 6
