"""Adding, editing, deleting and bulk-changing devices, cart slots and acceptable-use
signatures, through the pages and the API."""

import pytest

from homeroom.core import roles
from homeroom.core.models import AuditEvent, Room
from homeroom.devices.choices import DeviceCategory, DeviceStatus
from homeroom.devices.models import (
    AcceptableUseAcknowledgment,
    Assignment,
    CartSlot,
    Device,
    DeviceModel,
)
from homeroom.devices.services import device_check_out


@pytest.fixture
def tech(users, client_as):
    return client_as(users[roles.TECHNICIAN])


@pytest.fixture
def tech_api(users, api_client_as):
    return api_client_as(users[roles.TECHNICIAN])


@pytest.fixture
def room(sites):
    return Room.objects.create(site=sites[0], number="104")


@pytest.fixture
def cart(sites, chromebook_model):
    model = DeviceModel.objects.create(
        manufacturer=chromebook_model.manufacturer, name="Cart 30", category=DeviceCategory.CART
    )
    cart = Device.objects.create(
        asset_tag="CART-1", serial_number="CART-SN-1", site=sites[0], model=model
    )
    CartSlot.objects.bulk_create(CartSlot(cart=cart, number=n) for n in range(1, 4))
    return cart


def new_device_form(chromebook_model, site, **extra):
    return {
        "asset_tag": "NES-0100",
        "serial_number": "SN-NEW-100",
        "model": chromebook_model.pk,
        "site": site.pk,
        "status": "in_stock",
        "condition": "good",
        "funding_source": "general_fund",
        **extra,
    }


