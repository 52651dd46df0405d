"""The catalog, reviews and requests through the API: the same rules as the pages."""

import pytest
from django.core import mail

from homeroom.core import roles
from homeroom.people.models import Person
from homeroom.software.models import Review, Tool, ToolRequest


@pytest.fixture
def teacher_person(users, sites):
    return Person.objects.create(
        kind="teacher", given_name="Tess", family_name="Walker", primary_site=sites[0],
        user=users[roles.TEACHER],
    )  # fmt: skip


def test_the_catalog_through_the_api(users, sites, api_client_as, make_tool):
    make_tool("Desmos", category="assessment", sites=[sites[0]])
    tech = api_client_as(users[roles.TECHNICIAN])
    made = tech.post(
        "/api/v1/software/tools",
        {"name": "Book Creator", "category": "creation", "platforms": ["web", "ipad"],
         "site_ids": [sites[0].pk]},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["decision"] == "not_reviewed" and body["site_ids"] == [sites[0].pk]
    other = tech.post(
        "/api/v1/software/tools",
        {"name": "Gimkit", "category": "assessment", "site_ids": [sites[1].pk]},
        content_type="application/json",
    )
    assert other.status_code == 400 and "site_ids" in other.json()["error"]["fields"]
    bad = tech.post(
        "/api/v1/software/tools",
        {"name": "X", "category": "assessment", "extension_ids": ["nope"]},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "extension_ids" in bad.json()["error"]["fields"]
    listed = api_client_as(users[roles.TEACHER]).get("/api/v1/software/tools?category=creation")
    assert [t["name"] for t in listed.json()["items"]] == ["Book Creator"]
    patched = tech.patch(
        f"/api/v1/software/tools/{body['id']}", {"subjects": "ELA"},
        content_type="application/json",
    )  # fmt: skip
    assert patched.status_code == 200 and patched.json()["subjects"] == "ELA"
    teacher = api_client_as(users[roles.TEACHER])
    assert teacher.post(
        "/api/v1/software/tools", {"name": "Y", "category": "content"},
        content_type="application/json",
    ).status_code == 403  # fmt: skip


def test_a_request_reviewed_and_decided_through_the_api(
    users, sites, api_client_as, teacher_person, django_capture_on_commit_callbacks
):
    teacher = api_client_as(users[roles.TEACHER])
    asked = teacher.post(
        "/api/v1/software/requests",
        {"tool_name": "Diffit", "purpose": "Levelled readings", "students": 80},
        content_type="application/json",
    )
    assert asked.status_code == 201 and asked.json()["site_id"] == sites[0].pk
    tech = api_client_as(users[roles.TECHNICIAN])
    tool = tech.post(
        "/api/v1/software/tools",
        {"name": "Diffit", "category": "ai_assistant", "uses_ai": True,
         "site_ids": [sites[0].pk]},
        content_type="application/json",
    ).json()  # fmt: skip
    ToolRequest.objects.update(tool_id=tool["id"])
    review = tech.post(
        f"/api/v1/software/tools/{tool['id']}/reviews", {"terms_version": "Terms of 2025"},
        content_type="application/json",
    )  # fmt: skip
    assert review.status_code == 201
    review_id = review.json()["id"]
    answered = tech.patch(
        f"/api/v1/software/reviews/{review_id}",
        {"trains_on_student_data": "no", "data_elements": ["name", "student_work"]},
        content_type="application/json",
    )
    assert answered.json()["trains_on_student_data"] == "no"
    refused = tech.post(
        f"/api/v1/software/reviews/{review_id}/decision", {"status": "conditions"},
        content_type="application/json",
    )  # fmt: skip
    assert refused.status_code == 400 and "conditions" in refused.json()["error"]["fields"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = tech.post(
            f"/api/v1/software/reviews/{review_id}/decision",
            {"status": "conditions", "conditions": "Staff only"},
            content_type="application/json",
        )
    assert decided.status_code == 200 and decided.json()["status"] == "conditions"
    assert Tool.objects.get(pk=tool["id"]).decision == "conditions"
    assert [m.to for m in mail.outbox] == [[users[roles.TEACHER].email]]
    twice = tech.post(
        f"/api/v1/software/reviews/{review_id}/decision", {"status": "denied", "reasons": "x"},
        content_type="application/json",
    )  # fmt: skip
    assert twice.status_code == 409
    # Asking again for a decided tool is refused with the decision.
    again = api_client_as(users[roles.LIBRARIAN]).post(
        "/api/v1/software/requests",
        {"tool_name": "diffit", "purpose": "x", "students": 2, "site_id": sites[0].pk},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "already approved with conditions" in again.json()["error"]["fields"]["tool_name"][0]
    mine = teacher.get("/api/v1/software/requests").json()["items"]
    assert [(r["tool_name"], r["status"]) for r in mine] == [("Diffit", "decided")]
    assert Review.objects.get().reviewer == users[roles.TECHNICIAN]
