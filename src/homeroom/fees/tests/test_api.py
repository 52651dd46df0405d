from decimal import Decimal

import pytest

from homeroom.core import roles
from homeroom.fees import services
from homeroom.fees.models import Charge, Payment


@pytest.fixture
def tech_api(users, api_client_as):
    return api_client_as(users[roles.TECHNICIAN])


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_charge_pay_and_waive_through_the_api(tech_api, reasons, students):
    created = post(
        tech_api,
        "/api/v1/fees/charges",
        {"person_id": students[0].pk, "reason_id": reasons["Cracked screen"].pk, "note": "Fell"},
    )
    assert created.status_code == 201
    charge = created.json()
    assert charge["amount"] == "45.00" and charge["status"] == "open"
    assert charge["person_name"] == "Student1 Test" and charge["reason_name"] == "Cracked screen"
    second = post(
        tech_api,
        "/api/v1/fees/charges",
        {"person_id": students[0].pk, "reason_id": reasons["Lost charger"].pk, "amount": "19.99"},
    ).json()
    paid = post(
        tech_api,
        "/api/v1/fees/payments",
        {
            "person_id": students[0].pk,
            "amount": "20.00",
            "method": "check",
            "receipt_number": "1042",
            "charge_ids": [charge["id"]],
        },
    )
    assert paid.status_code == 201 and paid.json()["charge_ids"] == [charge["id"]]
    waived = post(
        tech_api,
        f"/api/v1/fees/charges/{second['id']}/waivers",
        {"reason": "Charger was in the cart"},
    )
    assert waived.status_code == 201 and waived.json()["amount"] == "19.99"
    detail = tech_api.get(f"/api/v1/fees/charges/{charge['id']}").json()
    assert detail["balance"] == "25.00" and detail["status"] == "partly_paid"
    assert detail["payments"][0]["receipt_number"] == "1042"
    assert detail["payments"][0]["method"] == "check"
    balance = tech_api.get(f"/api/v1/fees/people/{students[0].pk}/balance").json()
    assert balance == {
        "person_id": students[0].pk,
        "balance": "25.00",
        "check_out_blocked": False,
        "limit": None,
    }
    listed = tech_api.get("/api/v1/fees/charges", {"status": "waived"}).json()
    assert [item["id"] for item in listed["items"]] == [second["id"]]
    assert tech_api.get("/api/v1/fees/charges", {"q": "400001"}).json()["count"] == 2
    assert tech_api.get("/api/v1/fees/charges", {"unpaid": "true"}).json()["count"] == 1
    schedule = tech_api.get("/api/v1/fees/schedule").json()
    assert {"name": "Lost device", "default_amount": "250.00"}.items() <= next(
        item for item in schedule if item["name"] == "Lost device"
    ).items()


def test_api_refusals_use_the_error_shape_and_change_nothing(tech_api, reasons, students):
    charge = services.charge_create(actor=None, person=students[0], reason=reasons["Lost charger"])
    negative = post(
        tech_api,
        "/api/v1/fees/charges",
        {"person_id": students[0].pk, "reason_id": reasons["Lost charger"].pk, "amount": "-3"},
    )
    assert negative.status_code == 400
    assert negative.json()["error"]["fields"] == {"amount": ["The amount must be more than $0.00."]}
    over = post(
        tech_api,
        "/api/v1/fees/payments",
        {"person_id": students[0].pk, "amount": "30", "method": "cash"},
    )
    assert over.status_code == 400 and "more than the $25.00 owed" in str(over.json())
    no_reason = post(tech_api, f"/api/v1/fees/charges/{charge.pk}/waivers", {"reason": " "})
    assert no_reason.status_code == 400 and "Say why" in str(no_reason.json())
    post(tech_api, f"/api/v1/fees/charges/{charge.pk}/waivers", {"reason": "Returned"})
    again = post(tech_api, f"/api/v1/fees/charges/{charge.pk}/waivers", {"reason": "Again"})
    assert again.status_code == 409 and "already waived" in again.json()["error"]["message"]
    unknown = post(
        tech_api,
        "/api/v1/fees/payments",
        {"person_id": students[0].pk, "amount": "1", "method": "cash", "charge_ids": [999]},
    )
    assert unknown.status_code == 404
    assert Charge.objects.count() == 1 and not Payment.objects.exists()


def test_the_api_keeps_to_the_callers_sites_and_roles(
    users, api_client_as, reasons, far_student, students
):
    far = services.charge_create(actor=None, person=far_student, reason=reasons["Lost charger"])
    tech_api = api_client_as(users[roles.TECHNICIAN])
    assert tech_api.get(f"/api/v1/fees/charges/{far.pk}").status_code == 404
    assert tech_api.get("/api/v1/fees/charges").json()["count"] == 0
    refused = post(
        tech_api,
        "/api/v1/fees/charges",
        {"person_id": far_student.pk, "reason_id": reasons["Lost charger"].pk},
    )
    assert refused.status_code == 404
    teacher_api = api_client_as(users[roles.TEACHER])
    assert teacher_api.get("/api/v1/fees/charges").status_code == 403
    assert teacher_api.get("/api/v1/fees/mine").json()["count"] == 0
    student = users[roles.STUDENT]
    students[0].user = student
    students[0].save()
    services.charge_create(actor=None, person=students[0], reason=reasons["Damaged book"])
    mine = api_client_as(student).get("/api/v1/fees/mine").json()
    assert [item["amount"] for item in mine["items"]] == [str(Decimal("12.50"))]
