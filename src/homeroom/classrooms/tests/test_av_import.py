"""AV readings from a CSV file through core's import pages: check, preview, apply, history."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from homeroom.classrooms import services
from homeroom.classrooms.models import AVDetails
from homeroom.core.choices import ImportRunStatus
from homeroom.core.models import AuditEvent, ImportRun
from homeroom.core.testing import run_queued_tasks
from homeroom.devices.models import Device, DeviceModel, Manufacturer

pytestmark = pytest.mark.usefixtures("frozen")


def check(client, content: bytes, name: str = "readings.csv") -> ImportRun:
    client.post(
        "/imports/av-readings/new/", {"file": SimpleUploadedFile(name, content, "text/csv")}
    )
    run_queued_tasks()
    return ImportRun.objects.order_by("-pk").first()


def apply(client, run: ImportRun) -> ImportRun:
    client.post(f"/imports/av-readings/{run.pk}/apply/")
    run_queued_tasks()
    run.refresh_from_db()
    return run


def test_readings_are_checked_previewed_applied_and_idempotent(client_as, tech, projectors):
    services.av_update(actor=tech, device=projectors[0], lamp_hours=900, lamp_life=3500)
    client = client_as(tech)
    assert "Import readings from a CSV file" in client.get("/classrooms/av/").text
    content = (
        b"Asset Tag,Lamp Hours,Filter Cleaned,Firmware,Room\n"
        b'PJ-102,"1,250",2027-02-20,,102\n'
        b"pj-101,300,,v2.4.0,101\n"
    )
    run = check(client, content)
    assert run.status == ImportRunStatus.CHECKED, run.problems
    assert run.counts == {"AV details": {"changed": 2, "unchanged": 0}}
    assert "readings.csv:1: columns not read: Room" in run.warnings
    preview = client.get(run.get_absolute_url()).text
    assert "lamp hours 900 → 1250; filter cleaned none → 2027-02-20" in preview
    assert AVDetails.objects.get(device=projectors[0]).lamp_hours == 900  # not before Apply

    run = apply(client, run)
    assert run.status == ImportRunStatus.APPLIED
    details = {d.device.asset_tag: d for d in AVDetails.objects.select_related("device")}
    assert details["PJ-102"].lamp_hours == 1250
    assert details["PJ-102"].lamp_life == 3500  # an empty cell keeps what is recorded
    assert details["PJ-102"].filter_cleaned_on == datetime.date(2027, 2, 20)
    assert (details["PJ-101"].lamp_hours, details["PJ-101"].firmware) == (300, "v2.4.0")
    audited = AuditEvent.objects.filter(message="AV details recorded").count()
    assert audited == 3

    again = apply(client, check(client, content))
    assert again.counts == {"AV details": {"changed": 0, "unchanged": 2}}
    assert AuditEvent.objects.filter(message="AV details recorded").count() == audited
    history = client.get("/imports/?kind=av-readings").text
    assert "0 changed, 2 unchanged" in history


def test_a_bad_file_changes_nothing_and_says_what_is_wrong_by_row(
    client_as, tech, sites, projectors
):
    laptop = Device.objects.create(
        asset_tag="CB-1",
        serial_number="CB1",
        site=sites[0],
        model=DeviceModel.objects.create(
            manufacturer=Manufacturer.objects.create(name="Acer"),
            name="C722",
            category="chromebook",
        ),
    )
    elsewhere = Device.objects.create(
        asset_tag="PJ-SOUTH", serial_number="PJS", site=sites[1], model=projectors[0].model
    )
    content = (
        b"asset_tag,lamp_hours,filter_cleaned_on\n"
        b"PJ-102,lots,2027-02-30\n"
        b"PJ-101,100,2027-12-01\n"
        b"CB-1,5,\n"
        b"PJ-SOUTH,5,\n"
        b"NOPE,5,\n"
        b"PJ-101,7,\n"
    )
    client = client_as(tech)
    run = check(client, content)
    assert run.status != ImportRunStatus.CHECKED
    assert run.problems == [
        "readings.csv:2: lamp_hours: “lots” is not a number of hours",
        "readings.csv:2: filter_cleaned: “2027-02-30” is not a date (write YYYY-MM-DD)",
        "readings.csv:3: filter_cleaned: 2027-12-01 has not come yet",
        "readings.csv:4: asset_tag: CB-1 is a Chromebook, not a display or projector",
        "readings.csv:5: asset_tag: no device of yours is PJ-SOUTH",
        "readings.csv:6: asset_tag: no device of yours is NOPE",
        "readings.csv:7: asset_tag: PJ-101 is on line 3 too",
    ]
    page = client.get(run.get_absolute_url()).text
    assert "readings.csv:5: asset_tag: no device of yours is PJ-SOUTH" in page
    assert client.post(f"/imports/av-readings/{run.pk}/apply/").status_code in (200, 302, 400, 409)
    run_queued_tasks()
    assert not AVDetails.objects.exists()
    assert laptop.pk and elsewhere.pk

    no_tag = check(client, b"room,lamp_hours\n102,5\n")
    assert "readings.csv:1: asset_tag: no asset tag or serial number column" in no_tag.problems
    no_readings = check(client, b"asset_tag,room\nPJ-102,102\n")
    assert no_readings.problems[0].startswith("readings.csv:1: file: no readings")
    assert not AVDetails.objects.exists()


def test_a_teacher_may_not_import_readings(client_as, teacher):
    response = client_as(teacher).get("/imports/av-readings/new/")
    assert response.status_code == 403
