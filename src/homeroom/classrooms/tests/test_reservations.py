import datetime
import threading
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from homeroom.classrooms import services
from homeroom.classrooms.models import Reservation
from homeroom.classrooms.tests.conftest import TODAY
from homeroom.core import services as core_services
from homeroom.core.exceptions import Conflict

pytestmark = pytest.mark.usefixtures("frozen")
ZONE = ZoneInfo("America/Chicago")
NEXT_TUESDAY = TODAY + datetime.timedelta(days=7)


def book(actor, resource, periods, *names, day=NEXT_TUESDAY, **more):
    return services.reservation_create(
        actor=actor, resource=resource, day=day, periods=[periods[n] for n in names], **more
    )


def test_periods_book_the_span_from_the_first_to_the_last(teacher, cart, periods):
    (reservation,) = book(teacher, cart, periods, "2", "3")
    assert reservation.periods == "Periods 2\N{EN DASH}3"
    local = timezone.localtime(reservation.starts_at)
    assert (local.date(), local.time()) == (NEXT_TUESDAY, datetime.time(8, 55))
    assert timezone.localtime(reservation.ends_at).time() == datetime.time(10, 40)
    assert reservation.status == "confirmed"
    assert reservation.holder == teacher


def test_an_overlapping_booking_is_refused_naming_who_holds_it(
    teacher, second_teacher, cart, periods
):
    teacher.first_name, teacher.last_name = "Maya", "Ortiz"
    teacher.save()
    book(teacher, cart, periods, "2", "3")
    with pytest.raises(Conflict, match="Maya Ortiz") as refused:
        book(second_teacher, cart, periods, "3", "4")
    assert "Periods 2\N{EN DASH}3" in str(refused.value)
    assert Reservation.objects.count() == 1


def test_back_to_back_bookings_are_allowed(teacher, second_teacher, cart):
    start = datetime.datetime.combine(NEXT_TUESDAY, datetime.time(9), ZONE)
    middle = start + datetime.timedelta(hours=1)
    services.reservation_create(actor=teacher, resource=cart, starts_at=start, ends_at=middle)
    services.reservation_create(
        actor=second_teacher,
        resource=cart,
        starts_at=middle,
        ends_at=middle + datetime.timedelta(hours=1),
    )
    assert Reservation.objects.count() == 2


def test_a_cancelled_booking_frees_its_time(teacher, second_teacher, cart, periods):
    (first,) = book(teacher, cart, periods, "2")
    services.reservation_set_status(actor=teacher, reservation=first, status="cancelled")
    (second,) = book(second_teacher, cart, periods, "2")
    assert second.holder == second_teacher


def test_weekly_series_skips_closed_days_and_stops_at_its_end(
    teacher, cart, periods, django_capture_on_commit_callbacks
):
    spring_break = NEXT_TUESDAY + datetime.timedelta(days=14)
    core_services.closed_day_add(
        actor=None, site=None, starts_on=spring_break, ends_on=spring_break, reason="Break"
    )
    last = NEXT_TUESDAY + datetime.timedelta(weeks=5, days=3)  # a Friday
    with django_capture_on_commit_callbacks(execute=True):
        made = book(teacher, cart, periods, "2", "3", repeat_until=last)
    days = [timezone.localtime(r.starts_at).date() for r in made]
    assert days == [NEXT_TUESDAY + datetime.timedelta(weeks=week) for week in (0, 1, 3, 4, 5)]
    assert len({r.series for r in made}) == 1 and made[0].series is not None
    (confirmation,) = mail.outbox
    assert confirmation.to == [teacher.email]
    assert "(5 times)" in confirmation.subject
    assert f"{spring_break:%a %-d %b %Y}" in confirmation.body.split("Skipped")[1]


def test_a_series_keeps_its_local_time_across_daylight_saving(teacher, cart, periods):
    """Daylight saving time starts on Sunday 14 March: 8:55 stays 8:55 in the school."""
    made = book(
        teacher, cart, periods, "2", repeat_until=NEXT_TUESDAY + datetime.timedelta(weeks=1)
    )
    assert [timezone.localtime(r.starts_at).time() for r in made] == [datetime.time(8, 55)] * 2
    utc = [r.starts_at.astimezone(datetime.UTC).hour for r in made]
    assert utc == [14, 13]


def test_a_clash_in_one_week_refuses_the_whole_series(teacher, second_teacher, cart, periods):
    book(second_teacher, cart, periods, "3", day=NEXT_TUESDAY + datetime.timedelta(weeks=2))
    with pytest.raises(Conflict, match="Jordan Lee"):
        book(
            teacher,
            cart,
            periods,
            "2",
            "3",
            repeat_until=NEXT_TUESDAY + datetime.timedelta(weeks=4),
        )
    assert Reservation.objects.count() == 1


