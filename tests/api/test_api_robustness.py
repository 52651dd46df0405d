"""Numbers too large for their columns, values the database cannot take, and the API's
answers when something is not there or goes wrong: always a 4xx in the API's error shape,
never a half write."""

import datetime
import json
from decimal import Decimal

import pytest
from django.test import Client, RequestFactory

from homeroom.api import api
from homeroom.core.calendar import calendar_for
from homeroom.core.models import AuditEvent
from homeroom.devices.choices import DeviceCategory
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.fees.models import Charge, FeeReason
from homeroom.people.models import Person
from homeroom.repairs import services as repair_services
from homeroom.repairs.models import Part, StockMovement

TOO_BIG = 2**64
JSON = "application/json"


@pytest.fixture
def admin_api(users, api_client_as):
    return api_client_as(users["District admin"])


@pytest.fixture
def part(sites):
    return Part.objects.create(
        site=sites[0], name="Screen 11.6in", kind="screen", unit_cost=Decimal("39.00")
    )


@pytest.fixture
def chromebook_model(db):
    return DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Acer"),
        name="Chromebook 311",
        category=DeviceCategory.CHROMEBOOK,
        auto_update_through=datetime.date(2027, 6, 1),
    )


def refused(response, status: int = 400) -> dict:
    """The response is the API's error shape with `status`; returns its error."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith(JSON)
    body = json.loads(response.content)
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


# Issue 10.3: a number too large for its column.


def test_receiving_a_unit_cost_too_large_for_its_column_changes_nothing(admin_api, part):
    events_before = AuditEvent.objects.count()

    response = admin_api.post(
        f"/api/v1/parts/{part.pk}/receive",
        {"quantity": 1, "unit_cost": "123456789012"},
        content_type=JSON,
    )

    assert "unit_cost" in refused(response)["fields"]
    part.refresh_from_db()
    assert (part.quantity_on_hand, part.unit_cost) == (0, Decimal("39.00"))
    assert not StockMovement.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert admin_api.get("/api/v1/parts").status_code == 200
    assert admin_api.get(f"/api/v1/parts/{part.pk}").status_code == 200


def test_the_service_checks_the_columns_before_writing(users, part):
    """Whatever calls it, the receive service refuses a cost or a stock its columns cannot
    hold, before the stock, the movement or the audit event is written."""
    admin = users["District admin"]
    with pytest.raises(Exception) as refusal:
        repair_services.part_receive(
            actor=admin, part=part, quantity=1, unit_cost=Decimal("123456789012")
        )
    assert "unit_cost" in refusal.value.message_dict
    with pytest.raises(Exception) as refusal:
        repair_services.part_receive(actor=admin, part=part, quantity=2**63)
    assert "quantity_on_hand" in refusal.value.message_dict
    part.refresh_from_db()
    assert part.quantity_on_hand == 0
    assert not StockMovement.objects.exists()


def test_receiving_a_huge_quantity_is_refused(admin_api, part):
    response = admin_api.post(
        f"/api/v1/parts/{part.pk}/receive", {"quantity": 10**20}, content_type=JSON
    )
    assert "quantity" in refused(response)["fields"]
    part.refresh_from_db()
    assert part.quantity_on_hand == 0


def test_the_receive_page_refuses_a_huge_quantity(users, client_as, part):
    page = client_as(users["District admin"]).post(
        f"/parts/{part.pk}/receive/", {"quantity": str(10**20), "unit_cost": ""}
    )
    assert page.status_code in {200, 302}
    part.refresh_from_db()
    assert part.quantity_on_hand == 0
    assert not StockMovement.objects.exists()


def test_a_charge_amount_too_large_is_refused(admin_api, sites):
    student = Person.objects.create(
        given_name="Ana", family_name="Lopez", kind="student", primary_site=sites[0]
    )
    reason = FeeReason.objects.create(name="Screen", category="damage", default_amount="45.00")
    response = admin_api.post(
        "/api/v1/fees/charges",
        {"person_id": student.pk, "reason_id": reason.pk, "amount": 1.14e104},
        content_type=JSON,
    )
    assert "amount" in refused(response)["fields"]
    assert not Charge.objects.exists()


# Issue 10.8: server errors found by fuzzing.


def test_an_auto_update_year_without_a_year_before_it_is_refused(
    admin_api, users, client_as, chromebook_model
):
    refused(admin_api.get("/api/v1/devices?auto_update_year=0"))
    assert admin_api.get("/api/v1/devices?auto_update_year=2027").status_code == 200
    page = client_as(users["District admin"]).get("/devices/?auto_update_year=0")
    assert page.status_code == 200
    assert "Ignored the filter" in page.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/devices?site={TOO_BIG}",
        f"/api/v1/tickets?assignee={TOO_BIG}",
        f"/api/v1/parts?model={TOO_BIG}",
        f"/api/v1/people?site={TOO_BIG}",
        f"/api/v1/sites?page={TOO_BIG}",
        f"/api/v1/rooms?page={2**62}",
        f"/api/v1/sites/{TOO_BIG}",
        f"/api/v1/fees/charges/{TOO_BIG}",
        f"/api/v1/assignments?person_id={TOO_BIG}",
    ],
)
def test_integers_past_64_bits_are_refused(admin_api, url):
    refused(admin_api.get(url))


def test_a_school_time_with_a_zone_offset_is_refused(admin_api, sites):
    response = admin_api.put(
        f"/api/v1/sites/{sites[0].pk}/calendar",
        {"school_days": ["monday"], "opens_at": "07:30:00+02:00", "closes_at": "15:00"},
        content_type=JSON,
    )
    assert "opens_at" in refused(response)["fields"]
    assert calendar_for(sites[0]).uses_district_hours


def test_times_are_answered_as_they_are_sent(admin_api, sites):
    response = admin_api.put(
        f"/api/v1/sites/{sites[0].pk}/calendar",
        {"school_days": ["monday"], "opens_at": "07:45", "closes_at": "15:10"},
        content_type=JSON,
    )
    assert (response.json()["opens_at"], response.json()["closes_at"]) == ("07:45", "15:10")
    assert calendar_for(sites[0]).opens_at == datetime.time(7, 45)


def test_an_unknown_api_route_answers_json(admin_api):
    error = refused(admin_api.get("/api/v1/no-such-thing"), status=404)
    assert error["code"] == "not_found"
    error = refused(Client().get("/api/v1/devices/1/nothing-here"), status=404)
    assert error["code"] == "not_found"


def test_a_page_that_is_not_there_is_still_a_page(users, client_as):
    response = client_as(users["District admin"]).get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_server_error_in_an_operation_answers_json(users):
    """The handler Django Ninja calls for any exception no other handler takes."""
    request = RequestFactory().get("/api/v1/sites")
    request.user = request.auth = users["District admin"]
    response = api.on_exception(request, RuntimeError("the database went away"))
    error = refused(response, status=500)
    assert error["code"] == "server_error"
    assert "database" not in error["message"]


# Issue 10.10: schema truth.


def test_the_schema_declares_what_operations_answer(admin_api):
    schema = admin_api.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    receive = paths["/api/v1/parts/{part_id}/receive"]["post"]["responses"]
    assert set(receive) >= {"200", "400", "401", "403", "404", "409"}
    assert set(paths["/api/v1/me"]["get"]["responses"]) == {"200", "401"}
    roster = schema["components"]["schemas"]["RosterImportOut"]["properties"]
    assert roster["errors"]["type"] == roster["warnings"]["type"] == "array"
    assert roster["errors"]["items"] == {"type": "string"}
    hours = schema["components"]["schemas"]["CalendarOut"]["properties"]["opens_at"]
    assert "format" not in hours
    assert hours["pattern"].startswith("^")
    receive_in = schema["components"]["schemas"]["ReceiveIn"]["properties"]
    assert receive_in["quantity"]["maximum"] == 2**31 - 1


def test_a_cart_added_through_the_api_has_slots_to_fill(admin_api, sites, chromebook_model):
    cart_model = DeviceModel.objects.create(
        manufacturer=chromebook_model.manufacturer, name="Cart 30", category=DeviceCategory.CART
    )
    created = admin_api.post(
        "/api/v1/devices",
        {
            "asset_tag": "CART-1",
            "serial_number": "CT1",
            "model_id": cart_model.pk,
            "site_id": sites[0].pk,
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    chromebook = Device.objects.create(
        asset_tag="NES-0001", serial_number="SN1", model=chromebook_model, site=sites[0]
    )

    filled = admin_api.post(
        f"/api/v1/carts/{created.json()['id']}/slots", {"scan": "NES-0001"}, content_type=JSON
    )

    assert filled.status_code == 201, filled.content
    assert filled.json() == {"number": 1, "device_id": chromebook.pk, "asset_tag": "NES-0001"}
    cart = admin_api.get(f"/api/v1/carts/{created.json()['id']}").json()
    assert (len(cart["slots"]), cart["empty_slots"]) == (30, 29)
