import datetime

import pytest
from django.utils import timezone

from homeroom.classrooms import services
from homeroom.classrooms.models import MaintenanceTask, Reservation
from homeroom.classrooms.tests.conftest import CHECKLIST, TODAY
from homeroom.core.models import AuditEvent
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
        f"/classrooms/resources/{cart.pk}/?week={NEXT_TUESDAY}": 10,
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


def test_the_calendars_are_time_grids_per_resource_and_per_school(
    client_as, sites, tech, teacher, second_teacher, cart, periods
):
    services.reservation_create(
        actor=teacher, resource=cart, day=NEXT_TUESDAY, periods=[periods["2"], periods["3"]]
    )
    lab = services.resource_create(actor=tech, site=sites[0], kind="lab", name="Lab 1")
    services.reservation_create(
        actor=second_teacher, resource=lab, day=NEXT_TUESDAY, periods=[periods["1"]]
    )
    client = client_as(teacher)
    week = client.get(f"/classrooms/resources/{cart.pk}/?week={NEXT_TUESDAY}").content.decode()
    assert week.count('<th scope="col">') == 8  # the time, then Monday to Sunday
    # 8:55 to 10:40 is five rows: the hour at 9 and 10 and the break between the periods.
    assert '<td rowspan="5" class="time-grid__booking">' in week
    assert "(Periods 2\N{EN DASH}3)" in week and "Period 2</span>" in week
    assert "Jordan Lee" not in week

    day = client.get(
        f"/classrooms/resources/{cart.pk}/?view=day&day={NEXT_TUESDAY}"
    ).content.decode()
    assert day.count('<th scope="col">') == 2 and "(Periods 2\N{EN DASH}3)" in day

    school = client.get(f"/classrooms/day/?site={sites[0].pk}&day={NEXT_TUESDAY}").content.decode()
    assert "Cart A</a></th>" in school and "Lab 1</a></th>" in school
    assert "(Period 1)" in school and "Jordan Lee" in school
    school_week = client.get(
        f"/classrooms/day/?site={sites[0].pk}&day={NEXT_TUESDAY}&view=week"
    ).content.decode()
    assert "week of Monday 8 March" in school_week
    assert school_week.count("Free</span>") == 2 * 7 - 2


def test_failed_steps_escalate_to_one_repair_work_order_in_one_action(
    client_as, tech, filter_plan, projectors
):
    from homeroom.repairs.models import RepairOrder

    services.generate_tasks(today=TODAY + datetime.timedelta(days=10))
    task = MaintenanceTask.objects.get(device=projectors[0])
    client = client_as(tech)
    url = f"/classrooms/maintenance/tasks/{task.pk}/"
    passed = {"item_0": "pass", "item_1": "pass", "item_2": "pass", "failed_opens": "repair"}
    refused = client.post(url, passed)
    assert "Only a failed step is escalated to a repair." in refused.content.decode()
    task.refresh_from_db()
    assert task.status == "open" and not RepairOrder.objects.exists()

    response = client.post(
        url, {**passed, "item_0": "fail", "item_2": "fail", "notes": "Lamp flickers"}, follow=True
    )
    assert "A repair work order is open, escalated to district IT." in response.content.decode()
    (repair,) = RepairOrder.objects.all()
    task.refresh_from_db()
    assert task.status == "done" and task.repair_id == repair.pk and task.ticket_ids == []
    assert repair.device == projectors[0] and repair.status == "open"
    assert "Clean the filter; Test the speakers" in repair.problem
    assert "Escalated to district IT" in repair.notes
    assert not Ticket.objects.exists()
    projectors[0].refresh_from_db()
    assert projectors[0].status == "in_repair"
    page = client.get(url).content.decode()
    assert f'href="/repairs/{repair.pk}/"' in page


def test_a_plan_of_named_devices_is_changed_and_paused_on_its_pages(
    client_as, sites, tech, projectors
):
    from homeroom.classrooms.models import MaintenancePlan

    client = client_as(tech)
    form = {
        "name": "Lab projectors",
        "site": sites[0].pk,
        "target": "devices",
        "every": 1,
        "unit": "months",
        "window_days": 7,
        "starts_on": TODAY.isoformat(),
        "is_active": "on",
        "checklist": "Clean the filter\nTest the image",
        "named_devices": "pj-102\nNOPE-1",
    }
    refused = client.post("/classrooms/maintenance/plans/new/", form)
    assert "No device of yours is NOPE-1." in refused.text
    assert not MaintenancePlan.objects.exists()
    made = client.post("/classrooms/maintenance/plans/new/", {**form, "named_devices": "PJ-102"})
    plan = MaintenancePlan.objects.get()
    assert made["Location"] == plan.get_absolute_url()
    assert list(plan.devices.all()) == [projectors[0]]
    assert list(MaintenanceTask.objects.values_list("device", flat=True)) == [projectors[0].pk]

    edit = f"/classrooms/maintenance/plans/{plan.pk}/edit/"
    page = client.get(edit).text
    assert "Clean the filter\nTest the image</textarea>" in page and "PJ-102</textarea>" in page
    changed = {**form, "named_devices": "PJ-102\nPJ101", "checklist": "Clean the filter"}
    assert client.post(edit, changed)["Location"] == plan.get_absolute_url()
    plan.refresh_from_db()
    assert plan.checklist == ["Clean the filter"]
    assert set(plan.devices.all()) == set(projectors)
    emptied = client.post(edit, {**changed, "named_devices": ""})
    assert "Name at least one device." in emptied.text
    assert plan.devices.count() == 2

    paused = client.post(f"/classrooms/maintenance/plans/{plan.pk}/pause/", follow=True)
    assert (
        "Paused Lab projectors: no new tasks." in paused.text and "Resume the plan" in paused.text
    )
    plan.refresh_from_db()
    assert not plan.is_active
    assert services.generate_tasks(today=TODAY + datetime.timedelta(days=60)) == 0
    client.post(f"/classrooms/maintenance/plans/{plan.pk}/pause/")
    plan.refresh_from_db()
    assert plan.is_active
    events = AuditEvent.objects.filter(content_type__model="maintenanceplan")
    assert {e.message for e in events} >= {"Paused the plan", "Resumed the plan"}


