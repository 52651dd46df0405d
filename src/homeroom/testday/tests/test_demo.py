import datetime
import random

import pytest
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.demo import DemoContext
from homeroom.people.models import User
from homeroom.testday import selectors
from homeroom.testday.demo import plan_testing_windows
from homeroom.testday.models import Incident
from homeroom.testday.models import TestingWindow as Window


@pytest.mark.parametrize(
    "today",
    [datetime.date(2027, 4, 10), datetime.date(2026, 12, 31), datetime.date(2027, 7, 12)],
    ids=["saturday", "new-years-eve", "summer-break"],
)
def test_the_demo_has_a_window_open_one_over_and_one_coming(today, sites, users, time_machine):
    moment = timezone.make_aware(datetime.datetime.combine(today, datetime.time(11)))
    time_machine.move_to(moment, tick=False)
    context = DemoContext(
        rng=random.Random(1),
        scale=1,
        today=today,
        now=moment,
        shared={
            "sites": sites,
            "accounts": {
                "admin": users[roles.DISTRICT_ADMIN],
                "coordinator": users[roles.TEST_COORDINATOR],
            },
        },
    )
    plan_testing_windows(context)
    phases = sorted(window.phase(today) for window in Window.objects.all())
    assert phases == ["closed", "open", "upcoming"]
    open_window = next(w for w in Window.objects.all() if w.phase(today) == "open")
    assert open_window.platform.name == "Pearson TestNav"
    # The elementary school tests; the high school does not.
    assert list(open_window.sites.all()) == [sites[0]]
    assert list(open_window.coordinators.all()) == [users[roles.TEST_COORDINATOR]]


@pytest.mark.own_clock
@pytest.mark.django_db(transaction=False)
def test_the_whole_demo_plans_its_windows_through_the_service(time_machine):
    from homeroom.core.demo import generate

    today = datetime.date(2027, 3, 6)  # a Saturday
    time_machine.move_to(
        timezone.make_aware(datetime.datetime.combine(today, datetime.time(11))), tick=False
    )
    generate(today=today, report=lambda line: None)
    windows = Window.objects.all()
    assert sorted(window.phase(today) for window in windows) == ["closed", "open", "upcoming"]
    open_window = next(w for w in windows if w.phase(today) == "open")
    assert {site.type for site in open_window.sites.all()} == {"elementary", "middle"}
    assert open_window.coordinators.get().username == "coordinator"
    # Most of its devices are ready; some need an update or a move, some are in repair.
    admin = User.objects.get(username="admin")
    schools = selectors.readiness_summary(admin, open_window, timezone.now())
    total = sum(school.total for school in schools)
    ready = sum(school.ready for school in schools)
    assert total and ready / total > 0.8
    reasons = {reason for school in schools for reason in school.reasons}
    assert "ChromeOS 131 is below the supported 146: update it" in reasons
    assert "In org unit /Staff/Loaners, not /Students" in reasons
    # A session in each testing school's lab today, its students on bound devices.
    sessions = open_window.sessions.all()
    assert sessions.count() == open_window.sites.count()
    for session in sessions:
        assert session.room.kind == "lab" and session.students.exclude(device=None).exists()
        assert session.checks.count() == 3
    # A Chromebook froze at the first school (the student swapped, the device ticketed)
    # and the Wi-Fi dropped, resolved.
    froze = Incident.objects.get(kind="device_froze")
    assert froze.swaps.count() == 1 and froze.ticket_id is not None
    assert timezone.localtime(froze.noticed_at).date() == today and froze.resolved_at is None
    assert Incident.objects.get(kind="network").resolved_at is not None
