from decimal import Decimal

import pytest

from homeroom.core import roles
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.models import Device
from homeroom.repairs.models import Part, RepairOrder


@pytest.fixture
def api(tech, api_client_as):
    return api_client_as(tech)


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_repair_through_the_api(api, checked_out, loaners, screen, vendor, students):
    created = post(
        api,
        "/api/v1/repairs",
        {
            "device_id": checked_out.pk,
            "problem": "Cracked screen",
            "kind": "vendor_depot",
            "vendor_id": vendor.pk,
        },
    )
    assert created.status_code == 201, created.json()
    repair = created.json()
    assert repair["status"] == "open" and repair["person_id"] == students[0].pk
    assert repair["checklist"][0] == {
        "step": "deprovisioned",
        "label": "Removed from management (Chromebook deprovisioned)",
        "required": True,
        "done_at": None,
    }
    assert Device.objects.get(pk=checked_out.pk).status == DeviceStatus.IN_REPAIR
    url = f"/api/v1/repairs/{repair['id']}"

    used = post(api, f"{url}/parts", {"part_id": screen.pk, "quantity": 2})
    assert used.status_code == 201 and used.json()["unit_cost"] == "42.50"
    too_many = post(api, f"{url}/parts", {"part_id": screen.pk, "quantity": 2})
    assert too_many.status_code == 409
    assert too_many.json()["error"]["message"] == "Only 1 x 311 screen left at North Elementary."

    blocked = post(api, f"{url}/status", {"status": "shipped"})
    assert blocked.status_code == 409
    assert "Removed from management" in blocked.json()["error"]["message"]
    assert post(api, f"{url}/checklist", {"step": "deprovisioned"}).status_code == 200
    shipped = post(api, f"{url}/status", {"status": "shipped"})
    assert shipped.status_code == 200 and shipped.json()["shipped_on"] is not None

    loaner = post(api, f"{url}/loaner", {})
    assert loaner.status_code == 201
    assert loaner.json()["asset_tag"] == "LOAN-1"
    assert loaner.json()["person_id"] == students[0].pk
    again = post(api, f"{url}/loaner", {})
    assert again.status_code == 409
    assert "already has a loaner out" in again.json()["error"]["message"]

    post(api, f"{url}/status", {"status": "returned"})
    no_outcome = post(api, f"{url}/status", {"status": "completed"})
    assert no_outcome.status_code == 409
    done = post(api, f"{url}/status", {"status": "completed", "outcome": "repaired"})
    assert done.status_code == 200 and done.json()["total_cost"] == "85.00"
    detail = api.get(url).json()
    assert detail["loaner_device_ids"] == [loaners[0].pk]
    assert [p["part_name"] for p in detail["parts_used"]] == ["311 screen"]

    listed = api.get("/api/v1/repairs", {"status": "completed", "vendor": vendor.pk}).json()
    assert [item["id"] for item in listed["items"]] == [repair["id"]]
    assert api.get("/api/v1/repairs", {"open": True}).json()["count"] == 0


def test_bad_requests_get_clear_answers(api, devices, sites, chromebook_model, users):
    missing = post(api, "/api/v1/repairs", {"device_id": devices[0].pk})
    assert missing.status_code == 400 and "problem" in missing.json()["error"]["fields"]
    first = post(api, "/api/v1/repairs", {"device_id": devices[0].pk, "problem": "x"})
    twice = post(api, "/api/v1/repairs", {"device_id": devices[0].pk, "problem": "x"})
    assert twice.status_code == 409
    illegal = post(api, f"/api/v1/repairs/{first.json()['id']}/status", {"status": "returned"})
    assert illegal.status_code == 409
    message = illegal.json()["error"]["message"]
    assert message.endswith("is open; it cannot become returned from vendor.")
    none_free = post(api, f"/api/v1/repairs/{first.json()['id']}/loaner", {})
    assert none_free.status_code == 409
    other = Device.objects.create(
        asset_tag="SHS-1", serial_number="SHS-SN-1", model=chromebook_model, site=sites[1]
    )
    assert post(api, "/api/v1/repairs", {"device_id": other.pk, "problem": "x"}).status_code == 404
    assert RepairOrder.objects.count() == 1


def test_parts_and_vendors_through_the_api(api, screen, vendor, sites, users):
    Part.objects.create(site=sites[1], name="South key", kind="keyboard", unit_cost=Decimal("9"))
    parts = api.get("/api/v1/parts").json()
    assert [p["name"] for p in parts["items"]] == ["311 screen"]
    url = f"/api/v1/parts/{screen.pk}"
    received = post(api, f"{url}/receive", {"quantity": 4, "unit_cost": "40.00", "note": "PO 9"})
    assert received.status_code == 200
    assert received.json()["quantity_on_hand"] == 7 and received.json()["unit_cost"] == "40.00"
    no_reason = post(api, f"{url}/adjust", {"quantity_on_hand": 1, "reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    below = post(api, f"{url}/adjust", {"quantity_on_hand": -2, "reason": "count"})
    assert below.status_code == 400
    adjusted = post(api, f"{url}/adjust", {"quantity_on_hand": 1, "reason": "count"})
    assert adjusted.json()["is_low"] is True
    assert [m["kind"] for m in api.get(url).json()["movements"]] == [
        "adjusted",
        "received",
        "received",
    ]
    assert api.get("/api/v1/parts", {"low": True}).json()["count"] == 1
    assert [v["name"] for v in api.get("/api/v1/vendors").json()["items"]] == ["Acer depot"]


def test_teachers_reach_no_repair_operation(users, api_client_as, devices):
    teacher = api_client_as(users[roles.TEACHER])
    assert teacher.get("/api/v1/repairs").status_code == 403
    assert teacher.get("/api/v1/parts").status_code == 403
    denied = post(teacher, "/api/v1/repairs", {"device_id": devices[0].pk, "problem": "x"})
    assert denied.status_code == 403