def test_a_teacher_may_not_change_a_plan(client_as, teacher, filter_plan):
    client = client_as(teacher)
    assert client.get(f"/classrooms/maintenance/plans/{filter_plan.pk}/edit/").status_code == 403
    assert client.post(f"/classrooms/maintenance/plans/{filter_plan.pk}/pause/").status_code == 403
    filter_plan.refresh_from_db()
    assert filter_plan.is_active


def test_resources_and_bell_schedules_are_changed_on_their_pages(
    client_as, sites, tech, cart, schedule
):
    from homeroom.classrooms.models import BellSchedule

    client = client_as(tech)
    edit = f"/classrooms/resources/{cart.pk}/edit/"
    assert "Change Cart A" in client.get(edit).text
    fields = {"kind": "cart", "name": "Cart A", "max_minutes": "120", "is_active": "on"}
    assert client.post(edit, {**fields, "name": ""}).status_code == 200
    assert client.post(edit, fields)["Location"] == f"/classrooms/resources/{cart.pk}/"
    cart.refresh_from_db()
    assert cart.max_minutes == 120 and cart.site == sites[0]

    assert "Regular day" in client.get("/classrooms/bell-schedules/").text
    url = f"/classrooms/bell-schedules/{schedule.pk}/"
    assert "1, 08:00, 08:50\n2, 08:55, 09:45" in client.get(url).text
    bad = client.post(
        url, {"name": "Regular day", "weekdays": ["0"], "periods": "1, 8:00, 8:50\n2, 9, soon"}
    )
    assert "Line 2: “2, 9, soon” has a time that is not a time." in bad.text
    overlap = client.post(
        url, {"name": "Regular day", "weekdays": ["0"], "periods": "1, 8:00, 9:00\n2, 8:30, 9:30"}
    )
    assert "Period 1 and Period 2 overlap." in overlap.text
    assert schedule.periods.count() == 4
    saved = client.post(
        url,
        {
            "name": "Regular day",
            "weekdays": ["0", "1"],
            "periods": "1, 8:00 am, 9:00 am\n2, 9:05, 10:00",
        },
    )
    assert saved["Location"] == "/classrooms/bell-schedules/"
    schedule.refresh_from_db()
    assert schedule.weekdays == [0, 1]
    assert [str(p) for p in schedule.periods.all()] == ["Period 1", "Period 2"]
    made = client.post(
        "/classrooms/bell-schedules/new/",
        {
            "site": sites[0].pk,
            "name": "Late start",
            "weekdays": ["1"],
            "periods": "1, 10:00, 11:00",
        },
    )
    assert "Regular day already covers Tuesday." in made.text
    client.post(
        "/classrooms/bell-schedules/new/",
        {
            "site": sites[0].pk,
            "name": "Late start",
            "weekdays": ["2"],
            "periods": "1, 10:00, 11:00",
        },
    )
    assert BellSchedule.objects.filter(name="Late start", weekdays=[2]).exists()


def test_resources_and_bell_schedules_through_the_api(api_client_as, users, sites, tech, schedule):
    from homeroom.core import roles

    api = api_client_as(tech)
    made = api.post(
        "/api/v1/classrooms/resources",
        {"site_id": sites[0].pk, "kind": "equipment", "name": "VR kit", "needs_approval": True},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["needs_approval"] is True
    url = f"/api/v1/classrooms/resources/{made.json()['id']}"
    changed = api.patch(url, {"max_minutes": 90}, content_type="application/json")
    assert changed.json()["max_minutes"] == 90 and changed.json()["name"] == "VR kit"
    twice = api.post(
        "/api/v1/classrooms/resources",
        {"site_id": sites[0].pk, "kind": "equipment", "name": "vr KIT"},
        content_type="application/json",
    )
    assert twice.status_code == 400 and "already has vr KIT" in twice.text
    elsewhere = api.post(
        "/api/v1/classrooms/resources",
        {"site_id": sites[1].pk, "kind": "lab", "name": "Lab"},
        content_type="application/json",
    )
    assert elsewhere.status_code == 404

    body = {
        "site_id": sites[0].pk,
        "name": "Regular day",
        "weekdays": [0, 1, 2, 3, 4],
        "periods": [
            {"name": "1", "starts_at": "08:10", "ends_at": "09:00"},
            {"name": "2", "starts_at": "09:05", "ends_at": "10:00"},
        ],
    }
    put = api.put(
        f"/api/v1/classrooms/bell-schedules/{schedule.pk}", body, content_type="application/json"
    )
    assert put.status_code == 200
    assert [p["starts_at"] for p in put.json()["periods"]] == ["08:10", "09:05"]
    weekend = {**body, "name": "Saturday school", "weekdays": [5]}
    created = api.post(
        "/api/v1/classrooms/bell-schedules", weekend, content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["weekdays"] == [5]
    clash = api.post(
        "/api/v1/classrooms/bell-schedules",
        {**body, "name": "Another"},
        content_type="application/json",
    )
    assert clash.status_code == 400 and "Regular day already covers" in clash.text
    teacher = api_client_as(users[roles.TEACHER])
    assert (
        teacher.post(
            "/api/v1/classrooms/bell-schedules", weekend, content_type="application/json"
        ).status_code
        == 403
    )
