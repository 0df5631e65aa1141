"""The publication deadline: a closed decision not posted within the statutory days is reported
to the community and street desks exactly once; publishing tells the compound's residents."""

import datetime
import io

from django.core.management import call_command

from apps.notifications.models import Notification
from apps.voting import services
from apps.voting.sweep import OVERDUE_VERB, publish_due_on, voting_sweep


def _closed(open_decision, users):
    return services.decision_close(decision=open_decision, actor=users["committee"], note="测试提前截止")


def test_an_unpublished_result_is_reported_once_after_the_third_day(open_decision, users):
    from apps.core.models import Event

    d = _closed(open_decision, users)
    due = publish_due_on(d)
    closed = d.closed_at
    assert due == (closed + datetime.timedelta(days=3)).astimezone().date()
    # on the last day: still in time
    assert voting_sweep(now=closed + datetime.timedelta(days=3)).overdue == 0
    later = closed + datetime.timedelta(days=4, hours=1)
    report = voting_sweep(now=later)
    assert report.overdue == 1
    inbox = Notification.objects.filter(kind="voting", title__startswith="表决结果逾期未公布")
    desks = {n.recipient.role for n in inbox}
    assert desks == {"community", "street"}
    assert inbox.filter(recipient=users["community"]).exists()
    # cron again: nothing more
    assert voting_sweep(now=later + datetime.timedelta(days=1)).overdue == 0
    assert Event.objects.filter(verb=OVERDUE_VERB, object_id=str(d.pk)).count() == 1
    before = inbox.count()
    call_command("voting_sweep", stdout=io.StringIO())
    assert inbox.count() == before


def test_a_published_result_is_not_reported_and_reaches_the_residents(open_decision, users):
    d = _closed(open_decision, users)
    d = services.decision_publish(decision=d, actor=users["committee"])
    notices = Notification.objects.filter(kind="voting", title__startswith="表决结果公告")
    assert notices.filter(recipient=users["resident"]).exists()
    assert notices.filter(recipient=users["committee"]).exists()
    assert voting_sweep(now=d.closed_at + datetime.timedelta(days=30)).overdue == 0
