"""The catalog, a session's page and scheduling, as the people who use them."""

import datetime

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.training import services
from homeroom.training.models import SignUp, TrainingSession


def test_the_catalog_filters_by_topic_school_dates_and_words(
    frozen, make_session, users, client_as, sites
):
    make_session(title="Prompting well")
    make_session(
        title="Safe passwords",
        topic="digital_safety",
        audience_sites=[sites[1]],
        room=sites[1].rooms.get(number="101"),
        actor=users[roles.DISTRICT_ADMIN],
    )
    far = frozen + datetime.timedelta(days=40)
    make_session(title="Flipgrid basics", topic="tool", tool_name="Flipgrid", starts_at=far)
    client = client_as(users[roles.DISTRICT_ADMIN])

    def titles(query=""):
        page = client.get(f"/training/?{query}")
        assert page.status_code == 200
        return [s.title for s in page.context["page"].object_list]

    assert titles() == ["Prompting well", "Safe passwords", "Flipgrid basics"]
    assert titles("topic=digital_safety") == ["Safe passwords"]
    assert titles(f"site={sites[0].pk}") == ["Prompting well", "Flipgrid basics"]
    assert titles("on_or_after=2026-11-01") == ["Flipgrid basics"]
    assert titles("q=flipgrid") == ["Flipgrid basics"]
    assert titles("topic=nonsense") == titles()  # ignored with a message, never an error
    # A teacher at the first school does not see a session only for the second.
    assert "Safe passwords" not in client_as(users[roles.TEACHER]).get("/training/").text


def test_the_catalog_costs_the_same_with_more_sessions(frozen, make_session, users, client_as):
    client = client_as(users[roles.TEACHER])
    for n in range(3):
        make_session(title=f"Session {n}")
    client.get("/training/")
    with pinned_queries(10) as first:
        client.get("/training/")
    for n in range(5):
        make_session(title=f"More {n}")
    with pinned_queries(len(first.captured_queries)):
        client.get("/training/")


def test_sign_up_for_the_last_seat_then_the_waitlist_on_the_page(
    frozen, staff, make_session, users, client_as
):
    session = make_session(capacity=1)
    teacher = client_as(users[roles.TEACHER])
    librarian = client_as(users[roles.LIBRARIAN])
    url = f"/training/sessions/{session.pk}/"
    page = teacher.get(url).text
    assert "Sign up</button>" in page
    # Two hours from 4 am in the district's zone, both ends written alike.
    assert "Wed 7 Oct, 4:00 am \N{EN DASH} 6:00 am" in page
    teacher.post(f"{url}sign-up/")
    assert "You have a seat" in teacher.get(url).text
    assert "Join the waitlist" in librarian.get(url).text
    librarian.post(f"{url}sign-up/")
    assert "number 1 on the waitlist" in librarian.get(url).text
    assert teacher.get(f"{url}sign-up/").status_code == 405
    teacher.post(f"{url}cancel-sign-up/")
    assert "You have a seat" in librarian.get(url).text
    statuses = dict(SignUp.objects.values_list("person__given_name", "status"))
    assert statuses == {"Teacher": "cancelled", "Librarian": "confirmed"}
    # The presenter (the technician) sees the list.
    listing = client_as(users[roles.TECHNICIAN]).get(url).text
    assert "Signed up (1 of 1)" in listing and "Librarian Staff" in listing


def test_the_presenters_list_and_my_training(frozen, staff, make_session, users, client_as):
    session = make_session(presenter=users[roles.TEACHER])
    services.signup_create(actor=users[roles.LIBRARIAN], session=session)
    mine = client_as(users[roles.TEACHER]).get("/training/mine/").text
    assert "Sessions you present" in mine and "1 taken" in mine
    assert (
        "Signed up (1 of 2)" in client_as(users[roles.TEACHER]).get(session.get_absolute_url()).text
    )
    librarian = client_as(users[roles.LIBRARIAN]).get("/training/mine/").text
    assert "AI literacy: a first look" in librarian and "Has a seat" in librarian
    assert "My training" in client_as(users[roles.LIBRARIAN]).get("/").text


def test_scheduling_a_weekly_series_and_a_refusal(frozen, users, client_as, sites):
    client = client_as(users[roles.TECHNICIAN])
    room = sites[0].rooms.get(number="102")
    data = {
        "title": "LMS office hours",
        "topic": "lms",
        "day": "2026-10-12",
        "starts": "15:30",
        "ends": "16:30",
        "repeat_weekly": "2",
        "room": room.pk,
        "capacity": "12",
        "credit_hours": "1",
        "presenter": users[roles.TECHNICIAN].pk,
    }
    refused = client.post("/training/sessions/new/", {**data, "room": "", "ends": "15:00"})
    assert "Choose a room, or give an online link." in refused.text
    assert "The session must end after it starts." in refused.text
    far = client.post("/training/sessions/new/", {**data, "room": sites[1].rooms.first().pk})
    assert far.status_code == 200 and not TrainingSession.objects.exists()
    made = client.post("/training/sessions/new/", data)
    assert made.status_code == 302
    days = [s.starts_at.date().isoformat() for s in TrainingSession.objects.all()]
    assert days == ["2026-10-12", "2026-10-19", "2026-10-26"]
    first = TrainingSession.objects.first()
    assert "Other dates in this series" in client.get(first.get_absolute_url()).text
