import datetime

from django.utils import timezone

from homeroom.core import roles
from homeroom.devices import services
from homeroom.devices.choices import AssignmentKind, DeviceStatus
from homeroom.devices.models import DeviceModel


def test_fleet_charts_and_overdue_loaners(devices, students, users, client_as, chromebook_model):
    tech = users[roles.TECHNICIAN]
    DeviceModel.objects.filter(pk=chromebook_model.pk).update(
        auto_update_through=datetime.date(2029, 6, 1)
    )
    services.device_check_out(actor=tech, device=devices[0], person=students[0])
    services.device_set_status(actor=tech, device=devices[1], status=DeviceStatus.LOANER_POOL)
    services.device_check_out(
        actor=tech,
        device=devices[1],
        person=students[1],
        kind=AssignmentKind.LOANER,
        due_at=timezone.now() - datetime.timedelta(days=3),
    )
    page = client_as(tech).get("/devices/fleet/").content.decode()
    assert '<span class="bar-label">Deployed</span>' in page
    assert '<span class="bar-label">2028-29</span>' in page
    assert "Overdue loaners" in page and "NES-0002" in page and "3\xa0days overdue" in page
    today = client_as(tech).get("/").content.decode()
    assert "1 overdue loaner" in today and "Devices by status" in today
    coverage = page.split("1:1 Chromebooks per student")[1]
    assert "North Elementary" in coverage and "0.05" in coverage


def test_a_cart_shows_its_slots_and_goes_to_a_room(devices, users, client_as, sites):
    from homeroom.devices.models import Assignment, CartSlot, Device, DeviceModel, Manufacturer

    cart_model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="LocknCharge"),
        name="Carrier 30",
        category="cart",
    )
    cart = Device.objects.create(
        asset_tag="CART-1", serial_number="CT1", model=cart_model, site=sites[0]
    )
    CartSlot.objects.create(cart=cart, number=1, device=devices[0])
    CartSlot.objects.create(cart=cart, number=2)
    tech = client_as(users[roles.TECHNICIAN])
    page = tech.get(f"/devices/{cart.pk}/").content.decode()
    assert "NES-0001" in page and 'class="slot--empty"' in page and "Empty" in page
    room = sites[0].rooms.get(number="101")
    refused = tech.post(f"/devices/{cart.pk}/", {"kind": "short_term"}).content.decode()
    assert "Choose a room or a teacher (one of them)." in refused
    assert not Assignment.objects.exists()
    tech.post(f"/devices/{cart.pk}/", {"room": room.pk, "kind": "short_term"})
    assignment = Assignment.objects.get(device=cart)
    assert assignment.room == room and assignment.is_open
