"""Attendance: badge scans at the door and ticked names, with the hours they credit."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeroom.core import roles
from homeroom.core.exceptions import Conflict
from homeroom.training import services
from homeroom.training.models import Attendance


@pytest.fixture
def started(frozen, staff, make_session, tech, time_machine):
    """A two-hour session with two seats taken and one person waiting, just starting."""
    session = make_session(capacity=2)
    for key in ("t1", "t2", "t3"):
        services.signup_create(actor=tech, session=session, person=staff[key])
    time_machine.move_to(session.starts_at - datetime.timedelta(minutes=5), tick=False)
    return session


def test_a_badge_scan_marks_present_then_late_and_a_walk_in(
    started, staff, tech, client_as, time_machine
):
    client = client_as(tech)
    url = f"/training/sessions/{started.pk}/attendance/scan/"
    answer = client.post(url, {"scan": "S-1"}, headers={"HX-Request": "true"})
    assert "✓ Teacher1 Other is here" in answer.content.decode()
    again = client.post(url, {"scan": "S-1"}, headers={"HX-Request": "true"})
    assert "already marked here" in again.content.decode()
    time_machine.move_to(started.starts_at + datetime.timedelta(minutes=15), tick=False)
    client.post(url, {"scan": "S-2"})
    walk_in = client.post(url, {"scan": "S-librarian"}, headers={"HX-Request": "true"})
    assert "walk-in, not signed up" in walk_in.content.decode()
    unknown = client.post(url, {"scan": "NOPE"}, headers={"HX-Request": "true"})
    assert "No staff member has the badge “NOPE”" in unknown.content.decode()
    kinds = dict(Attendance.objects.values_list("person__identifier", "kind"))
    assert kinds == {"S-1": "present", "S-2": "late", "S-librarian": "late"}
    assert set(Attendance.objects.values_list("hours", flat=True)) == {Decimal("2.00")}


def test_ticking_names_with_partial_hours(started, staff, tech, client_as):
    client = client_as(tech)
    url = f"/training/sessions/{started.pk}/attendance/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Teacher1 Other" in page.content.decode()
    assert "Teacher3 Other" not in page.content.decode()  # waiting, not seated
    t1, t2 = staff["t1"].pk, staff["t2"].pk
    refused = client.post(url, {f"p{t1}-kind": "present", f"p{t2}-kind": "partial"})
    assert "Say how many hours Teacher2 Other stayed for" in refused.content.decode()
    assert Attendance.objects.filter(person=staff["t2"]).count() == 0
    too_many = client.post(url, {f"p{t2}-kind": "late", f"p{t2}-hours": "3"})
    assert "At most the session" in too_many.content.decode()
    saved = client.post(
        url, {f"p{t1}-kind": "present", f"p{t2}-kind": "partial", f"p{t2}-hours": "1.25"}
    )
    assert saved.status_code == 302
    hours = dict(Attendance.objects.values_list("person__given_name", "hours"))
    assert hours == {"Teacher1": Decimal("2.00"), "Teacher2": Decimal("1.25")}
    # Unticking takes the person off again.
    client.post(url, {f"p{t1}-kind": "", f"p{t2}-kind": "partial", f"p{t2}-hours": "1.25"})
    assert list(Attendance.objects.values_list("person__given_name", flat=True)) == ["Teacher2"]


def test_only_the_presenter_or_a_technician_there_takes_attendance(
    started, staff, users, client_as, make_session, sites
):
    librarian = users[roles.LIBRARIAN]
    answer = client_as(librarian).get(f"/training/sessions/{started.pk}/attendance/")
    assert answer.status_code == 302
    with pytest.raises(PermissionDenied):
        services.attendance_record(actor=librarian, session=started, person=staff["t1"])
    elsewhere = make_session(
        actor=users[roles.DISTRICT_ADMIN],
        room=sites[1].rooms.get(number="101"),
        presenter=users[roles.TEACHER],
        starts_at=started.starts_at,
    )
    # The teacher presents it, so they run it; the technician does not work there.
    with pytest.raises(PermissionDenied):
        services.attendance_scan(actor=users[roles.TECHNICIAN], session=elsewhere, code="S-1")
    assert services.attendance_scan(actor=users[roles.TEACHER], session=elsewhere, code="S-1")


def test_attendance_waits_for_the_session(frozen, staff, make_session, tech):
    session = make_session()
    with pytest.raises(Conflict, match="opens an hour before"):
        services.attendance_record(actor=tech, session=session, person=staff["t1"])
    with pytest.raises(ValidationError):
        services.attendance_scan(actor=tech, session=session, code="")
    assert not Attendance.objects.exists()