def test_periods_on_a_closed_day_or_of_another_weekday_are_refused(teacher, cart, periods):
    core_services.closed_day_add(actor=None, site=None, starts_on=NEXT_TUESDAY, reason="Snow")
    with pytest.raises(ValidationError, match="closed"):
        book(teacher, cart, periods, "2")
    saturday = NEXT_TUESDAY + datetime.timedelta(days=4)
    with pytest.raises(ValidationError, match="bell schedule on Saturday"):
        book(teacher, cart, periods, "2", day=saturday)


def test_limits_past_length_and_notice(tech, teacher, cart, periods):
    with pytest.raises(ValidationError, match="passed"):
        book(teacher, cart, periods, "2", day=TODAY - datetime.timedelta(days=1))
    services.resource_update(actor=tech, resource=cart, max_minutes=60, advance_days=10)
    with pytest.raises(ValidationError, match="at most 60 minutes"):
        book(teacher, cart, periods, "2", "3")
    with pytest.raises(ValidationError, match="10 days ahead"):
        book(teacher, cart, periods, "2", day=NEXT_TUESDAY + datetime.timedelta(weeks=1))
    assert Reservation.objects.count() == 0
    book(teacher, cart, periods, "2")


def test_a_resource_that_needs_approval_waits_for_a_technician(
    tech, teacher, cart, periods, django_capture_on_commit_callbacks
):
    services.resource_update(actor=tech, resource=cart, needs_approval=True)
    (reservation,) = book(teacher, cart, periods, "2")
    assert reservation.status == "pending"
    with pytest.raises(PermissionDenied):
        services.reservation_set_status(actor=teacher, reservation=reservation, status="confirmed")
    with django_capture_on_commit_callbacks(execute=True):
        services.reservation_set_status(actor=tech, reservation=reservation, status="confirmed")
    reservation.refresh_from_db()
    assert reservation.status == "confirmed"
    assert mail.outbox[-1].subject == "Cart A: booked"


def test_only_the_holder_or_a_technician_cancels(teacher, second_teacher, tech, cart, periods):
    (reservation,) = book(teacher, cart, periods, "2")
    with pytest.raises(PermissionDenied):
        services.reservation_set_status(
            actor=second_teacher, reservation=reservation, status="cancelled"
        )
    with pytest.raises(ValidationError, match="cannot become returned"):
        services.reservation_set_status(actor=tech, reservation=reservation, status="returned")
    services.reservation_set_status(actor=tech, reservation=reservation, status="cancelled")


def test_cancelling_the_rest_of_a_series(teacher, cart, periods):
    made = book(
        teacher, cart, periods, "2", repeat_until=NEXT_TUESDAY + datetime.timedelta(weeks=3)
    )
    services.reservation_set_status(
        actor=teacher, reservation=made[1], status="cancelled", whole_series=True
    )
    statuses = list(Reservation.objects.order_by("starts_at").values_list("status", flat=True))
    assert statuses == ["confirmed", "cancelled", "cancelled", "cancelled"]


def test_booking_at_a_school_one_does_not_work_at_is_refused(sites, tech, teacher):
    south = services.resource_create(actor=None, site=sites[1], kind="lab", name="South lab")
    start = datetime.datetime.combine(NEXT_TUESDAY, datetime.time(9), ZONE)
    with pytest.raises(PermissionDenied):
        services.reservation_create(
            actor=teacher,
            resource=south,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )


def test_picking_up_a_cart_checks_it_out_to_the_teacher_and_returning_checks_it_in(
    sites, tech, teacher, periods
):
    from homeroom.devices.models import Assignment, Device, DeviceModel, Manufacturer
    from homeroom.people.models import Person

    Person.objects.create(
        kind="teacher", given_name="Tess", family_name="Walker", primary_site=sites[0], user=teacher
    )
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Bretford"), name="Cart 30", category="cart"
    )
    device = Device.objects.create(
        asset_tag="CART-1", serial_number="C1", model=model, site=sites[0]
    )
    cart = services.resource_create(
        actor=tech, site=sites[0], kind="cart", name="Cart 1", device=device
    )
    (reservation,) = book(teacher, cart, periods, "2")
    services.reservation_set_status(actor=tech, reservation=reservation, status="picked_up")
    held = Assignment.objects.get(device=device, checked_in_at__isnull=True)
    assert held.person.user == teacher and held.kind == "short_term"
    assert held.due_at == reservation.ends_at
    services.reservation_set_status(actor=tech, reservation=reservation, status="returned")
    assert not Assignment.objects.filter(device=device, checked_in_at__isnull=True).exists()


