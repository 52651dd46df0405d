"""Help-desk mail goes through Django's mail backend once the change is committed; the
satisfaction link in the resolution email works with one click, without signing in, once."""

import re

from django.core import mail
from django.test import Client

from homeroom.core import roles
from homeroom.helpdesk import services
from homeroom.helpdesk.models import Ticket


def test_a_new_ticket_mails_the_requester_and_the_sites_technicians(
    file_ticket, teacher, tech, users, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = file_ticket(subject="Smartboard has no image")
    by_subject = {m.subject: m.to for m in mail.outbox}
    assert by_subject == {
        f"We got your request #{ticket.pk}: Smartboard has no image": [teacher.email],
        f"New ticket #{ticket.pk} at North Elementary: Smartboard has no image": [tech.email],
    }
    # The district admin works at every site but is not named at this one: no mail.
    assert all(users[roles.DISTRICT_ADMIN].email not in m.to for m in mail.outbox)
    assert f"/tickets/{ticket.pk}/" in mail.outbox[0].body


def test_public_replies_mail_the_other_side_and_internal_notes_mail_nobody(
    file_ticket, teacher, tech, django_capture_on_commit_callbacks
):
    ticket = file_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(actor=tech, ticket=ticket, body="Checked the cable.", is_internal=True)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(actor=tech, ticket=ticket, body="Is the input set to HDMI 1?")
    assert [m.to for m in mail.outbox] == [[teacher.email]]
    assert "Is the input set to HDMI 1?" in mail.outbox[0].body
    assert "Checked the cable" not in mail.outbox[0].body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(actor=teacher, ticket=ticket, body="Yes, still nothing.")
    assert [m.to for m in mail.outbox] == [[tech.email]]


def test_the_satisfaction_link_records_one_rating_without_signing_in(
    file_ticket, teacher, tech, django_capture_on_commit_callbacks
):
    ticket = file_ticket()
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_set_status(actor=tech, ticket=ticket, status="resolved")
    resolved = [m for m in mail.outbox if m.subject.startswith("Resolved")]
    assert [m.to for m in resolved] == [[teacher.email]]
    links = re.findall(r"http://\S+/tickets/rate/\S+/", resolved[0].body)
    assert len(links) == 3
    happy = next(link for link in links if link.endswith("/3/"))
    unhappy = next(link for link in links if link.endswith("/1/"))

    anonymous = Client()
    first = anonymous.get("/" + happy.split("://", 1)[1].split("/", 1)[1])
    assert first.status_code == 200
    assert "We recorded “Happy”" in first.content.decode()
    second = anonymous.get("/" + unhappy.split("://", 1)[1].split("/", 1)[1])
    assert "only the first click counts" in second.content.decode()
    ticket.refresh_from_db()
    assert ticket.satisfaction == 3
    assert ticket.satisfaction_at is not None


def test_a_forged_rating_link_is_refused(file_ticket, tech):
    ticket = file_ticket()
    services.ticket_set_status(actor=tech, ticket=ticket, status="resolved")
    response = Client().get(f"/tickets/rate/{ticket.pk}/3/")
    assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).satisfaction is None


def test_mail_uses_the_configured_backend(
    settings, file_ticket, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        file_ticket()
    assert mail.outbox == []


def test_a_watcher_added_by_the_technician_gets_the_replies(
    file_ticket, teacher, tech, users, client_as, django_capture_on_commit_callbacks
):
    ticket = file_ticket()
    librarian = users[roles.LIBRARIAN]
    assert (
        client_as(teacher)
        .post(f"/tickets/{ticket.pk}/watch/", {"watch": "1", "who": librarian.email})
        .status_code
        == 403
    )
    response = client_as(tech).post(
        f"/tickets/{ticket.pk}/watch/", {"watch": "1", "who": librarian.email}, follow=True
    )
    assert "now get this ticket&#x27;s replies" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(actor=tech, ticket=ticket, body="Ordered a new lamp.")
    # One message per person, so nobody sees the others' addresses.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([teacher.email, librarian.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert client_as(librarian).get(f"/tickets/{ticket.pk}/").status_code == 200
