"""Seats, the waitlist and cancellations, through the services and with real mail."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.people.models import User
from homeroom.training import services
from homeroom.training.choices import SignUpStatus
from homeroom.training.models import SignUp, TrainingSession


def test_seats_then_the_waitlist_in_order(frozen, staff, make_session, tech):
    session = make_session(capacity=2)
    made = [
        services.signup_create(actor=tech, session=session, person=staff[key])
        for key in ("t1", "t2", "t3", "teacher")
    ]
    assert [s.status for s in made] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert AuditEvent.objects.filter(object_repr__contains=" in AI literacy").count() == 4


def test_a_teacher_signs_themself_up_and_not_twice(frozen, staff, make_session, teacher):
    session = make_session()
    signup = services.signup_create(actor=teacher, session=session)
    assert signup.person == staff["teacher"] and signup.status == SignUpStatus.CONFIRMED
    with pytest.raises(Conflict, match="already has a seat"):
        services.signup_create(actor=teacher, session=session)
    # Signing up someone else is for the people who run the session.
    with pytest.raises(PermissionDenied):
        services.signup_create(actor=teacher, session=session, person=staff["t1"])
    assert SignUp.objects.count() == 1


def test_no_sign_up_once_started_cancelled_or_without_a_staff_record(
    frozen, staff, make_session, tech, users, time_machine
):
    session = make_session()
    nobody = User.objects.get(username="test_coordinator")
    with pytest.raises(ValidationError, match="not linked to a staff record"):
        services.signup_create(actor=nobody, session=session)
    time_machine.move_to(session.starts_at + datetime.timedelta(minutes=1), tick=False)
    with pytest.raises(Conflict, match="already started"):
        services.signup_create(actor=tech, session=session, person=staff["t1"])
    later = make_session()
    services.session_set_status(actor=tech, session=later, status="cancelled")
    with pytest.raises(Conflict, match="cancelled"):
        services.signup_create(actor=tech, session=later, person=staff["t1"])
    with pytest.raises(Conflict, match="cannot become"):
        services.session_set_status(actor=tech, session=later, status="cancelled")
    assert SignUp.objects.count() == 0


def test_sessions_for_other_schools_refuse_people_from_elsewhere(
    frozen, staff, make_session, tech, sites
):
    session = make_session(audience_sites=[sites[1]])
    with pytest.raises(ValidationError, match="other schools"):
        services.signup_create(actor=tech, session=session, person=staff["t1"])


def test_cancelling_a_seat_moves_the_first_waiting_person_up_and_mails_them(
    frozen, staff, make_session, tech, teacher, mailbox, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        mine = services.signup_create(actor=teacher, session=session)
        first = services.signup_create(actor=tech, session=session, person=staff["t1"])
        second = services.signup_create(actor=tech, session=session, person=staff["t2"])
    assert [m["Subject"] for m in mailbox.to("teacher.person@example.org")] == [
        "You have a seat: AI literacy: a first look, Wed 7 Oct, 4:00 am"
    ]
    assert mailbox.to("t1@example.org")[0]["Subject"].startswith("You are number 1 on the")
    assert mailbox.to("t2@example.org")[0]["Subject"].startswith("You are number 2 on the")

    with django_capture_on_commit_callbacks(execute=True):
        services.signup_cancel(actor=teacher, signup=mine)
    first.refresh_from_db(), second.refresh_from_db(), mine.refresh_from_db()
    assert (mine.status, first.status, second.status) == ("cancelled", "confirmed", "waitlisted")
    promoted = mailbox.to("t1@example.org")[-1]
    assert promoted["Subject"].startswith("A seat opened up for you")
    assert "/training/sessions/" in promoted.get_body(preferencelist=("plain",)).get_content()
    assert len(mailbox.to("t2@example.org")) == 1
    with pytest.raises(Conflict, match="already cancelled"):
        services.signup_cancel(actor=tech, signup=mine)


def test_someone_else_cannot_cancel_a_sign_up(frozen, staff, make_session, tech, users):
    session = make_session()
    signup = services.signup_create(actor=tech, session=session, person=staff["t1"])
    with pytest.raises(PermissionDenied):
        services.signup_cancel(actor=users["Librarian"], signup=signup)
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED


def test_more_seats_go_to_the_people_waiting(frozen, staff, make_session, tech):
    session = make_session(capacity=1)
    for key in ("t1", "t2", "t3"):
        services.signup_create(actor=tech, session=session, person=staff[key])
    services.session_update(actor=tech, session=session, capacity=2)
    statuses = dict(SignUp.objects.values_list("person__given_name", "status"))
    assert statuses == {"Teacher1": "confirmed", "Teacher2": "confirmed", "Teacher3": "waitlisted"}
    with pytest.raises(ValidationError, match="already have seats"):
        services.session_update(actor=tech, session=session, capacity=1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite serialises"
)
def test_concurrent_sign_ups_never_overfill_a_session(sites, users, staff, make_session, tech):
    """Twelve people press Sign up at once for three seats: three seats, nine waiting, in
    the order their sign-ups were written."""
    from homeroom.people.models import Person

    session = make_session(capacity=3)
    people = [
        Person.objects.create(
            kind="teacher", given_name=f"Rush{n}", family_name="Hour", primary_site=sites[0]
        )
        for n in range(12)
    ]
    start = threading.Barrier(len(people))
    errors = []

    def sign_up(person):
        try:
            start.wait()
            services.signup_create(actor=tech, session=session, person=person)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    signups = list(SignUp.objects.filter(session=session).order_by("signed_up_at", "pk"))
    assert [s.status for s in signups].count("confirmed") == 3
    assert len(signups) == 12
    # Seats went to the first three written; the waitlist is everyone after them.
    assert [s.status for s in signups] == ["confirmed"] * 3 + ["waitlisted"] * 9
    assert TrainingSession.objects.get(pk=session.pk).capacity == 3
