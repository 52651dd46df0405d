import datetime
from decimal import Decimal

from django.utils import timezone

from homeroom.core.testing import WalkSamples
from homeroom.people.models import Person
from homeroom.training.choices import CoachingStatus, SignUpStatus
from homeroom.training.models import (
    Attendance,
    CoachingLog,
    CoachingRequest,
    SignUp,
    TrainingSession,
)


def samples(base) -> WalkSamples:
    """A session tomorrow at the walk's site, presented by the walk's teacher, who also has
    a seat in it; a coaching visit the teacher asked for, scheduled and logged, with a
    follow-up."""
    starts = timezone.now() + datetime.timedelta(days=1)
    session = TrainingSession.objects.create(
        title="Walk session",
        topic="ai_literacy",
        presenter=base.user,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        site=base.site,
        room=base.room,
        capacity=10,
        credit_hours=Decimal("1.00"),
    )
    SignUp.objects.create(session=session, person=base.person, status=SignUpStatus.CONFIRMED)
    attended = Attendance.objects.create(session=session, person=base.person, hours=Decimal("1.00"))
    pages = [
        "session_detail",
        "signup",
        "cancel_signup",
        "session_cancel",
        "attendance",
        "scan",
        "sign_in_sheet",
        "calendar",
        "feedback",
        "session_guides",
    ]
    by_url_name = {f"training:{name}": session.pk for name in pages}
    by_url_name["training:certificate"] = attended.pk
    coaching = CoachingRequest.objects.create(
        teacher=base.person,
        requested_by=base.user,
        site=base.site,
        room=base.room,
        tool_name="Flipgrid",
        wanted_at=starts,
        details="First lesson with Flipgrid; be the safety net.",
        status=CoachingStatus.SCHEDULED,
        coach=base.user,
        visit_at=starts,
    )
    log = CoachingLog.objects.create(
        request=coaching,
        coach=base.user,
        visited_on=timezone.localdate(),
        goal="Students record a first video",
        kind="side_by_side",
        done="Set up the topic together.",
        follow_up_on=timezone.localdate(),
    )
    for name in ("coaching_detail", "coaching_status", "coaching_schedule", "coaching_log"):
        by_url_name[f"training:{name}"] = coaching.pk
    by_url_name["training:follow_up_done"] = log.pk
    return WalkSamples(by_url_name=by_url_name, **_api_samples(base))


def _staff_record(base):
    """The walking role's staff record (made when it has none), so that sign-ups and
    requests are its own."""
    user = base.walk_user
    if not user.is_authenticated:
        return base.person
    person = Person.objects.filter(user=user).first()
    if person is None:
        person = Person.objects.create(
            kind="staff",
            given_name="Walk",
            family_name=user.get_username(),
            primary_site=base.site,
            user=user,
        )
    return person


def _api_samples(base) -> dict:
    """A fresh object for each API operation: a session starting in half an hour (sign-ups
    still open, attendance already open), a sign-up and a scheduled coaching visit of the
    walking role, and a visit log with a follow-up."""

    def session():
        starts = timezone.now() + datetime.timedelta(minutes=30)
        return TrainingSession.objects.create(
            title="Walk API session",
            topic="lms",
            presenter=base.user,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=1),
            site=base.site,
            room=base.room,
            capacity=10,
            credit_hours=Decimal("1.00"),
        ).pk

    def signup():
        made = TrainingSession.objects.get(pk=session())
        return SignUp.objects.create(
            session=made, person=_staff_record(base), status=SignUpStatus.CONFIRMED
        ).pk

    def coaching():
        user = base.walk_user if base.walk_user.is_authenticated else base.user
        return CoachingRequest.objects.create(
            teacher=_staff_record(base),
            requested_by=user,
            site=base.site,
            room=base.room,
            tool_name="Interactive display",
            wanted_at=timezone.now() + datetime.timedelta(days=1),
            details="Show me the whiteboard.",
            status=CoachingStatus.SCHEDULED,
            coach=user,
            visit_at=timezone.now() + datetime.timedelta(days=1),
        ).pk

    def log():
        return CoachingLog.objects.create(
            request_id=coaching(),
            coach=base.user,
            visited_on=timezone.localdate(),
            goal="Use the whiteboard",
            kind="modeling",
            done="Showed it.",
            follow_up_on=timezone.localdate(),
        ).pk

    def own(body):
        def make():
            _staff_record(base)
            return body()

        return make

    later = (timezone.now() + datetime.timedelta(days=2)).isoformat()
    return {
        "by_key": {
            "session_id": session,
            "signup_id": signup,
            "coaching_id": coaching,
            "log_id": log,
        },
        "bodies": {
            "create_training_session": {
                "title": "Walk API series",
                "topic": "digital_safety",
                "starts_at": later,
                "ends_at": (timezone.now() + datetime.timedelta(days=2, hours=1)).isoformat(),
                "capacity": 5,
                "credit_hours": "1.00",
                "room_id": base.room.pk,
            },
            "cancel_training_session": {},
            "create_training_signup": own(dict),
            "cancel_training_signup": {},
            "record_training_attendance": {"person_id": base.person.pk, "kind": "late"},
            "create_coaching_request": own(
                lambda: {
                    "tool_name": "Flipgrid",
                    "details": "First lesson",
                    "wanted_at": later,
                    "room_id": base.room.pk,
                }
            ),
            "set_coaching_status": {"status": "cancelled"},
            "schedule_coaching_visit": {"visit_at": later},
            "log_coaching_visit": {
                "visited_on": timezone.localdate().isoformat(),
                "goal": "Record a first video",
                "kind": "side_by_side",
                "done": "Set up the topic together.",
            },
            "finish_coaching_follow_up": {},
        },
    }
