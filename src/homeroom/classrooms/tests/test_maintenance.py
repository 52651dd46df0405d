import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeroom.classrooms import services
from homeroom.classrooms.models import AVDetails, MaintenanceTask
from homeroom.classrooms.tests.conftest import CHECKLIST, TODAY
from homeroom.helpdesk.models import Ticket


def test_tasks_appear_when_due_and_not_twice(filter_plan, projectors):
    assert services.generate_tasks(today=TODAY) == 0
    # Three days into the week before it is due.
    assert services.generate_tasks(today=TODAY + datetime.timedelta(days=3)) == 2
    assert services.generate_tasks(today=TODAY + datetime.timedelta(days=4)) == 0
    tasks = MaintenanceTask.objects.filter(plan=filter_plan)
    assert {task.due_on for task in tasks} == {TODAY + datetime.timedelta(days=10)}
    assert tasks.count() == 2


def test_the_next_task_follows_the_last_one_by_the_interval(tech, filter_plan, projectors):
    services.generate_tasks(today=TODAY + datetime.timedelta(days=10))
    task = MaintenanceTask.objects.get(device=projectors[0])
    services.task_complete(
        actor=tech, task=task, results=dict.fromkeys(CHECKLIST, "pass"), minutes_spent=15
    )
    assert services.generate_tasks(today=TODAY + datetime.timedelta(days=20)) == 0
    due = datetime.date(2027, 6, 12)  # three months after 12 March
    assert services.generate_tasks(today=due - datetime.timedelta(days=7)) == 1
    assert MaintenanceTask.objects.get(device=projectors[0], status="open").due_on == due


def test_a_meter_plan_fires_at_its_reading(tech, sites, projectors):
    plan = services.plan_create(
        actor=tech,
        name="Lamp check",
        site=sites[0],
        target="category",
        category="projector",
        meter_every=500,
        checklist=["Check the lamp"],
        starts_on=TODAY,
    )
    services.av_update(actor=tech, device=projectors[0], lamp_hours=499, lamp_life=3000)
    assert services.generate_tasks(today=TODAY) == 0
    services.av_update(actor=tech, device=projectors[0], lamp_hours=500)
    assert services.generate_tasks(today=TODAY) == 1
    task = MaintenanceTask.objects.get(plan=plan)
    assert task.meter_at == 500
    services.task_complete(
        actor=tech, task=task, results={"Check the lamp": "pass"}, meter_reading=620
    )
    assert AVDetails.objects.get(device=projectors[0]).lamp_hours == 620
    assert services.generate_tasks(today=TODAY) == 0  # next at 1,000 hours
    services.av_update(actor=tech, device=projectors[0], lamp_hours=1003)
    assert services.generate_tasks(today=TODAY + datetime.timedelta(days=1)) == 1


def test_a_failed_item_opens_a_ticket(tech, filter_plan, projectors):
    services.generate_tasks(today=TODAY + datetime.timedelta(days=10))
    task = MaintenanceTask.objects.get(device=projectors[0])
    results = {**dict.fromkeys(CHECKLIST, "pass"), "Test the speakers": "fail"}
    task = services.task_complete(actor=tech, task=task, results=results, notes="Left one dead")
    (ticket,) = Ticket.objects.all()
    assert task.ticket_ids == [ticket.pk]
    assert ticket.device == projectors[0]
    assert ticket.room.number == "102"
    assert "Test the speakers" in ticket.subject
    with pytest.raises(ValidationError, match="already done"):
        services.task_complete(actor=tech, task=task, results=results)


def test_completing_needs_every_step_and_the_role(users, tech, filter_plan, projectors):
    from homeroom.core import roles

    services.generate_tasks(today=TODAY + datetime.timedelta(days=10))
    task = MaintenanceTask.objects.get(device=projectors[0])
    with pytest.raises(ValidationError, match="Update the firmware"):
        services.task_complete(actor=tech, task=task, results={"Clean the filter": "pass"})
    with pytest.raises(PermissionDenied):
        services.task_complete(
            actor=users[roles.TEACHER], task=task, results=dict.fromkeys(CHECKLIST, "pass")
        )
    task.refresh_from_db()
    assert task.status == "open" and Ticket.objects.count() == 0


