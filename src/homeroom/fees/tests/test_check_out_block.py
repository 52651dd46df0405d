"""The district's fee rule at the places devices are checked out: the API, the scan station
and the device page."""

import pytest

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.devices.models import Assignment, Device, DeviceModel, Manufacturer
from homeroom.fees import services
from homeroom.people.models import Person


@pytest.fixture
def chromebooks(sites):
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Acer"),
        name="Chromebook 311",
        category="chromebook",
    )
    return [
        Device.objects.create(
            asset_tag=f"NES-{n:04d}", serial_number=f"SN{n:06d}", model=model, site=sites[0]
        )
        for n in range(1, 4)
    ]


@pytest.fixture
def owing(users, reasons, students):
    """Student1 owes $45.00, over the $25.00 limit; Student2 owes $25.00, not over it."""
    tech = users[roles.TECHNICIAN]
    services.charge_create(actor=tech, person=students[0], reason=reasons["Cracked screen"])
    services.charge_create(actor=tech, person=students[1], reason=reasons["Lost charger"])
    return students


def check_out(client, device, person, **extra):
    return client.post(
        f"/api/v1/devices/{device.pk}/check-out",
        {"person_id": person.pk, **extra},
        content_type="application/json",
    )


def test_the_api_refuses_over_the_limit_unless_overridden(
    users, api_client_as, chromebooks, owing, policy_on
):
    api = api_client_as(users[roles.TECHNICIAN])
    refused = check_out(api, chromebooks[0], owing[0])
    assert refused.status_code == 409
    assert refused.json()["error"]["message"] == (
        "Student1 Test has unpaid fees of $45.00, more than the $25.00 limit. Check out "
        "anyway only with an override."
    )
    assert not Assignment.objects.exists()
    balance = api.get(f"/api/v1/fees/people/{owing[0].pk}/balance").json()
    assert balance["balance"] == "45.00" and balance["limit"] == "25.00"
    assert balance["check_out_blocked"] is True
    assert check_out(api, chromebooks[1], owing[1]).status_code == 201  # $25.00 is the limit
    done = check_out(api, chromebooks[0], owing[0], override_fees=True)
    assert done.status_code == 201 and done.json()["person_id"] == owing[0].pk
    event = AuditEvent.objects.filter(object_id=chromebooks[0].pk, verb="checked_out").get()
    assert event.changes["fee_override"] == [
        None,
        "Unpaid fees $45.00 over the $25.00 limit; checked out anyway",
    ]
    assert "checked out anyway" in event.message and event.interface == "api"


def test_with_the_rule_off_fees_never_block(users, api_client_as, chromebooks, owing):
    api = api_client_as(users[roles.TECHNICIAN])
    assert check_out(api, chromebooks[0], owing[0]).status_code == 201
    event = AuditEvent.objects.filter(object_id=chromebooks[0].pk, verb="checked_out").get()
    assert "fee_override" not in event.changes


def scan(client, device, person, **extra):
    return client.post(
        "/devices/scan/",
        {
            "mode": "out",
            "scan": device.asset_tag,
            "kind": "one_to_one",
            "person": person.pk,
            **extra,
        },
        headers={"HX-Request": "true"},
    ).content.decode()


def test_the_scan_station_offers_check_out_anyway(users, client_as, chromebooks, owing, policy_on):
    station = client_as(users[roles.TECHNICIAN])
    page = scan(station, chromebooks[0], owing[0])
    assert "Unpaid fees $45.00 exceed $25.00 — NES-0001 not checked out to Student1 Test" in page
    assert 'data-outcome="problem"' in page and "Check out anyway" in page
    assert 'name="override_fees" value="True"' in page
    assert not Assignment.objects.exists()
    page = scan(station, chromebooks[0], owing[0], override_fees="True")
    assert "✓ NES-0001 checked out to Student1 Test" in page
    assert "Check out anyway" not in page
    event = AuditEvent.objects.filter(object_id=chromebooks[0].pk, verb="checked_out").get()
    assert "fee_override" in event.changes and event.interface == "web"
    # The next scan, without the override, is checked again.
    assert "Unpaid fees $45.00 exceed" in scan(station, chromebooks[1], owing[0])


def test_the_device_page_offers_the_override_box(
    users, client_as, chromebooks, policy_on, sites, reasons
):
    teacher = Person.objects.create(
        kind="teacher", given_name="Ada", family_name="Owes", primary_site=sites[0]
    )
    services.charge_create(actor=None, person=teacher, reason=reasons["Lost device"])
    tech = client_as(users[roles.TECHNICIAN])
    url = f"/devices/{chromebooks[2].pk}/"
    form = {"person": teacher.pk, "kind": "short_term"}
    page = tech.post(url, form)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Ada Owes has unpaid fees of $250.00" in text and 'type="checkbox"' in text
    assert not Assignment.objects.exists()
    done = tech.post(url, {**form, "override_fees": "on"})
    assert done.status_code == 302
    assert Assignment.objects.get().person == teacher
