"""Rooms and bookings: opening hours, no overlap, approval, cancellation, check-in, weekly series
around a holiday and an existing booking, usage statistics, pages and API scoped."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.errors import ConflictError, ForbiddenError
from apps.spaces import services
from apps.spaces.models import Booking
from apps.spaces.selectors import centre_usage, free_slots

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone()
NOW = datetime.datetime(2026, 9, 15, 9, 0, tzinfo=TZ)  # a Tuesday


def at(day, hh, mm=0):
    return datetime.datetime.combine(day, datetime.time(hh, mm), tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


def book(world, room, start, end, who="resident", use="choir", title="合唱排练", **kw):
    return services.booking_create(
        actor=world.users[who], room=room, starts_at=start, ends_at=end, use=use, title=title, **kw
    )


DAY = datetime.date(2026, 9, 17)  # Thursday


def test_booking_pending_then_approved(sworld, clock):
    room = sworld.own["room"]  # requires approval
    b = book(sworld, room, at(DAY, 9), at(DAY, 11))
    assert b.status == "pending"
    with pytest.raises(ForbiddenError):
        services.booking_approve(booking=b, actor=sworld.users["resident"])
    with pytest.raises(ForbiddenError):
        services.booking_approve(booking=b, actor=sworld.users["other_county"])
    services.booking_approve(booking=b, actor=sworld.users["community"])
    b.refresh_from_db()
    assert b.status == "approved" and b.decided_by == sworld.users["community"]
    with pytest.raises(ConflictError):
        services.booking_approve(booking=Booking.objects.get(pk=b.pk), actor=sworld.users["committee"])


def test_room_without_approval_confirms_at_once(sworld, clock):
    room = services.room_update(room=sworld.own["room"], actor=None, data={"requires_approval": False})
    assert book(sworld, room, at(DAY, 9), at(DAY, 11)).status == "approved"


@pytest.mark.parametrize(
    "start,end,field,text",
    [
        ((7, 0), (9, 0), "starts_at", "超出开放时间"),
        ((20, 0), (21, 30), "starts_at", "超出开放时间"),
        ((10, 0), (9, 0), "ends_at", "结束时间必须晚于开始时间"),
        ((10, 0), (10, 0), "ends_at", "结束时间必须晚于开始时间"),
    ],
)
def test_outside_opening_hours_refused(sworld, clock, start, end, field, text):
    with pytest.raises(ValidationError) as exc:
        book(sworld, sworld.own["room"], at(DAY, *start), at(DAY, *end))
    assert text in exc.value.message_dict[field][0]
    assert not Booking.objects.exists()


def test_closed_weekday_past_and_wrong_use_refused(sworld, clock):
    room = services.room_update(room=sworld.own["room"], actor=None, data={"open_weekdays": [0, 1, 2, 3, 4]})
    with pytest.raises(ValidationError) as exc:
        book(sworld, room, at(datetime.date(2026, 9, 19), 9), at(datetime.date(2026, 9, 19), 10))
    assert "不开放" in exc.value.message_dict["starts_at"][0]
    with pytest.raises(ValidationError) as exc:
        book(sworld, room, at(datetime.date(2026, 9, 14), 9), at(datetime.date(2026, 9, 14), 10))
    assert "已经过去" in exc.value.message_dict["starts_at"][0]
    with pytest.raises(ValidationError) as exc:
        book(sworld, room, at(DAY, 9), at(DAY, 10), use="canteen")
    assert "use" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        book(sworld, room, at(DAY, 9), at(DAY, 10), attendees=31)
    assert "容纳" in exc.value.message_dict["attendees"][0]


def test_overlap_refused_adjacent_allowed_cancel_frees(sworld, clock):
    room = sworld.own["room"]
    first = book(sworld, room, at(DAY, 9), at(DAY, 11))
    for s, e in [((10, 0), (12, 0)), ((8, 0), (9, 30)), ((9, 0), (11, 0)), ((9, 30), (10, 0))]:
        with pytest.raises(ConflictError):
            book(sworld, room, at(DAY, *s), at(DAY, *e), who="committee")
    assert book(sworld, room, at(DAY, 11), at(DAY, 12), who="committee").pk  # touching is fine
    with pytest.raises(ForbiddenError):
        services.booking_cancel(
            booking=first, actor=sworld.users["committee"] if False else sworld.users["company"]
        )
    services.booking_cancel(booking=first, actor=sworld.users["resident"])
    assert book(sworld, room, at(DAY, 9), at(DAY, 11), who="committee").status == "pending"


def test_other_compound_room_refused(sworld, clock):
    with pytest.raises(ForbiddenError):
        book(sworld, sworld.other["room"], at(DAY, 9), at(DAY, 10))


def test_check_in_window(sworld):
    room = services.room_update(room=sworld.own["room"], actor=None, data={"requires_approval": False})
    with time_machine.travel(NOW, tick=False):
        b = book(sworld, room, at(DAY, 9), at(DAY, 11))
    from apps.core.errors import DomainError

    with time_machine.travel(at(DAY, 8), tick=False), pytest.raises(DomainError):
        services.booking_check_in(booking=b, actor=sworld.users["resident"])
    with time_machine.travel(at(DAY, 8, 45), tick=False):
        services.booking_check_in(booking=b, actor=sworld.users["resident"])
    b.refresh_from_db()
    assert b.status == "checked_in"


def test_weekly_series_skips_holiday_and_existing_booking(sworld, clock):
    room = services.room_update(room=sworld.own["room"], actor=None, data={"requires_approval": False})
    tuesday = datetime.date(2026, 10, 13)
    existing = book(
        sworld,
        room,
        at(tuesday, 10),
        at(tuesday, 12),
        who="committee",
        title="业委会例会",
        use="moral_lecture",
    )
    series, report = services.booking_series_create(
        actor=sworld.users["resident"],
        room=room,
        weekday=1,  # 合唱每周二上午
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 0),
        first_date=datetime.date(2026, 9, 16),
        last_date=datetime.date(2026, 10, 20),
        use="choir",
        title="合唱排练",
        group_name="盛庄花园合唱团",
    )
    days = [timezone.localtime(b.starts_at).date() for b in report.created]
    assert days == [datetime.date(2026, 9, 22), datetime.date(2026, 9, 29), datetime.date(2026, 10, 20)]
    assert report.holidays == [datetime.date(2026, 10, 6)]  # 国庆节
    assert report.conflicts == [(tuesday, str(existing))]
    assert "10-06" in report.text and "10-13" in report.text
    assert series.report["holidays"] == ["2026-10-06"]


def test_weekly_series_refuse_saves_nothing(sworld, clock):
    room = sworld.own["room"]
    book(sworld, room, at(datetime.date(2026, 9, 29), 9), at(datetime.date(2026, 9, 29), 10), who="committee")
    count = Booking.objects.count()
    with pytest.raises(ConflictError) as exc:
        services.booking_series_create(
            actor=sworld.users["resident"],
            room=room,
            weekday=1,
            start_time=datetime.time(9),
            end_time=datetime.time(11),
            first_date=datetime.date(2026, 9, 16),
            last_date=datetime.date(2026, 10, 20),
            use="choir",
            title="合唱",
            on_conflict="refuse",
        )
    assert "09-29" in exc.value.message
    assert Booking.objects.count() == count


def test_usage_statistics_by_room_and_use(sworld, clock):
    room = sworld.own["room"]  # 08:00–21:00 = 13 h a day, every day
    start, end = DAY, DAY + datetime.timedelta(days=1)
    b = book(sworld, room, at(DAY, 9), at(DAY, 11))
    book(sworld, room, at(DAY, 14), at(DAY, 15, 30), use="reading", title="读书会", who="committee")
    u = centre_usage(sworld.own["servicecentre"], start, end)
    assert u.open_hours == 13 and u.booked_hours == 0  # pending bookings are not use yet
    services.booking_approve(booking=b, actor=sworld.users["community"])
    u = centre_usage(sworld.own["servicecentre"], start, end)
    assert u.booked_hours == 2 and u.percent == Decimal("15.4")
    assert u.rooms[0].by_use == {"choir": 2}
    assert [(s.starts_at.hour, s.ends_at.hour) for s in free_slots(room, DAY)] == [(8, 9), (11, 14), (15, 21)]


def test_room_page_books_and_reports_errors(sworld, client_for, clock):
    room = sworld.own["room"]
    c = client_for("resident")
    r = c.get(f"/spaces/rooms/{room.pk}/?day={DAY}")
    assert r.status_code == 200 and "空闲 08:00–21:00" in r.content.decode()
    form = {
        "kind": "single",
        "day": DAY.isoformat(),
        "start": "07:00",
        "end": "09:00",
        "use": "choir",
        "title": "合唱",
        "attendees": 10,
    }
    r = c.post(f"/spaces/rooms/{room.pk}/", form)
    assert r.status_code == 400 and "超出开放时间" in r.content.decode()
    form.update(start="09:00", end="11:00")
    assert c.post(f"/spaces/rooms/{room.pk}/", form).status_code == 302
    form.update(start="10:00", end="12:00")
    r = c.post(f"/spaces/rooms/{room.pk}/", form)
    assert r.status_code == 400 and "冲突" in r.content.decode()
    assert Booking.objects.count() == 1
    assert client_for("other_county").get(f"/spaces/rooms/{room.pk}/").status_code == 404
    assert client_for("outsider").get(f"/spaces/rooms/{room.pk}/").status_code == 404


def test_centre_page_approve_and_stats(sworld, client_for, clock):
    b = book(sworld, sworld.own["room"], at(DAY, 9), at(DAY, 11))
    c = client_for("community")
    page = c.get(f"/spaces/centres/{sworld.own['servicecentre'].pk}/?from={DAY}&to={DAY}").content.decode()
    assert "合唱排练" in page and "0.0%" in page
    assert c.post(f"/spaces/bookings/{b.pk}/approve/").status_code == 302
    page = c.get(f"/spaces/centres/{sworld.own['servicecentre'].pk}/?from={DAY}&to={DAY}").content.decode()
    assert "15.4%" in page
    r = client_for("resident").post(f"/spaces/bookings/{b.pk}/reject/", {"note": "x"})
    assert r.status_code == 403


def test_booking_lists_scoped_names_masked(sworld, client_for, api_get, django_assert_max_num_queries, clock):
    book(sworld, sworld.own["room"], at(DAY, 9), at(DAY, 11))
    c = client_for("committee")
    with django_assert_max_num_queries(15):
        html = c.get("/spaces/bookings/").content.decode()
    assert "合唱排练" in html and sworld.users["resident"].display_name not in html
    assert "合唱排练" not in client_for("other_county").get("/spaces/bookings/").content.decode()
    assert client_for("outsider").get("/spaces/bookings/").status_code == 403
    api_get("/api/v1/spaces/rooms", as_="resident")
    with django_assert_max_num_queries(8):
        rows = api_get("/api/v1/spaces/bookings", as_="resident").json()["results"]
    assert len(rows) == 1
    assert api_get("/api/v1/spaces/bookings", as_="other_county").json()["count"] == 0
    avail = api_get(
        f"/api/v1/spaces/rooms/{sworld.own['room'].pk}/availability", as_="resident", day=DAY.isoformat()
    )
    assert avail.status_code == 200 and len(avail.json()["bookings"]) == 1
    assert (
        api_get(f"/api/v1/spaces/rooms/{sworld.own['room'].pk}/availability", as_="heze_city").status_code
        == 404
    )


def test_api_booking_create_conflict_and_bad_input(sworld, client_for, clock):
    c = client_for("resident")
    room = sworld.own["room"].pk
    body = {
        "room": room,
        "starts_at": at(DAY, 9).isoformat(),
        "ends_at": at(DAY, 11).isoformat(),
        "use": "choir",
        "title": "合唱",
    }
    r = c.post("/api/v1/spaces/bookings", body, content_type="application/json")
    assert r.status_code == 201, r.content
    r = c.post("/api/v1/spaces/bookings", body, content_type="application/json")
    assert r.status_code == 409
    bad = {**body, "starts_at": at(DAY, 6).isoformat()}
    r = c.post("/api/v1/spaces/bookings", bad, content_type="application/json")
    assert r.status_code == 400 and "starts_at" in r.json()["field_errors"]
    r = c.post(
        "/api/v1/spaces/bookings", {**body, "room": sworld.other["room"].pk}, content_type="application/json"
    )
    assert r.status_code == 404
