"""Test sessions: scheduled by the coordinator, students added from a class, a grade or a
list, devices bound by scanning or from a cart, accommodations kept private, and the
teachers who administer a session seeing it."""

import datetime
import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import pinned_queries
from homeroom.devices.models import CartSlot, Device, DeviceModel, Manufacturer
from homeroom.testday import services
from homeroom.testday.models import SessionStudent
from homeroom.testday.models import TestSession as Session


def test_the_coordinator_schedules_a_session_on_the_page(
    frozen, sites, coordinator, make_window, users, client_as
):
    window = make_window()
    client = client_as(coordinator)
    form = client.get(f"/testday/sessions/new/?window={window.pk}")
    assert form.status_code == 200
    data = {
        "window": window.pk,
        "title": "Grade 4 ELA",
        "day": "2027-04-13",
        "starts": "09:00",
        "ends": "11:00",
        "room": sites[0].rooms.get(number="102").pk,
        "administrators": [users[roles.TEACHER].pk],
        "proctors": [users[roles.TECHNICIAN].pk],
    }
    outside = client.post("/testday/sessions/new/", {**data, "day": "2027-05-20"})
    assert "pick a day in it" in outside.text and not Session.objects.exists()
    elsewhere = client.post("/testday/sessions/new/", {**data, "room": sites[1].rooms.first().pk})
    assert elsewhere.status_code == 200 and not Session.objects.exists()
    made = client.post("/testday/sessions/new/", data)
    assert made.status_code == 302
    session = Session.objects.get()
    assert session.site == sites[0] and session.status == "scheduled"
    assert AuditEvent.objects.filter(object_id=session.pk, verb="created").exists()
    # The teacher who administers it sees it, on the list and on Today.
    teacher = client_as(users[roles.TEACHER])
    assert "Grade 4 ELA" in teacher.get("/testday/sessions/").text
    assert "Your test sessions" in teacher.get("/").text


def test_students_come_from_a_class_a_grade_or_a_list_of_ids(
    frozen, make_session, pupils, coordinator, client_as
):
    session = make_session()
    client = client_as(coordinator)
    url = f"/testday/sessions/{session.pk}/students/"
    client.post(url, {"school_class": pupils["class"].pk})
    assert session.students.count() == 3
    client.post(url, {"grade": "4"})
    assert session.students.count() == 4  # Sam joins; the others were there
    refused = client.post(url, {"identifiers": "S5\n9999, S1"}, follow=True)
    assert "No student at North Elementary has the id 9999." in refused.text
    assert session.students.count() == 4
    client.post(url, {"identifiers": "9005"})  # a state id
    assert session.students.count() == 5
    nothing = client.post(url, {}, follow=True)
    assert "Choose a class, a grade, or paste student ids." in nothing.text


def _devices(sites):
    acer = Manufacturer.objects.create(name="Acer")
    chromebook = DeviceModel.objects.create(
        manufacturer=acer,
        name="Chromebook 311",
        category="chromebook",
        auto_update_through=datetime.date(2030, 6, 1),
    )
    cart_model = DeviceModel.objects.create(manufacturer=acer, name="Cart 30", category="cart")
    values = {
        "site": sites[0],
        "status": "deployed",
        "org_unit_path": "/Students",
        "last_sync": timezone.now() - datetime.timedelta(days=1),
    }
    ready = [
        Device.objects.create(
            asset_tag=f"NES-{n:04d}",
            serial_number=f"SN{n}",
            model=chromebook,
            os_version="146.0.7390.1",
            **values,
        )
        for n in range(1, 5)
    ]
    old = Device.objects.create(
        asset_tag="NES-0099", serial_number="SN99", model=chromebook, os_version="110.0", **values
    )
    cart = Device.objects.create(
        asset_tag="CART-01", serial_number="CARTSN", model=cart_model, site=sites[0]
    )
    for number, device in enumerate(ready[1:], start=1):
        CartSlot.objects.create(cart=cart, number=number, device=device)
    return ready, old, cart


def test_devices_are_bound_by_scanning_and_say_whether_they_are_ready(
    frozen, sites, make_session, pupils, coordinator, users, client_as
):
    _devices(sites)
    session = make_session()
    services.students_add(actor=coordinator, session=session, school_class=pupils["class"])
    maya, leo, ana = (session.students.get(person=p) for p in pupils["people"][:3])
    tech = client_as(users[roles.TECHNICIAN])
    url = f"/testday/sessions/{session.pk}/bind/"
    page = tech.post(url, {"entry": maya.pk, "device": "nes-0001"}, follow=True)
    assert "✓ NES-0001 is Maya Ortiz's device. Ready." in html.unescape(page.text)
    page = tech.post(url, {"entry": leo.pk, "device": "SN99"}, follow=True)
    assert "Not ready: ChromeOS 110 is too old: Pearson TestNav needs 116." in page.text
    taken = tech.post(url, {"entry": ana.pk, "device": "NES-0001"}, follow=True)
    assert "NES-0001 is already Maya Ortiz's device in this session." in html.unescape(taken.text)
    assert (
        "is a cart, not a testing device"
        in tech.post(url, {"entry": ana.pk, "device": "CART-01"}, follow=True).text
    )
    assert (
        "No device NOPE at North Elementary."
        in tech.post(url, {"entry": ana.pk, "device": "NOPE"}, follow=True).text
    )
    # Ana gets the cart's first free slot.
    done = tech.post(f"/testday/sessions/{session.pk}/cart/", {"cart": "cart-01"}, follow=True)
    assert "Bound 1 devices from the cart" in done.text
    bound = dict(session.students.values_list("person__given_name", "device__asset_tag"))
    assert bound == {"Maya": "NES-0001", "Leo": "NES-0099", "Ana": "NES-0002"}
    detail = tech.get(session.get_absolute_url()).text
    assert "3 of 3 students have a device" in detail and "1 not ready or to check" in detail


