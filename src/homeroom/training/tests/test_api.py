"""The training API: sessions, sign-ups and the waitlist, attendance, certificates, and
coaching requests with their logs, through bearer tokens and the one error shape."""

import datetime

from homeroom.core import roles
from homeroom.training.models import Attendance, CoachingRequest


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def test_schedule_sign_up_waitlist_attend_and_certificates(
    frozen, staff, users, api_client_as, sites, time_machine
):
    tech = api_client_as(users[roles.TECHNICIAN])
    teacher = api_client_as(users[roles.TEACHER])
    librarian = api_client_as(users[roles.LIBRARIAN])
    starts = frozen + datetime.timedelta(days=2)
    body = {
        "title": "AI literacy: prompts",
        "topic": "ai_literacy",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + datetime.timedelta(hours=2)).isoformat(),
        "capacity": 1,
        "credit_hours": "2.00",
        "room_id": sites[0].rooms.get(number="101").pk,
    }
    refused = post(teacher, "/api/v1/training/sessions", body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "forbidden"
    made = post(tech, "/api/v1/training/sessions", body)
    assert made.status_code == 201, made.json()
    session = made.json()
    assert session["where"] == "North Elementary, room 101" and session["seats_taken"] == 0
    listed = teacher.get("/api/v1/training/sessions?topic=ai_literacy").json()
    assert [item["title"] for item in listed["items"]] == ["AI literacy: prompts"]

    url = f"/api/v1/training/sessions/{session['id']}"
    seat = post(teacher, f"{url}/signups")
    assert seat.status_code == 201 and seat.json()["status"] == "confirmed"
    again = post(teacher, f"{url}/signups")
    assert again.status_code == 409 and "already has a seat" in again.json()["error"]["message"]
    waiting = post(librarian, f"{url}/signups").json()
    assert waiting["status"] == "waitlisted" and waiting["waitlist_position"] == 1
    assert teacher.get(f"{url}/signups").status_code == 403
    order = [(s["person"], s["status"]) for s in tech.get(f"{url}/signups").json()]
    assert order == [("Teacher Staff", "confirmed"), ("Librarian Staff", "waitlisted")]

    time_machine.move_to(starts + datetime.timedelta(minutes=15), tick=False)
    scanned = post(tech, f"{url}/attendance", {"badge": "S-teacher", "kind": "late"})
    assert scanned.status_code == 201 and scanned.json()["via"] == "scan"
    unknown = post(tech, f"{url}/attendance", {"badge": "nobody"})
    assert unknown.status_code == 400 and "badge" in unknown.json()["error"]["fields"]
    early = post(tech, f"{url}/attendance", {"person_id": staff["t1"].pk, "kind": "partial"})
    assert early.status_code == 400 and "hours" in early.json()["error"]["fields"]
    [record] = tech.get(f"{url}/attendance").json()
    assert record["hours"] == "2.00" and record["kind"] == "late"

    teacher = api_client_as(users[roles.TEACHER])
    [year] = teacher.get("/api/v1/training/certificates").json()
    assert year["school_year"] == "2026-27" and year["hours"] == "2.00"
    attendance = Attendance.objects.get()
    assert year["certificates"][0]["url"] == f"/training/certificates/{attendance.pk}.pdf"
    assert api_client_as(users[roles.LIBRARIAN]).get("/api/v1/training/certificates").json() == []


def test_cancelling_a_sign_up_promotes_the_next_and_a_cancelled_session(
    frozen, staff, users, api_client_as, make_session
):
    session = make_session(capacity=1)
    teacher = api_client_as(users[roles.TEACHER])
    librarian = api_client_as(users[roles.LIBRARIAN])
    url = f"/api/v1/training/sessions/{session.pk}"
    mine = post(teacher, f"{url}/signups").json()
    post(librarian, f"{url}/signups")
    assert post(librarian, f"/api/v1/training/signups/{mine['id']}/cancel").status_code == 403
    cancelled = post(teacher, f"/api/v1/training/signups/{mine['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    tech = api_client_as(users[roles.TECHNICIAN])
    statuses = [s["status"] for s in tech.get(f"{url}/signups").json()]
    assert statuses == ["confirmed"]
    assert post(tech, f"{url}/cancel").json()["status"] == "cancelled"
    assert post(tech, f"{url}/cancel").status_code == 409


def test_coaching_through_the_api(frozen, staff, users, api_client_as, sites, time_machine):
    teacher = api_client_as(users[roles.TEACHER])
    tech = api_client_as(users[roles.TECHNICIAN])
    wanted = frozen + datetime.timedelta(days=1)
    body = {
        "tool_name": "Flipgrid",
        "details": "First lesson in period 3",
        "wanted_at": wanted.isoformat(),
        "room_id": sites[0].rooms.get(number="102").pk,
        "kind": "side_by_side",
    }
    naive = post(teacher, "/api/v1/training/coaching", {**body, "wanted_at": "2026-10-06T10:00"})
    assert naive.status_code == 400
    made = post(teacher, "/api/v1/training/coaching", body)
    assert made.status_code == 201 and made.json()["status"] == "requested"
    url = f"/api/v1/training/coaching/{made.json()['id']}"
    assert post(teacher, f"{url}/schedule", {"visit_at": wanted.isoformat()}).status_code == 403
    accepted = post(tech, f"{url}/status", {"status": "accepted"}).json()
    assert accepted["status"] == "accepted" and accepted["coach_id"] == users[roles.TECHNICIAN].pk
    early = post(
        tech,
        f"{url}/logs",
        {"visited_on": "2026-10-05", "goal": "g", "kind": "modeling", "done": "d"},
    )
    assert early.status_code == 409
    scheduled = post(tech, f"{url}/schedule", {"visit_at": wanted.isoformat()})
    assert scheduled.json()["status"] == "scheduled"
    time_machine.move_to(wanted + datetime.timedelta(hours=1), tick=False)
    tech = api_client_as(users[roles.TECHNICIAN])
    log = post(
        tech,
        f"{url}/logs",
        {
            "visited_on": "2026-10-06",
            "goal": "Students post a first video",
            "kind": "side_by_side",
            "done": "Stayed for the lesson",
            "follow_up_on": "2026-10-13",
        },
    )
    assert log.status_code == 201, log.json()
    assert CoachingRequest.objects.get().status == "completed"
    done = post(tech, f"/api/v1/training/coaching/logs/{log.json()['id']}/follow-up-done")
    assert done.status_code == 200 and done.json()["follow_up_done_at"]
    teacher = api_client_as(users[roles.TEACHER])
    assert [entry["goal"] for entry in teacher.get(f"{url}/logs").json()] == [
        "Students post a first video"
    ]
    listed = tech.get("/api/v1/training/coaching?status=completed").json()["items"]
    assert [item["tool_name"] for item in listed] == ["Flipgrid"]
    gone = api_client_as(users[roles.LIBRARIAN]).get(url)
    assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found"
