"""Who sees which tickets: technicians at their sites; teachers and staff their own and
those they watch; students only when the district allows student tickets."""

from homeroom.core import roles
from homeroom.helpdesk import services
from homeroom.helpdesk.models import HelpdeskSettings


def test_teachers_see_their_own_and_watched_tickets_only(
    file_ticket, teacher, tech, make_user, client_as, sites
):
    colleague = make_user("colleague", roles.TEACHER, sites=[sites[0]])
    theirs = file_ticket(actor=colleague, subject="Colleague's projector")
    mine = file_ticket(subject="My projector")
    client = client_as(teacher)
    assert client.get(f"/tickets/{theirs.pk}/").status_code == 404
    assert client.get(f"/tickets/{mine.pk}/").status_code == 200
    services.ticket_watch(actor=tech, ticket=theirs, user=teacher)
    assert client.get(f"/tickets/{theirs.pk}/").status_code == 200
    page = client.get("/help/mine/").content.decode()
    assert "Colleague&#x27;s projector" in page and "My projector" in page
    assert client.get("/helpdesk/").status_code == 403


def test_technicians_work_only_at_their_sites(file_ticket, users, make_user, client_as, sites):
    ticket = file_ticket()
    south_tech = make_user("south", roles.TECHNICIAN, sites=[sites[1]])
    assert client_as(south_tech).get(f"/tickets/{ticket.pk}/").status_code == 404
    assert client_as(users[roles.TECHNICIAN]).get(f"/tickets/{ticket.pk}/").status_code == 200


def test_students_file_only_when_the_district_allows(users, client_as, sites):
    student = users[roles.STUDENT]
    client = client_as(student)
    assert client.get("/help/").status_code == 403
    assert "Get help" not in client.get("/").content.decode()
    HelpdeskSettings.objects.update_or_create(pk=1, defaults={"student_tickets": True})
    assert client.get("/help/").status_code == 200
    response = client.post(
        "/help/new/", {"subject": "Forgot password", "site": sites[0].pk, "impact": 3, "urgency": 2}
    )
    assert response.status_code == 302
    assert student.requested_tickets.get().subject == "Forgot password"
    # Filing is the district's setting, not a permission: a student holds only the catalog's.
    assert student.get_all_permissions() == {"library.search_catalog"}


def test_internal_notes_never_reach_the_requester(file_ticket, teacher, tech, client_as):
    ticket = file_ticket()
    client_as(tech).post(
        f"/tickets/{ticket.pk}/reply/",
        {"body": "Teacher dropped it, bill the fee", "is_internal": "on", "time_spent_minutes": 15},
    )
    client_as(teacher).post(f"/tickets/{ticket.pk}/reply/", {"body": "Sneaky", "is_internal": "on"})
    page = client_as(teacher).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "bill the fee" not in page
    assert "Internal note" not in page
    ticket.refresh_from_db()
    assert ticket.time_spent_minutes == 15
    assert ticket.comment_count == 2  # the teacher's reply went in as a public one
    assert ticket.public_comment_count == 1


def test_a_students_ticket_is_about_the_student(users, client_as, sites):
    from homeroom.people.models import Person

    student = users[roles.STUDENT]
    me = Person.objects.create(
        kind="student", given_name="Sam", family_name="Lee", primary_site=sites[0], user=student
    )
    HelpdeskSettings.objects.update_or_create(pk=1, defaults={"student_tickets": True})
    client_as(student).post(
        "/help/new/", {"subject": "Keyboard", "site": sites[0].pk, "impact": 3, "urgency": 2}
    )
    assert student.requested_tickets.get().affected_person == me
