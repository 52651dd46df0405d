"""The help-desk API: tickets, comments, issue types, knowledge base, deflections."""

from homeroom.core import roles
from homeroom.helpdesk import services
from homeroom.helpdesk.models import Deflection, Ticket


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_file_and_read_a_ticket(api_client_as, teacher, sites, cracked_screen, chromebook):
    client = api_client_as(teacher)
    response = post(
        client,
        "/api/v1/tickets",
        {
            "site_id": sites[0].pk,
            "subject": "Screen cracked",
            "issue_type_id": cracked_screen.pk,
            "device_id": chromebook.pk,
        },
    )
    # A teacher cannot browse devices, so the device is not theirs to name.
    assert response.status_code == 404
    response = post(
        client,
        "/api/v1/tickets",
        {"site_id": sites[0].pk, "subject": "Screen cracked", "issue_type_id": cracked_screen.pk},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["requester_id"] == teacher.pk
    assert body["source"] == "api"
    # A broken device stops its student: high impact, medium urgency from the issue type.
    assert body["priority"] == 2
    assert body["response_due_at"] is not None
    listed = client.get("/api/v1/tickets").json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]


def test_a_ticket_at_a_site_the_user_does_not_work_at_is_refused(api_client_as, teacher, sites):
    body = {"site_id": sites[1].pk, "subject": "x"}
    response = post(api_client_as(teacher), "/api/v1/tickets", body)
    assert response.status_code == 404
    assert Ticket.objects.count() == 0


def test_bad_input_is_a_clear_400(api_client_as, teacher, sites):
    body = {"site_id": sites[0].pk, "subject": ""}
    response = post(api_client_as(teacher), "/api/v1/tickets", body)
    assert response.status_code in {400, 422}
    assert Ticket.objects.count() == 0


def test_comments_hide_internal_notes_from_requesters(file_ticket, api_client_as, teacher, tech):
    ticket = file_ticket()
    services.comment_add(actor=tech, ticket=ticket, body="Needs a new panel", is_internal=True)
    services.comment_add(actor=tech, ticket=ticket, body="Ordering a part for you")
    tech_view = api_client_as(tech).get(f"/api/v1/tickets/{ticket.pk}/comments").json()
    teacher_view = api_client_as(teacher).get(f"/api/v1/tickets/{ticket.pk}/comments").json()
    assert [c["body"] for c in tech_view["items"]] == [
        "Needs a new panel",
        "Ordering a part for you",
    ]
    assert [c["body"] for c in teacher_view["items"]] == ["Ordering a part for you"]
    refused = post(
        api_client_as(teacher),
        f"/api/v1/tickets/{ticket.pk}/comments",
        {"body": "secret", "is_internal": True},
    )
    assert refused.status_code == 403


def test_teachers_cannot_move_or_assign_tickets(file_ticket, api_client_as, teacher, tech):
    ticket = file_ticket()
    client = api_client_as(teacher)
    moved = post(client, f"/api/v1/tickets/{ticket.pk}/status", {"status": "triaged"})
    assert moved.status_code == 403
    assigned = post(
        api_client_as(tech), f"/api/v1/tickets/{ticket.pk}/assign", {"assignee_id": tech.pk}
    )
    assert assigned.json()["assignee_id"] == tech.pk
    not_a_tech = post(
        api_client_as(tech), f"/api/v1/tickets/{ticket.pk}/assign", {"assignee_id": teacher.pk}
    )
    assert not_a_tech.status_code == 400


def test_issue_types_and_articles(
    api_client_as, teacher, screen_article, cracked_screen, power_article, wont_power_on
):
    client = api_client_as(teacher)
    issues = client.get("/api/v1/issue-types?device_category=interactive_display").json()
    groups = {issue["group"] for issue in issues}
    assert "Interactive display" in groups
    assert "Account" in groups
    assert "Chromebook" not in groups
    articles = client.get(f"/api/v1/articles?issue_type_id={cracked_screen.pk}").json()["items"]
    assert [a["slug"] for a in articles] == [screen_article.slug]
    assert "<script" not in articles[0]["body_html"]
    assert client.get(f"/api/v1/articles/{screen_article.slug}").status_code == 200
    damage = post(
        client, f"/api/v1/issue-types/{cracked_screen.pk}/fixed", {"article_id": screen_article.pk}
    )
    assert damage.status_code == 409
    assert "needs a repair" in damage.json()["error"]["message"]
    assert not Deflection.objects.exists()
    fixed = post(
        client, f"/api/v1/issue-types/{wont_power_on.pk}/fixed", {"article_id": power_article.pk}
    )
    assert fixed.status_code == 201
    assert Deflection.objects.get().user == teacher


def test_students_need_the_district_setting(api_client_as, users, sites):
    from homeroom.helpdesk.models import HelpdeskSettings

    student = users[roles.STUDENT]
    client = api_client_as(student)
    assert client.get("/api/v1/tickets").status_code == 403
    HelpdeskSettings.objects.update_or_create(pk=1, defaults={"student_tickets": True})
    created = post(client, "/api/v1/tickets", {"site_id": sites[0].pk, "subject": "Can't sign in"})
    assert created.status_code == 201
    assert created.json()["requester_id"] == student.pk


def test_technicians_triage_and_escalate_through_the_api(file_ticket, api_client_as, tech, teacher):
    ticket = file_ticket()
    client = api_client_as(tech)
    changed = client.patch(
        f"/api/v1/tickets/{ticket.pk}",
        {"impact": 1, "urgency": 1, "subject": "Whole wing has no Wi-Fi"},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert (changed.json()["priority"], changed.json()["subject"]) == (1, "Whole wing has no Wi-Fi")
    escalated = post(
        client, f"/api/v1/tickets/{ticket.pk}/escalate", {"external_reference": "DIT-4411"}
    )
    assert escalated.json()["external_reference"] == "DIT-4411"
    notes = client.get(f"/api/v1/tickets/{ticket.pk}/comments").json()["items"]
    assert notes[-1]["is_internal"] and "DIT-4411" in notes[-1]["body"]
    refused = api_client_as(teacher).patch(
        f"/api/v1/tickets/{ticket.pk}", {"urgency": 1}, content_type="application/json"
    )
    assert refused.status_code == 403