def test_accommodations_are_for_the_coordinator_and_the_administrators(
    frozen, make_session, pupils, coordinator, users, client_as
):
    teacher, tech = users[roles.TEACHER], users[roles.TECHNICIAN]
    session = make_session(administrators=[teacher], proctors=[tech])
    services.students_add(actor=coordinator, session=session, identifiers="S1")
    entry = session.students.get()
    client_as(teacher).post(
        f"/testday/sessions/{session.pk}/student/",
        {"entry": entry.pk, "accommodations": "1", "accommodation": ["extended_time", "x"]},
    )
    entry.refresh_from_db()
    assert entry.accommodations == ["extended_time"]
    for user, sees in ((coordinator, True), (teacher, True), (tech, False)):
        page = client_as(user).get(session.get_absolute_url()).text
        assert ("Extended time" in page) is sees, user
    with pytest.raises(PermissionDenied):
        services.student_update(actor=tech, entry=entry, accommodations=["read_aloud"])
    # The proctor marks an absence.
    services.student_update(actor=tech, entry=entry, absent=True)
    entry.refresh_from_db()
    assert entry.absent and entry.accommodations == ["extended_time"]
    event = AuditEvent.objects.filter(object_id=session.pk).order_by("pk")
    assert {"accommodations": ["", "changed"]} in [e.changes for e in event]


def test_teachers_see_only_the_sessions_they_administer_or_proctor(
    frozen, make_session, users, client_as, sites
):
    teacher = users[roles.TEACHER]
    mine = make_session(administrators=[teacher])
    other = make_session(title="Grade 5 ELA")
    client = client_as(teacher)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.get("/testday/sessions/new/").status_code == 403
    assert client.get("/testday/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.session_set_status(actor=teacher, session=other, status="testing")


def test_the_session_moves_along_its_lifecycle(frozen, make_session, users, client_as):
    session = make_session()
    client = client_as(users[roles.TECHNICIAN])
    url = f"/testday/sessions/{session.pk}/status/"
    refused = client.post(url, {"status": "done"}, follow=True)
    assert "A session that is not started cannot become done." in refused.text
    client.post(url, {"status": "testing"})
    client.post(url, {"status": "done"})
    session.refresh_from_db()
    assert session.status == "done"
    with pytest.raises(ValidationError):
        services.session_set_status(actor=None, session=session, status="cancelled")


def test_sessions_are_refused_outside_the_rules(
    frozen, sites, make_session, make_window, users, coordinator
):
    south = make_window(actor=users[roles.DISTRICT_ADMIN], sites=[sites[1]])
    with pytest.raises(PermissionDenied):
        make_session(window=south, room=sites[1].rooms.first())
    with pytest.raises(ValidationError):
        make_session(administrators=[])
    with pytest.raises(PermissionDenied):
        make_session(actor=users[roles.TECHNICIAN])
    first = make_session()
    with pytest.raises(ValidationError):
        make_session(make_up_for=first, window=make_window(assessment="Other"))
    make_up = make_session(make_up_for=first, window=first.window)
    assert make_up.kind == "make_up"
    assert Session.objects.count() == 2
    assert not SessionStudent.objects.exists()


def test_the_session_list_filters_and_costs_the_same(
    frozen, make_session, coordinator, client_as, pupils
):
    first = make_session()
    services.students_add(actor=coordinator, session=first, grade="4")
    make_session(
        title="Grade 5 ELA",
        starts_at=first.starts_at + datetime.timedelta(days=1),
        ends_at=first.ends_at + datetime.timedelta(days=1),
    )
    client = client_as(coordinator)

    def titles(query=""):
        page = client.get(f"/testday/sessions/?{query}")
        assert page.status_code == 200
        return [s.title for s in page.context["page"].object_list]

    assert titles() == ["Grade 4 ELA", "Grade 5 ELA"]
    assert titles("day=2027-04-13") == ["Grade 5 ELA"]
    assert titles("status=testing") == []
    assert titles("status=bogus") == titles()
    client.get("/testday/sessions/")
    with pinned_queries(11) as first_run:
        client.get("/testday/sessions/")
    for n in range(3):
        make_session(title=f"More {n}")
    with pinned_queries(len(first_run.captured_queries)):
        client.get("/testday/sessions/")
