"""A teacher reporting a student's device names the student: picked from the teacher's own
classes, or taken from the device's 1:1 holder. Only those who may see the student see
the name on the ticket; a technician gives the student a loaner from the ticket's page."""

import pytest
from django.core.exceptions import ValidationError

from homeroom.core import roles
from homeroom.devices import services as device_services
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.models import Device
from homeroom.helpdesk import services
from homeroom.helpdesk.models import Ticket
from homeroom.people.models import Enrollment, Person, SchoolClass


@pytest.fixture
def classes(sites, teacher):
    """The teacher teaches Maya (grade 4); Noah is at the same school in nobody's class of
    theirs."""
    me = Person.objects.create(
        kind="teacher", given_name="Ana", family_name="Reyes", primary_site=sites[0], user=teacher
    )
    maya = Person.objects.create(
        kind="student", given_name="Maya", family_name="Ortiz", primary_site=sites[0], grade="04"
    )
    noah = Person.objects.create(
        kind="student", given_name="Noah", family_name="Berg", primary_site=sites[0], grade="05"
    )
    science = SchoolClass.objects.create(title="Science 4", site=sites[0])
    for person, role in ((me, "teacher"), (maya, "student")):
        Enrollment.objects.create(person=person, school_class=science, site=sites[0], role=role)
    return {"maya": maya, "noah": noah}


def form_for(site, **fields) -> dict:
    return {"subject": "Screen cracked", "site": site.pk, "impact": 1, "urgency": 2, **fields}


def test_the_teacher_picks_a_student_of_their_own_classes(classes, teacher, client_as, sites):
    client = client_as(teacher)
    page = client.get("/help/new/").content.decode()
    assert "Which student is it for?" in page
    assert "Maya Ortiz (Grade 04)" in page and "Noah" not in page

    refused = client.post("/help/new/", form_for(sites[0], person=classes["noah"].pk))
    assert "Select a valid choice" in refused.content.decode()
    assert not Ticket.objects.exists()

    client.post("/help/new/", form_for(sites[0], person=classes["maya"].pk))
    ticket = Ticket.objects.get()
    assert (ticket.affected_person, ticket.requester, ticket.source) == (
        classes["maya"],
        teacher,
        "form",
    )
    page = client.get(ticket.get_absolute_url()).content.decode()
    assert "<dt>For</dt><dd>Maya Ortiz</dd>" in page


def test_the_service_refuses_a_student_the_teacher_does_not_teach(classes, teacher, sites):
    with pytest.raises(ValidationError, match="Name a student of your own classes"):
        services.ticket_create(
            actor=teacher, site=sites[0], subject="Screen", affected_person=classes["noah"]
        )
    assert not Ticket.objects.exists()


def test_a_ticket_about_a_1to1_device_is_for_its_holder_and_gets_a_loaner(
    classes, chromebook, teacher, tech, client_as, sites
):
    device_services.device_check_out(actor=tech, device=chromebook, person=classes["noah"])
    Device.objects.create(
        asset_tag="LOAN-1",
        serial_number="SN-LOAN-1",
        model=chromebook.model,
        site=sites[0],
        status=DeviceStatus.LOANER_POOL,
    )
    client_as(teacher).post("/help/new/", form_for(sites[0], asset_tag="NES-0001"))
    ticket = Ticket.objects.get()
    assert ticket.affected_person == classes["noah"] and ticket.device == chromebook

    # Noah is not in the teacher's classes: the teacher's page does not name him.
    teacher_page = client_as(teacher).get(ticket.get_absolute_url()).content.decode()
    assert "Noah" not in teacher_page and "<dt>For</dt>" not in teacher_page

    tech_client = client_as(tech)
    tech_page = tech_client.get(ticket.get_absolute_url()).content.decode()
    assert "Noah Berg</a>" in tech_page and "Give a loaner" in tech_page
    given = tech_client.post(f"/repairs/tickets/{ticket.pk}/loaner/", follow=True)
    assert "✓ Loaner LOAN-1 checked out to Noah Berg" in given.content.decode()
    assert ticket.loaners.get().assignment.person == classes["noah"]


def test_a_watcher_who_may_not_see_the_student_does_not_see_the_name(
    classes, teacher, tech, make_user, sites, client_as
):
    ticket = services.ticket_create(
        actor=teacher, site=sites[0], subject="Keys", affected_person=classes["maya"]
    )
    colleague = make_user("teacher2", roles.TEACHER, sites=[sites[0]])
    services.ticket_watch(actor=tech, ticket=ticket, user=colleague)
    page = client_as(colleague).get(ticket.get_absolute_url()).content.decode()
    assert "Keys" in page and "Maya" not in page
