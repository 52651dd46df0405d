import re

import pytest
from django.test import Client

from homeroom.core.models import AuditEvent, Room, Site

ERROR_KEYS = {"code", "message", "fields"}


@pytest.fixture
def admin_api(users, api_client_as):
    return api_client_as(users["District admin"])


@pytest.fixture
def tech_api(users, api_client_as):
    return api_client_as(users["Technician"])


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer hr_not-a-real-token"},
        {"Authorization": "Basic YWRtaW46aG9tZXJvb20="},
    ],
)
def test_calls_without_a_valid_token_get_401_in_the_error_shape(db, headers):
    response = Client(headers=headers).get("/api/v1/sites")
    assert response.status_code == 401
    assert set(response.json()["error"]) == ERROR_KEYS
    assert response.json()["error"]["code"] == "unauthenticated"


def test_sites_are_listed_with_pagination_and_scoped_to_the_user(sites, admin_api, tech_api):
    body = admin_api.get("/api/v1/sites").json()
    assert body["count"] == 2
    assert {site["code"] for site in body["items"]} == {"NES", "SHS"}
    body = tech_api.get("/api/v1/sites").json()
    assert [site["code"] for site in body["items"]] == ["NES"]
    assert tech_api.get(f"/api/v1/sites/{sites[1].pk}").status_code == 404


def test_admin_creates_a_site_and_the_change_is_audited_as_api(db, admin_api):
    response = admin_api.post(
        "/api/v1/sites",
        {"name": "West Middle", "code": "WMS", "type": "middle"},
        content_type="application/json",
    )
    assert response.status_code == 201
    site = Site.objects.get(pk=response.json()["id"])
    event = AuditEvent.objects.get(object_id=site.pk, content_type__model="site")
    assert (event.verb, event.interface, event.actor_name) == ("created", "api", "district_admin")


def test_a_role_without_permission_gets_403_in_the_error_shape(sites, tech_api):
    response = tech_api.post(
        "/api/v1/sites", {"name": "X", "code": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Site.objects.filter(code="x").exists()


def test_invalid_input_gets_400_with_fields(sites, admin_api):
    missing = admin_api.post(
        "/api/v1/sites", {"code": "x", "type": "castle"}, content_type="application/json"
    )
    assert missing.status_code == 400
    fields = missing.json()["error"]["fields"]
    assert "name" in fields and "type" in fields
    duplicate = admin_api.post(
        "/api/v1/sites", {"name": "Other", "code": "NES"}, content_type="application/json"
    )
    assert duplicate.status_code == 400
    assert duplicate.json()["error"]["fields"]["code"] == ["Site with this Code already exists."]
    assert Site.objects.count() == 2


def test_rooms_filter_like_the_page_and_patch_changes_only_given_fields(sites, tech_api):
    body = tech_api.get("/api/v1/rooms", {"kind": "library"}).json()
    assert [(room["number"], room["site_id"]) for room in body["items"]] == [("LIB", sites[0].pk)]
    room = Room.objects.get(site=sites[0], number="101")
    response = tech_api.patch(
        f"/api/v1/rooms/{room.pk}", {"name": "Art room"}, content_type="application/json"
    )
    assert response.status_code == 200
    room.refresh_from_db()
    assert (room.name, room.number, room.kind) == ("Art room", "101", "classroom")
    event = AuditEvent.objects.get(object_id=room.pk, verb="updated")
    assert event.changes == {"name": ["", "Art room"]}


def test_a_technician_cannot_touch_rooms_of_other_sites(sites, tech_api):
    other = Room.objects.filter(site=sites[1]).first()
    assert tech_api.get(f"/api/v1/rooms/{other.pk}").status_code == 404
    moved = tech_api.patch(
        f"/api/v1/rooms/{Room.objects.filter(site=sites[0]).first().pk}",
        {"site_id": sites[1].pk},
        content_type="application/json",
    )
    assert moved.status_code == 404
    created = tech_api.post(
        "/api/v1/rooms", {"site_id": sites[1].pk, "number": "9"}, content_type="application/json"
    )
    assert created.status_code == 404
    assert set(created.json()["error"]) == ERROR_KEYS


def test_session_auth_needs_the_csrf_token_for_writes(users, sites):
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["District admin"])
    assert client.get("/api/v1/me").json()["username"] == "district_admin"
    response = client.post(
        "/api/v1/sites", {"name": "X", "code": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Site.objects.filter(code="x").exists()


def test_me_tells_the_role_and_sites(users, api_client_as, sites):
    body = api_client_as(users["Teacher"]).get("/api/v1/me").json()
    assert body["roles"] == ["Teacher"] and body["site_ids"] == [sites[0].pk]
    body = api_client_as(users["District admin"]).get("/api/v1/me").json()
    assert body["site_ids"] is None


def test_the_schema_and_docs_are_served_without_a_cdn(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert {"/api/v1/sites", "/api/v1/rooms/{room_id}", "/api/v1/me"} <= set(schema["paths"])
    docs = Client().get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs
    # Every script and stylesheet comes from this server: no absolute URL to anywhere else.
    assert re.findall(r'(?:src|href)="(https?:)?//', docs) == []
