import datetime
from decimal import Decimal

from django.utils import timezone

from homeroom.core.testing import WalkSamples
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
    return WalkSamples(by_url_name=by_url_name)