def test_a_limited_technician_plans_only_for_their_schools(tech, sites, projectors):
    with pytest.raises(PermissionDenied):
        services.plan_create(
            actor=tech,
            name="Everywhere",
            target="category",
            category="projector",
            every=1,
            unit="months",
            checklist=["Dust"],
            starts_on=TODAY,
        )
    with pytest.raises(ValidationError, match="either"):
        services.plan_create(
            actor=tech,
            name="Both",
            site=sites[0],
            target="category",
            category="projector",
            every=1,
            unit="months",
            meter_every=100,
            checklist=["Dust"],
            starts_on=TODAY,
        )


def test_a_cart_inspection_keeps_what_is_missing_and_a_damaged_device_opens_a_ticket(
    client_as, sites, tech
):
    from homeroom.classrooms.models import Inspection
    from homeroom.devices import services as device_services
    from homeroom.devices.models import CartSlot, Device, DeviceModel, Manufacturer

    maker = Manufacturer.objects.create(name="Acer")
    cart_model = DeviceModel.objects.create(manufacturer=maker, name="Cart", category="cart")
    book = DeviceModel.objects.create(manufacturer=maker, name="C722", category="chromebook")
    cart = Device.objects.create(
        asset_tag="CART-9", serial_number="C9", model=cart_model, site=sites[0]
    )
    for number in range(1, 4):
        CartSlot.objects.create(cart=cart, number=number)
        device = Device.objects.create(
            asset_tag=f"CB-{number}", serial_number=f"SN{number}", model=book, site=sites[0]
        )
        device_services.cart_slot_fill(actor=tech, cart=cart, device=device, number=number)
    client = client_as(tech)
    started = client.post("/classrooms/inspections/", {"cart": cart.pk})
    inspection = Inspection.objects.get()
    assert started.status_code == 302 and started["Location"] == inspection.get_absolute_url()
    url = inspection.get_absolute_url()
    assert "✓ CB-1 (slot 1): Present" in client.post(url, {"scan": "cb-1"}).text
    damaged = client.post(url, {"scan": "SN2", "state": "damaged"})
    assert "Damaged — ticket opened" in damaged.text
    assert "does not belong" in client.post(url, {"scan": "NOPE"}).text
    done = client.post(url, {"finish": "1"}, follow=True)
    assert "slot 3 (CB-3)" in done.text
    states = dict(inspection.lines.values_list("device__asset_tag", "state"))
    assert states == {"CB-1": "present", "CB-2": "damaged", "CB-3": "missing"}
    assert Ticket.objects.get().device.asset_tag == "CB-2"
    assert "finished" in client.post(url, {"scan": "CB-3"}).text
    assert inspection.lines.get(device__asset_tag="CB-3").state == "missing"


def test_a_lab_inspection_through_the_api(api_client_as, users, sites, tech, projectors):
    from homeroom.core import roles

    api = api_client_as(tech)
    lab = projectors[0].home_room
    started = api.post(
        "/api/v1/classrooms/inspections", {"room_id": lab.pk}, content_type="application/json"
    )
    assert started.status_code == 201, started.content
    body = started.json()
    assert [line["state"] for line in body["lines"]] == ["missing"]
    url = f"/api/v1/classrooms/inspections/{body['id']}"
    scan = {"scan": "nope"}
    refused = api.post(f"{url}/scan", scan, content_type="application/json")
    assert refused.status_code == 400 and "does not belong" in refused.text
    scanned = api.post(
        f"{url}/scan", {"scan": "pj102", "state": "not_charging"}, content_type="application/json"
    )
    assert scanned.json()["state"] == "not_charging"
    done = api.post(f"{url}/finish", {"notes": "Cable loose"}, content_type="application/json")
    assert done.json()["finished_at"] and done.json()["notes"] == "Cable loose"
    assert api.get(url).json()["lines"][0]["asset_tag"] == "PJ-102"
    again = api.post(f"{url}/finish", {}, content_type="application/json")
    assert again.status_code == 400 and "already finished" in again.text
    teacher = api_client_as(users[roles.TEACHER])
    assert (
        teacher.post(
            "/api/v1/classrooms/inspections", {"room_id": lab.pk}, content_type="application/json"
        ).status_code
        == 403
    )
    neither = api.post("/api/v1/classrooms/inspections", {}, content_type="application/json")
    assert neither.status_code == 400 and "Inspect a cart or a room" in neither.text
