"""Coaching and in-class support: a teacher asks, a coach accepts, schedules and logs the
visit, follow-ups come due on the coach's Today; quick guides linked to sessions."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.exceptions import Conflict
from homeroom.core.models import AuditEvent
from homeroom.helpdesk.models import Article
from homeroom.training import services
from homeroom.training.models import CoachingLog, CoachingRequest


@pytest.fixture
def asked(frozen, staff, teacher, sites):
    """The teacher asked for help with Flipgrid in room 102, Thursday 8 Oct at 10:15."""
    return services.coaching_request_create(
        actor=teacher,
        tool_name="Flipgrid",
        details="First lesson with Flipgrid in period 3; be the safety net.",
        wanted_at=frozen + datetime.timedelta(days=3, hours=1, minutes=15),
        room=sites[0].rooms.get(number="102"),
        kind="side_by_side",
    )


def guide(title: str, audience: str = "teacher") -> Article:
    slug = title.lower().replace(" ", "-")
    return Article.objects.create(
        title=title, slug=slug, body=title, body_html=f"<p>{title}</p>", audience=audience
    )


def test_a_teacher_asks_on_the_page_and_sees_it_on_my_training(frozen, staff, users, client_as):
    client = client_as(users[roles.TEACHER])
    form = client.get("/training/coaching/new/")
    assert form.status_code == 200 and "What would help?" in form.text
    room = form.context["form"].fields["room"].queryset.first()
    data = {
        "tool_name": "Interactive display",
        "topic": "interactive_display",
        "room": room.pk,
        "day": "2026-10-08",
        "time": "10:15",
        "details": "Show me how to use the display's whiteboard.",
    }
    refused = client.post("/training/coaching/new/", {**data, "day": "2026-10-01"})
    assert "Choose a time that has not passed yet." in refused.text
    made = client.post("/training/coaching/new/", data)
    coaching = CoachingRequest.objects.get()
    assert made.status_code == 302 and made["Location"] == coaching.get_absolute_url()
    assert coaching.teacher == staff["teacher"] and coaching.site == room.site
    assert coaching.status == "requested"
    page = client.get(coaching.get_absolute_url()).text
    assert "Waiting for a coach to accept." in page and "Cancel my request" in page
    assert "Interactive display" in client.get("/training/mine/").text
    assert "Interactive display" in client.get("/training/coaching/").text


def test_the_coach_accepts_schedules_and_logs_and_the_teacher_gets_mail(
    asked,
    staff,
    tech,
    users,
    client_as,
    mailbox,
    frozen,
    time_machine,
    django_capture_on_commit_callbacks,
):
    coach = client_as(tech)
    url = asked.get_absolute_url()
    queue = coach.get("/training/coaching/").text
    assert "Flipgrid" in queue and "Asked for" in queue
    with django_capture_on_commit_callbacks(execute=True):
        coach.post(f"{url}status/", {"status": "accepted"})
    asked.refresh_from_db()
    assert asked.status == "accepted" and asked.coach == tech
    schedule = coach.get(f"{url}schedule/")
    assert schedule.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        coach.post(f"{url}schedule/", {"day": "2026-10-08", "time": "10:15", "coach": tech.pk})
    asked.refresh_from_db()
    assert asked.status == "scheduled"
    assert timezone.localtime(asked.visit_at).strftime("%Y-%m-%d %H:%M") == "2026-10-08 10:15"
    [message] = mailbox.to("teacher.person@example.org")
    assert message["Subject"].startswith("Coaching visit scheduled: Flipgrid")
    assert "First lesson with Flipgrid" in message.get_content()
    # Moving it tells the teacher again.
    with django_capture_on_commit_callbacks(execute=True):
        coach.post(f"{url}schedule/", {"day": "2026-10-09", "time": "09:00", "coach": tech.pk})
    assert mailbox.to("teacher.person@example.org")[-1]["Subject"].startswith(
        "Your coaching visit moved"
    )
    log_form = coach.get(f"{url}log/")
    assert log_form.status_code == 200
    # Logging before the visit happened is refused; on the day it is accepted.
    early = coach.post(
        f"{url}log/",
        {
            "visited_on": "2026-10-09",
            "goal": "Students post a first video",
            "kind": "side_by_side",
            "done": "Set up the topic, stayed for the lesson.",
        },
    )
    assert "Log a visit on the day it happened" in early.text
    time_machine.move_to(frozen + datetime.timedelta(days=4, hours=2), tick=False)
    coach = client_as(tech)
    logged = coach.post(
        f"{url}log/",
        {
            "visited_on": "2026-10-09",
            "goal": "Students post a first video",
            "kind": "side_by_side",
            "done": "Set up the topic, stayed for the lesson.",
            "next_step": "Moderate the comments",
            "follow_up_on": "2026-10-23",
        },
    )
    assert logged.status_code == 302
    asked.refresh_from_db()
    assert asked.status == "completed"
    page = client_as(users[roles.TEACHER]).get(url).text
    assert "Students post a first video" in page and "Moderate the comments" in page


def test_the_full_lifecycle_through_the_services(asked, tech, teacher, time_machine, frozen):
    with pytest.raises(PermissionDenied):
        services.coaching_schedule(
            actor=teacher, coaching=asked, visit_at=frozen + datetime.timedelta(days=3)
        )
    with pytest.raises(Conflict, match="Schedule the visit before logging it"):
        services.coaching_log_create(
            actor=tech,
            coaching=asked,
            visited_on=frozen.date(),
            goal="x",
            kind="modeling",
            done="y",
        )
    services.coaching_schedule(
        actor=tech, coaching=asked, visit_at=frozen + datetime.timedelta(days=3)
    )
    with pytest.raises(Conflict, match="cannot become accepted"):
        services.coaching_set_status(actor=tech, coaching=asked, status="accepted")
    with pytest.raises(Conflict, match="cannot become declined"):
        services.coaching_set_status(actor=tech, coaching=asked, status="declined")
    with pytest.raises(ValidationError):
        services.coaching_set_status(actor=tech, coaching=asked, status="completed")
    time_machine.move_to(frozen + datetime.timedelta(days=3, hours=2), tick=False)
    visit_day = timezone.localdate()
    log = services.coaching_log_create(
        actor=tech,
        coaching=asked,
        visited_on=visit_day,
        goal="Students post a first video",
        kind="side_by_side",
        done="Set up the topic together; stayed for the lesson.",
        next_step="Try the comment moderation",
        follow_up_on=visit_day + datetime.timedelta(days=7),
    )
    asked.refresh_from_db()
    assert asked.status == "completed" and log.coach == tech
    with pytest.raises(Conflict, match="cannot become cancelled"):
        services.coaching_set_status(actor=teacher, coaching=asked, status="cancelled")
    # A second visit is logged on the completed request.
    services.coaching_log_create(
        actor=tech, coaching=asked, visited_on=visit_day, goal="g", kind="observation", done="d"
    )
    assert asked.logs.count() == 2
    verbs = list(
        AuditEvent.objects.filter(object_repr__startswith="Help with Flipgrid")
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["created", "status_changed", "status_changed"]
    assert AuditEvent.objects.filter(object_repr__startswith="Visit of").count() == 2


def test_who_may_do_what(asked, staff, tech, teacher, users, sites, frozen, make_user):
    librarian = users[roles.LIBRARIAN]
    # Another member of staff may neither accept nor cancel someone else's request.
    with pytest.raises(PermissionDenied):
        services.coaching_set_status(actor=librarian, coaching=asked, status="cancelled")
    with pytest.raises(PermissionDenied):
        services.coaching_set_status(actor=teacher, coaching=asked, status="accepted")
    # A technician at the other school does not coach here.
    elsewhere = make_user("south_tech", roles.TECHNICIAN, sites=[sites[1]])
    with pytest.raises(PermissionDenied, match="Only a coach at North Elementary"):
        services.coaching_set_status(actor=elsewhere, coaching=asked, status="accepted")
    with pytest.raises(ValidationError, match="Choose a coach who works at"):
        services.coaching_schedule(
            actor=tech,
            coaching=asked,
            visit_at=frozen + datetime.timedelta(days=1),
            coach=elsewhere,
        )
    # A teacher asks for themself only, and only at their schools.
    with pytest.raises(PermissionDenied, match="for yourself only"):
        services.coaching_request_create(
            actor=teacher,
            teacher=staff["t1"],
            tool_name="x",
            details="y",
            wanted_at=frozen + datetime.timedelta(days=1),
        )
    with pytest.raises(PermissionDenied):
        services.coaching_request_create(
            actor=teacher,
            tool_name="x",
            details="y",
            wanted_at=frozen + datetime.timedelta(days=1),
            room=sites[1].rooms.first(),
        )
    # The teacher cancels their own; the other staff member does not see it at all.
    services.coaching_set_status(actor=teacher, coaching=asked, status="cancelled", note="Sorted")
    asked.refresh_from_db()
    assert asked.status == "cancelled" and asked.status_note == "Sorted"


def test_other_staff_do_not_see_a_request(asked, users, client_as):
    client = client_as(users[roles.LIBRARIAN])
    assert "Flipgrid" not in client.get("/training/coaching/").text
    page = client.get(asked.get_absolute_url())
    assert page.status_code == 302 and page["Location"] == "/training/coaching/"


def test_follow_ups_due_appear_on_the_coachs_today(asked, tech, client_as, time_machine, frozen):
    services.coaching_schedule(
        actor=tech, coaching=asked, visit_at=frozen + datetime.timedelta(hours=2)
    )
    coach = client_as(tech)
    today = coach.get("/").text
    assert "Your visits" in today and "Follow-ups due" not in today
    time_machine.move_to(frozen + datetime.timedelta(hours=3), tick=False)
    log = services.coaching_log_create(
        actor=tech,
        coaching=asked,
        visited_on=timezone.localdate(),
        goal="Students post a first video",
        kind="modeling",
        done="Showed the class how to record.",
        next_step="Check the first posts",
        follow_up_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    assert "Follow-ups due" not in coach.get("/").text
    time_machine.move_to(frozen + datetime.timedelta(days=7, hours=1), tick=False)
    coach = client_as(tech)  # the earlier sign-in has expired a week later
    today = coach.get("/").text
    assert "Follow-ups due" in today and "Check the first posts" in today
    coach.post(f"/training/coaching/follow-ups/{log.pk}/done/", {"next": "today"})
    log.refresh_from_db()
    assert log.follow_up_done_at is not None
    assert "Follow-ups due" not in coach.get("/").text


def test_the_teachers_page_lists_the_help_they_had(asked, staff, tech, client_as, frozen):
    services.coaching_schedule(
        actor=tech, coaching=asked, visit_at=frozen + datetime.timedelta(hours=1)
    )
    page = client_as(tech).get(f"/people/{staff['teacher'].pk}/").text
    assert "Help in class" in page and "Flipgrid" in page and "Visit scheduled" in page
    other = client_as(tech).get(f"/people/{staff['t1'].pk}/").text
    assert "No help in class asked for yet." in other


def test_guides_link_sessions_and_visits_and_the_guide_shows_its_sessions(
    asked, make_session, tech, users, client_as, frozen, time_machine
):
    whiteboard = guide("Use the display whiteboard")
    staff_only = guide("Reset the projector", audience="technician")
    session = make_session(title="Displays: a first look", topic="interactive_display")
    coach = client_as(tech)
    page = coach.get(f"/training/sessions/{session.pk}/guides/")
    assert "Use the display whiteboard" in page.text and "Reset the projector" not in page.text
    coach.post(f"/training/sessions/{session.pk}/guides/", {"guides": [whiteboard.pk]})
    assert list(session.guides.all()) == [whiteboard]
    with pytest.raises(ValidationError, match="not a published guide"):
        services.guides_set(actor=tech, obj=session, articles=[staff_only])
    teacher = client_as(users[roles.TEACHER])
    assert "Use the display whiteboard" in teacher.get(session.get_absolute_url()).text
    article = teacher.get(whiteboard.get_absolute_url()).text
    assert "Training sessions about this" in article and "Displays: a first look" in article
    # The teacher may not change a session's guides.
    with pytest.raises(PermissionDenied):
        services.guides_set(actor=users[roles.TEACHER], obj=session, articles=[])
    # A coaching visit's log adds the guides it used.
    services.coaching_schedule(
        actor=tech, coaching=asked, visit_at=frozen + datetime.timedelta(hours=1)
    )
    time_machine.move_to(frozen + datetime.timedelta(hours=2), tick=False)
    services.coaching_log_create(
        actor=tech,
        coaching=asked,
        visited_on=timezone.localdate(),
        goal="g",
        kind="co_teaching",
        done="d",
        guides=[whiteboard],
    )
    assert "Use the display whiteboard" in teacher.get(asked.get_absolute_url()).text
    # A guide no session uses shows no section.
    lonely = guide("Share a screen")
    assert "Training sessions about this" not in teacher.get(lonely.get_absolute_url()).text
    assert CoachingLog.objects.count() == 1
