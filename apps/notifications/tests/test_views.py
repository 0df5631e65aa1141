"""The in-app inbox: the unread count in the top bar, the list, opening a message marks it
read, mark one or all as read; another user's messages are not found."""

import pytest
from django.urls import reverse

from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.workorders.tests.helpers import submit


@pytest.fixture
def messages_for(users):
    def make(key, n=1, link="/workorders/"):
        notify(recipients=[users[key]], kind="test", title=f"测试消息{n}", link=link, email=False)
        return Notification.objects.filter(recipient=users[key]).latest("id")

    return make


def test_the_top_bar_counts_unread(world, users, client_for, messages_for):
    messages_for("community", 1)
    messages_for("community", 2)
    html = client_for("community").get("/").content.decode()
    assert 'class="inbox-link"' in html and 'aria-label="2条未读"' in html


def test_a_submission_reaches_the_community_inbox(
    world, users, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = submit(world, users)
    html = client_for("community").get(reverse("notification_list")).content.decode()
    assert "新诉求待受理：环境卫生（盛庄花园）" in html
    note = Notification.objects.get(recipient=users["community"])
    response = client_for("community").get(reverse("notification_open", args=[note.pk]))
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    note.refresh_from_db()
    assert note.is_read


def test_mark_read_in_place_and_all(world, users, client_for, messages_for):
    a = messages_for("county", 1)
    messages_for("county", 2)
    client = client_for("county")
    response = client.post(reverse("notification_read", args=[a.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "已读" in response.content.decode()
    html = client.get(reverse("notification_list"), {"unread": "1"}).content.decode()
    assert "测试消息2" in html and "测试消息1" not in html
    client.post(reverse("notification_read_all"))
    assert not Notification.objects.filter(recipient=users["county"], read_at__isnull=True).exists()
    assert "没有未读消息" in client.get(reverse("notification_list"), {"unread": "1"}).content.decode()


def test_another_users_message_is_not_found(world, users, client_for, messages_for):
    theirs = messages_for("community")
    for persona in ("county", "city", "outsider"):
        client = client_for(persona)
        assert client.get(reverse("notification_open", args=[theirs.pk])).status_code == 404
        assert client.post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_an_outside_link_is_not_followed(world, users, client_for, messages_for):
    note = messages_for("community", link="https://evil.example/")
    response = client_for("community").get(reverse("notification_open", args=[note.pk]))
    assert response["Location"] == reverse("notification_list")


def test_empty_inbox_and_login_required(world, users, client_for, client):
    assert "暂无消息" in client_for("outsider").get(reverse("notification_list")).content.decode()
    client.logout()
    assert client.get(reverse("notification_list")).status_code == 302


def test_inbox_query_count(world, users, client_for, messages_for, django_assert_max_num_queries):
    for i in range(30):
        messages_for("community", i)
    client = client_for("community")
    client.get(reverse("notification_list"))
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notification_list")).status_code == 200
