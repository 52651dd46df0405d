import datetime

import pytest
from django.utils import timezone

from homeroom.core.demo import generate
from homeroom.people.models import User
from homeroom.training import selectors
from homeroom.training.choices import CoachingStatus, SignUpStatus, Topic
from homeroom.training.models import (
    Attendance,
    CoachingLog,
    CoachingRequest,
    Feedback,
    SignUp,
    TrainingSession,
)


@pytest.mark.own_clock
@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 10, 3), datetime.date(2026, 12, 31), datetime.date(2027, 7, 12)],
    ids=["saturday", "new-years-eve", "summer-break"],
)
@pytest.mark.django_db(transaction=False)
def test_the_demo_has_a_term_of_training_and_coaching_in_every_state(today, time_machine):
    moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time(11)))
    time_machine.move_to(moment, tick=False)
    generate(today=today, report=lambda line: None)
    now = timezone.now()
    sessions = TrainingSession.objects.all()
    topics = set(sessions.values_list("topic", flat=True))
    assert {Topic.AI_LITERACY, Topic.DIGITAL_SAFETY, Topic.LMS, Topic.INTERACTIVE_DISPLAY} <= topics
    assert sessions.filter(ends_at__lt=now).exists() and sessions.filter(starts_at__gt=now).exists()
    for session in sessions:
        seats = session.signups.filter(status=SignUpStatus.CONFIRMED).count()
        assert seats <= session.capacity
        if session.signups.filter(status=SignUpStatus.WAITLISTED).exists():
            assert seats == session.capacity
    assert SignUp.objects.filter(status=SignUpStatus.WAITLISTED).exists()
    assert not Attendance.objects.filter(session__starts_at__gt=now).exists()
    assert Attendance.objects.filter(kind="late").exists()
    assert Feedback.objects.exists()
    assert set(CoachingRequest.objects.values_list("status", flat=True)) == set(
        CoachingStatus.values
    )
    assert not CoachingRequest.objects.filter(status="scheduled", visit_at__lt=now).exists()
    assert CoachingLog.objects.filter(follow_up_on__lt=today, follow_up_done_at=None).exists()
    # The demo teacher has a seat coming, hours and a certificate, and help in class.
    teacher = User.objects.get(username="teacher")
    person = selectors.person_of(teacher)
    assert selectors.hours_total(person) > 0
    assert SignUp.objects.filter(
        person=person, status=SignUpStatus.CONFIRMED, session__starts_at__gt=now
    ).exists()
    assert set(CoachingRequest.objects.filter(teacher=person).values_list("status", flat=True)) >= {
        "scheduled",
        "completed",
    }
    tech = User.objects.get(username="tech")
    assert selectors.follow_ups_due(tech, today).exists()
    assert TrainingSession.objects.filter(guides__isnull=False).exists()