def test_a_technician_adds_a_device_and_then_another(tech, sites, chromebook_model, users):
    response = tech.post(
        "/devices/new/", new_device_form(chromebook_model, sites[0], add_another="1")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/devices/new/?model={chromebook_model.pk}"
    device = Device.objects.get(asset_tag="NES-0100")
    assert device.serial_number == "SN-NEW-100" and device.status == DeviceStatus.IN_STOCK
    event = AuditEvent.objects.get(object_repr="NES-0100", verb="created")
    assert event.actor == users[roles.TECHNICIAN]
    form = tech.get(response["Location"])
    assert form.context["form"].initial["model"] == chromebook_model.pk


def test_a_device_that_clashes_or_sits_in_another_sites_room_is_refused(
    tech, sites, chromebook_model, devices
):
    other_room = Room.objects.create(site=sites[1], number="9")
    clash = tech.post(
        "/devices/new/", new_device_form(chromebook_model, sites[0], asset_tag="NES-0001")
    )
    assert clash.status_code == 200
    assert "asset_tag" in clash.context["form"].errors
    wrong_room = tech.post(
        "/devices/new/", new_device_form(chromebook_model, sites[0], home_room=other_room.pk)
    )
    assert wrong_room.status_code == 200
    assert Device.objects.count() == len(devices)


def test_a_technician_at_one_site_cannot_add_a_device_at_another(tech, sites, chromebook_model):
    response = tech.post("/devices/new/", new_device_form(chromebook_model, sites[1]))
    assert response.status_code == 200
    assert "site" in response.context["form"].errors
    assert not Device.objects.filter(asset_tag="NES-0100").exists()


def test_editing_a_device_records_what_changed(tech, devices, room):
    device = devices[0]
    form = tech.get(f"/devices/{device.pk}/edit/").context["form"]
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update(notes="Sticker replaced", home_room=room.pk)
    response = tech.post(f"/devices/{device.pk}/edit/", data)
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.notes == "Sticker replaced" and device.home_room == room
    event = AuditEvent.objects.filter(object_repr=device.asset_tag, verb="updated").get()
    assert set(event.changes) == {"notes", "home_room"}


def test_only_a_device_without_history_can_be_deleted(tech, devices, students, users):
    device_check_out(actor=users[roles.TECHNICIAN], device=devices[0], person=students[0])
    refused = tech.post(f"/devices/{devices[0].pk}/delete/", follow=True)
    assert "retire it instead" in refused.content.decode()
    assert Device.objects.filter(pk=devices[0].pk).exists()
    deleted = tech.post(f"/devices/{devices[1].pk}/delete/")
    assert deleted.status_code == 302
    assert not Device.objects.filter(pk=devices[1].pk).exists()
    assert AuditEvent.objects.filter(verb="deleted", object_repr="NES-0002").exists()


def test_bulk_change_is_all_or_nothing(tech, devices, students, users, room):
    device_check_out(actor=users[roles.TECHNICIAN], device=devices[0], person=students[0])
    ticked = [d.pk for d in devices[:3]]
    refused = tech.post(
        "/devices/bulk/?status=deployed",
        {"device": ticked, "bulk-status": "in_repair"},
        follow=True,
    )
    assert refused.redirect_chain[-1][0] == "/devices/?status=deployed"
    text = refused.content.decode()
    assert "Nothing was changed. NES-0001 is checked out; check it in first." in text
    assert Device.objects.filter(pk__in=ticked, status="in_repair").count() == 0

    ticked = [d.pk for d in devices[1:4]]
    done = tech.post(
        "/devices/bulk/",
        {"device": ticked, "bulk-status": "in_repair", "bulk-room_number": "104"},
        follow=True,
    )
    assert "Changed 3 of 3 devices." in done.content.decode()
    assert Device.objects.filter(pk__in=ticked, status="in_repair", home_room=room).count() == 3
    assert AuditEvent.objects.filter(object_id__in=ticked, verb="updated").count() == 3


def test_bulk_change_refuses_a_room_the_site_does_not_have(tech, devices):
    response = tech.post(
        "/devices/bulk/", {"device": [devices[0].pk], "bulk-room_number": "999"}, follow=True
    )
    assert "has no room 999" in response.content.decode()
    assert Device.objects.get(pk=devices[0].pk).home_room is None


def test_bulk_change_needs_a_choice_and_the_permission(tech, devices, users, client_as):
    empty = tech.post("/devices/bulk/", {"device": [devices[0].pk]}, follow=True)
    assert "Choose a status, a site or a room to change." in empty.content.decode()
    teacher = client_as(users[roles.TEACHER])
    forbidden = teacher.post("/devices/bulk/", {"device": [devices[0].pk], "bulk-status": "lost"})
    assert forbidden.status_code == 403
    assert Device.objects.get(pk=devices[0].pk).status == DeviceStatus.IN_STOCK


def test_labels_for_the_ticked_devices_come_from_the_posted_selection(tech, devices):
    response = tech.post(
        "/devices/labels/", {"device": [devices[1].pk, devices[3].pk], "sheet": "avery-5160"}
    )
    assert response["Content-Type"] == "application/pdf"
    from io import BytesIO

    from pypdf import PdfReader

    text = PdfReader(BytesIO(response.content)).pages[0].extract_text()
    assert "NES-0002" in text and "NES-0004" in text and "NES-0001" not in text


def test_scanning_devices_into_a_cart_and_taking_one_out(tech, cart, devices):
    first = tech.post(f"/devices/{cart.pk}/slots/", {"scan": "nes-0001"}, follow=True)
    assert "Put NES-0001 in slot 1." in first.content.decode()
    tech.post(f"/devices/{cart.pk}/slots/", {"scan": "NES-0002", "number": "3"})
    slots = dict(CartSlot.objects.filter(cart=cart).values_list("number", "device__asset_tag"))
    assert slots == {1: "NES-0001", 2: None, 3: "NES-0002"}
    assert Assignment.objects.get(device=devices[0], checked_in_at__isnull=True).cart == cart

    taken = tech.post(
        f"/devices/{cart.pk}/slots/", {"scan": "NES-0003", "number": "3"}, follow=True
    )
    assert "Slot 3 of CART-1 holds NES-0002; empty it first." in taken.content.decode()
    twice = tech.post(f"/devices/{cart.pk}/slots/", {"scan": "NES-0001"}, follow=True)
    assert "NES-0001 is already in slot 1 of CART-1." in twice.content.decode()

    page = tech.get(f"/devices/{cart.pk}/").content.decode()
    assert "1 empty" in page and "Check out the whole cart" in page

    tech.post(f"/devices/{cart.pk}/slots/", {"empty": "1"})
    assert CartSlot.objects.get(cart=cart, number=1).device is None
    assert not Assignment.objects.filter(device=devices[0], checked_in_at__isnull=True).exists()
    assert Device.objects.get(pk=devices[0].pk).status == DeviceStatus.IN_STOCK


def test_the_scan_station_asks_for_a_missing_acceptable_use_signature(tech, students, users):
    student = students[0]
    page = tech.get("/devices/scan/", {"person": student.pk}).content.decode()
    assert "Has not signed the acceptable-use policy 2026-27" in page
    recorded = tech.post(
        f"/devices/acceptable-use/{student.pk}/",
        {"next": f"/devices/scan/?mode=out&person={student.pk}"},
    )
    assert recorded["Location"] == f"/devices/scan/?mode=out&person={student.pk}"
    acknowledgment = AcceptableUseAcknowledgment.objects.get(person=student)
    assert acknowledgment.policy_version == "2026-27"
    assert acknowledgment.recorded_by == users[roles.TECHNICIAN]
    page = tech.get("/devices/scan/", {"person": student.pk}).content.decode()
    assert "Has not signed" not in page
    tech.post(f"/devices/acceptable-use/{student.pk}/")
    assert AuditEvent.objects.filter(verb="acknowledged").count() == 1


def test_devices_api_create_update_delete(tech_api, sites, chromebook_model, room):
    created = tech_api.post(
        "/api/v1/devices",
        {
            "asset_tag": "API-1",
            "serial_number": "API-SN-1",
            "model_id": chromebook_model.pk,
            "site_id": sites[0].pk,
            "purchase_cost": "289.00",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    device_id = created.json()["id"]
    assert created.json()["purchase_cost"] == "289.00"
    clash = tech_api.post(
        "/api/v1/devices",
        {
            "asset_tag": "api-2",
            "serial_number": "API-SN-1",
            "model_id": chromebook_model.pk,
            "site_id": sites[0].pk,
        },
        content_type="application/json",
    )
    assert clash.status_code == 400
    assert "serial_number" in clash.json()["error"]["fields"]
    elsewhere = tech_api.patch(
        f"/api/v1/devices/{device_id}", {"site_id": sites[1].pk}, content_type="application/json"
    )
    assert elsewhere.status_code == 404
    patched = tech_api.patch(
        f"/api/v1/devices/{device_id}",
        {"home_room_id": room.pk, "notes": "Library"},
        content_type="application/json",
    )
    assert patched.json()["home_room_id"] == room.pk and patched.json()["notes"] == "Library"
    assert Device.objects.get(pk=device_id).asset_tag == "API-1"
    assert tech_api.delete(f"/api/v1/devices/{device_id}").status_code == 204
    assert not Device.objects.filter(pk=device_id).exists()


def test_bulk_api_changes_all_or_none(tech_api, devices, students, users):
    device_check_out(actor=users[roles.TECHNICIAN], device=devices[0], person=students[0])
    ids = [d.pk for d in devices]
    refused = tech_api.post(
        "/api/v1/devices/bulk",
        {"device_ids": ids, "status": "retired"},
        content_type="application/json",
    )
    assert refused.status_code == 409
    assert Device.objects.filter(status="retired").count() == 0
    done = tech_api.post(
        "/api/v1/devices/bulk",
        {"device_ids": ids[1:], "status": "retired", "note": "End of life"},
        content_type="application/json",
    )
    assert done.json() == {"changed": 4}


def test_carts_and_device_models_through_the_api(tech_api, cart, devices):
    filled = tech_api.post(
        f"/api/v1/carts/{cart.pk}/slots", {"scan": "NES-0005"}, content_type="application/json"
    )
    assert filled.status_code == 201 and filled.json()["number"] == 1
    shown = tech_api.get(f"/api/v1/carts/{cart.pk}").json()
    assert shown["empty_slots"] == 2 and shown["slots"][0]["asset_tag"] == "NES-0005"
    assert tech_api.get("/api/v1/carts").json()["count"] == 1
    assert tech_api.delete(f"/api/v1/carts/{cart.pk}/slots/1").status_code == 204
    assert tech_api.delete(f"/api/v1/carts/{cart.pk}/slots/1").status_code == 409

    model = tech_api.post(
        "/api/v1/device-models",
        {"manufacturer": "acer", "name": "Chromebook Plus 514", "category": "chromebook"},
        content_type="application/json",
    )
    assert model.status_code == 201 and model.json()["manufacturer_name"] == "Acer"
    again = tech_api.post(
        "/api/v1/device-models",
        {"manufacturer": "Acer", "name": "chromebook plus 514", "category": "chromebook"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert DeviceModel.objects.filter(name__iexact="chromebook plus 514").count() == 1


def test_a_device_with_a_ticket_is_retired_not_deleted(tech, devices, sites):
    from homeroom.helpdesk.models import Ticket

    Ticket.objects.create(site=sites[0], device=devices[2], subject="Won't charge")
    refused = tech.post(f"/devices/{devices[2].pk}/delete/", follow=True)
    assert "has tickets or repairs on record; retire it instead." in refused.content.decode()
    assert Device.objects.filter(pk=devices[2].pk).exists()
