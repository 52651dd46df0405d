"""The demo district's classrooms on whatever date the session runs (HOMEROOM_TEST_TODAY)."""

import pytest
from django.db.models import Q

from homeroom.classrooms import selectors
from homeroom.classrooms.models import (
    AVDetails,
    BellSchedule,
    Inspection,
    MaintenanceTask,
    Reservation,
)
from homeroom.core.choices import SiteType
from homeroom.core.demo import generate
from homeroom.core.models import Site


@pytest.mark.django_db
def test_the_demo_has_bookings_lamps_and_maintenance_due():
    context = generate(report=lambda line: None)
    now, today = context.now, context.today
    schools = Site.objects.exclude(type=SiteType.DISTRICT_OFFICE)
    for school in schools:
        assert BellSchedule.objects.filter(site=school).exists(), school
        kinds = set(school.resources.values_list("kind", flat=True))
        assert {"lab", "equipment"} <= kinds, school
    # Weeks of bookings behind the demo's day and a weekly term ahead, where the school is
    # open then (on the first school day the weeks behind are the summer break).
    assert Reservation.objects.exists()
    ahead = Reservation.objects.filter(starts_at__gt=now)
    assert not ahead.exists() or ahead.exclude(series=None).exists()
    high = schools.filter(type=SiteType.HIGH)
    near_end = selectors.lamps_near_end(AVDetails.objects.all())
    assert set(near_end.values_list("device__site", flat=True)) == set(
        high.values_list("pk", flat=True)
    )
    open_tasks = MaintenanceTask.objects.filter(status="open")
    assert open_tasks.filter(due_on__lt=today).exists()
    assert open_tasks.filter(due_on__gt=today).exists()
    # A finished cart inspection with one device missing.
    (inspection,) = Inspection.objects.filter(cart__isnull=False, finished_at__isnull=False)
    states = list(inspection.lines.values_list("state", flat=True))
    assert states.count("missing") == 1 and states.count("present") == len(states) - 1 > 1
    assert inspection.finished_at < now
    # Nothing recorded after the demo's moment.
    assert not Reservation.objects.filter(created_at__gt=now).exists()
    assert not AVDetails.objects.filter(updated_at__gt=now).exists()
    assert not MaintenanceTask.objects.filter(
        Q(created_at__gt=now) | Q(completed_at__gt=now)
    ).exists()
