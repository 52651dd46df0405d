import datetime

import pytest
from django.utils import timezone

from homeroom.classrooms import services
from homeroom.classrooms.models import MaintenanceTask, Reservation
from homeroom.classrooms.tests.conftest import CHECKLIST, TODAY
from homeroom.core.testing import pinned_queries
from homeroom.helpdesk.models import Ticket

pytestmark = pytest.mark.usefixtures("frozen")
NEXT_TUESDAY = TODAY + datetime.timedelta(days=7)


def test_a_teacher_books_periods_on_the_page_and_a_clash_is_explained(
    client_as, teacher, second_teacher, cart, periods
):
    page = client_as(teacher).get(f"/classrooms/resources/{cart.pk}/reserve/?day={NEXT_TUESDAY}")
    assert page.status_code == 200
    assert "Period 2" in page.text
    response = client_as(teacher).post(
        f"/classrooms/resources/{cart.pk}/reserve/",
        {
            "day": NEXT_TUESDAY.isoformat(),
            "periods": [periods["2"].pk, periods["3"].pk],
            "repeat_until": (NEXT_TUESDAY + datetime.timedelta(weeks=3)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert Reservation.objects.filter(holder=teacher).count() == 4
    refused = client_as(second_teacher).post(
        f"/classrooms/resources/{cart.pk}/reserve/",
        {
            "day": (NEXT_TUESDAY + datetime.timedelta(weeks=1)).isoformat(),
            "periods": [periods["3"].pk],
        },
    )
    assert refused.status_code == 200
    assert "already booked" in refused.text and "teacher" in refused.text
    assert Reservation.objects.filter(holder=second_teacher).count() == 0


def test_a_nonsense_booking_gets_a_message_not_an_error(client_as, teacher, cart):
    response = client_as(teacher).post(
        f"/classrooms/resources/{cart.pk}/reserve/",
        {"day": "2027-02-31", "starts_at": "25:00"},
    )
    assert response.status_code == 200
    assert Reservation.objects.count() == 0


def test_list_pages_pin_their_queries(
    client_as, tech, teacher, second_teacher, cart, periods, filter_plan, projectors, sites
):
    """The same number of queries with one row or many."""
    from homeroom.devices.models import Device

    client = client_as(tech)
    pins = {
        "/classrooms/": 10,
        "/classrooms/reservations/": 10,
        f"/classrooms/resources/{cart.pk}/?week={NEXT_TUESDAY}": 9,
        "/classrooms/maintenance/?status=open": 10,
        "/classrooms/av/": 9,
    }
    for round, holder in enumerate((teacher, second_teacher)):
        services.reservation_create(
            actor=holder,
            resource=services.resource_create(
                actor=tech, site=sites[0], kind="lab", name=f"Lab {round}"
            ),
            day=NEXT_TUESDAY,
            periods=[periods["2"]],
        )
        services.reservation_create(
            actor=holder,
            resource=cart,
            day=NEXT_TUESDAY + datetime.timedelta(days=round),
            periods=[periods[str(round + 1)]],
        )
        services.generate_tasks(today=TODAY + datetime.timedelta(days=10 + 100 * round))
        for url, expected in pins.items():
            with pinned_queries(expected):
                assert client.get(url).status_code == 200, url
        Device.objects.create(
            asset_tag=f"PJ-X{round}",
            serial_number=f"PJX{round}",
            model=projectors[0].model,
            site=sites[0],
            home_room=projectors[0].home_room,
        )
    assert Reservation.objects.count() == 4


def test_the_due_list_follows_the_walking_route(client_as, tech, filter_plan, projectors):
    services.generate_tasks(today=TODAY + datetime.timedelta(days=3))
    page = client_as(tech).get("/classrooms/maintenance/?status=open")
    assert page.text.index("PJ-101") < page.text.index("PJ-102")


def test_a_technician_completes_a_task_and_a_failed_step_opens_a_ticket(
    client_as, tech, filter_plan, projectors
):
    services.generate_tasks(today=TODAY + datetime.timedelta(days=10))
    task = MaintenanceTask.objects.get(device=projectors[0])
    data = {f"item_{n}": "pass" for n in range(len(CHECKLIST))}
    data["item_2"] = "fail"
    data["minutes_spent"] = "20"
    response = client_as(tech).post(f"/classrooms/maintenance/tasks/{task.pk}/", data)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.minutes_spent == 20
    assert Ticket.objects.get().pk == task.ticket_ids[0]
    assert task.completed_at == timezone.now()


def test_today_shows_a_teachers_bookings(client_as, teacher, cart, periods):
    services.reservation_create(
        actor=teacher, resource=cart, day=NEXT_TUESDAY, periods=[periods["2"]]
    )
    page = client_as(teacher).get("/")
    assert "Your bookings" in page.text and "Cart A" in page.text


def test_a_teacher_reaches_their_room_from_today_and_reports_its_projector(
    client_as, sites, tech, teacher, projectors
):
    from homeroom.people.models import Enrollment, Person, SchoolClass

    person = Person.objects.create(
        kind="teacher", given_name="Tess", family_name="Walker", primary_site=sites[0], user=teacher
    )
    school_class = SchoolClass.objects.create(title="Grade 4", site=sites[0], location="102")
    Enrollment.objects.create(
        person=person, school_class=school_class, site=sites[0], role="teacher"
    )
    services.av_update(actor=tech, device=projectors[0], lamp_hours=3300, lamp_life=3500)
    client = client_as(teacher)
    room = projectors[0].home_room
    today = client.get("/")
    assert f'href="/rooms/{room.pk}/"' in today.text and "Your room 102" in today.text
    page = client.get(f"/rooms/{room.pk}/")
    assert "Lamp near its end" in page.text
    report = f"/help/new/?device={projectors[0].pk}"
    assert report in page.text
    assert client.get(report).status_code == 200


def test_reports_count_bookings_per_resource_and_export_them(
    client_as, tech, teacher, cart, periods, filter_plan, projectors, time_machine
):
    for week in range(3):
        services.reservation_create(
            actor=teacher,
            resource=cart,
            day=NEXT_TUESDAY + datetime.timedelta(weeks=week),
            periods=[periods["2"], periods["3"]],
        )
    services.generate_tasks(today=TODAY + datetime.timedelta(days=10))
    later = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(9)))
    time_machine.move_to(later + datetime.timedelta(weeks=4), tick=False)
    client = client_as(tech)
    page = client.get("/classrooms/reports/")
    assert page.status_code == 200 and "Cart A (North Elementary)" in page.text
    export = client.get("/classrooms/reports/?days=90&export=use")
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[1] == "North Elementary,Cart A,cart,3,5.2"  # 3 x 1 h 45
    maintenance = b"".join(client.get("/classrooms/reports/?export=maintenance").streaming_content)
    assert "North Elementary,0,2,0" in maintenance.decode()