def test_the_feeds_parse_and_hold_the_bookings(client, teacher, cart, periods):
    made = book(
        teacher, cart, periods, "2", "3", repeat_until=NEXT_TUESDAY + datetime.timedelta(weeks=1)
    )
    feed = services.feed_renew(actor=teacher, user=teacher)
    response = client.get(f"/classrooms/feeds/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    events = sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("DTSTART"))
    assert [event.decoded("DTSTART") for event in events] == [r.starts_at for r in made]
    assert [event.decoded("DTEND") for event in events] == [r.ends_at for r in made]
    assert str(events[0]["SUMMARY"]) == "Cart A (Periods 2\N{EN DASH}3)"
    by_resource = icalendar.Calendar.from_ical(
        client.get(f"/classrooms/resources/feeds/{cart.feed_token}.ics").content
    )
    assert len(by_resource.walk("VEVENT")) == 2
    old = feed.token
    services.feed_renew(actor=teacher, user=teacher)
    assert client.get(f"/classrooms/feeds/{old}.ics").status_code == 404


def test_the_api_answers_a_clash_with_409_and_who_holds_it(
    api_client_as, teacher, second_teacher, cart, periods
):
    body = {
        "resource_id": cart.pk,
        "day": NEXT_TUESDAY.isoformat(),
        "period_ids": [periods["2"].pk, periods["3"].pk],
        "repeat_until": (NEXT_TUESDAY + datetime.timedelta(weeks=2)).isoformat(),
    }
    first = api_client_as(teacher).post(
        "/api/v1/classrooms/reservations", body, content_type="application/json"
    )
    assert first.status_code == 201, first.content
    assert len(first.json()) == 3
    clash = {**body, "period_ids": [periods["3"].pk], "repeat_until": None}
    second = api_client_as(second_teacher).post(
        "/api/v1/classrooms/reservations", clash, content_type="application/json"
    )
    assert second.status_code == 409
    assert "teacher" in second.json()["error"]["message"]
    bad = api_client_as(teacher).post(
        "/api/v1/classrooms/reservations",
        {**body, "period_ids": [999999]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert Reservation.objects.count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises"
)
def test_a_concurrent_double_booking_gives_one_booking_and_one_409(
    sites, make_user, api_client_as, cart, periods
):
    from homeroom.core import roles

    teachers = [make_user(f"rush{n}", roles.TEACHER, sites=[sites[0]]) for n in range(2)]
    clients = [api_client_as(teacher) for teacher in teachers]
    body = {
        "resource_id": cart.pk,
        "day": NEXT_TUESDAY.isoformat(),
        "period_ids": [periods["2"].pk],
    }
    start = threading.Barrier(len(clients))
    statuses = []

    def post(client):
        try:
            start.wait()
            response = client.post(
                "/api/v1/classrooms/reservations", body, content_type="application/json"
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [201, 409]
    assert Reservation.objects.filter(resource=cart).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the exclusion constraint is PostgreSQL's"
)
def test_postgresql_refuses_overlapping_held_bookings_written_past_the_service(
    teacher, second_teacher, cart, periods
):
    from django.db import IntegrityError, transaction

    (held,) = book(teacher, cart, periods, "2", "3")
    overlapping = {
        "resource": cart,
        "holder": second_teacher,
        "starts_at": held.ends_at - datetime.timedelta(minutes=10),
        "ends_at": held.ends_at + datetime.timedelta(minutes=40),
    }
    with (
        pytest.raises(IntegrityError, match="classrooms_reservation_no_overlap"),
        transaction.atomic(),
    ):
        Reservation.objects.create(**overlapping)
    # Back to back, or over a cancelled booking, is allowed.
    Reservation.objects.create(
        **{**overlapping, "starts_at": held.ends_at, "ends_at": held.ends_at + HOUR}
    )
    services.reservation_set_status(actor=teacher, reservation=held, status="cancelled")
    Reservation.objects.create(**{**overlapping, "ends_at": held.ends_at})
    assert Reservation.objects.filter(resource=cart).count() == 3


HOUR = datetime.timedelta(hours=1)


def test_a_resource_feed_through_the_api_and_a_new_address(api_client_as, client, tech, cart):
    api = api_client_as(tech)
    url = api.get(f"/api/v1/classrooms/resources/{cart.pk}/feed").json()["url"]
    assert client.get(url).status_code == 200
    renewed = api.post(f"/api/v1/classrooms/resources/{cart.pk}/feed").json()["url"]
    assert renewed != url
    assert client.get(url).status_code == 404 and client.get(renewed).status_code == 200
    mine = api.get("/api/v1/classrooms/feed").json()["url"]
    new_mine = api.post("/api/v1/classrooms/feed").json()["url"]
    assert new_mine != mine and client.get(mine).status_code == 404
