"""A window's report (sessions held, students tested, incidents by kind and school, swaps,
readiness over time) and the daily readiness snapshots behind it."""

import csv
import datetime
import io

from django.utils import timezone

from homeroom.core import roles
from homeroom.testday import services
from homeroom.testday.models import ReadinessSnapshot


def test_the_sweep_records_readiness_each_day_once(frozen, fleet, make_window, time_machine):
    window = make_window()
    make_window(assessment="Far off", starts_on=frozen + datetime.timedelta(days=60))
    fleet()
    fleet(os_version="110.0")
    line = services.readiness_snapshots()
    assert line == "recorded the device readiness of 1 schools in 1 windows"
    services.readiness_snapshots()  # again the same day: updated, not doubled
    [snapshot] = ReadinessSnapshot.objects.all()
    assert (snapshot.window, snapshot.total, snapshot.ready, snapshot.not_ready) == (
        window,
        2,
        1,
        1,
    )
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1), tick=False)
    fleet()
    services.readiness_snapshots()
    assert list(ReadinessSnapshot.objects.values_list("ready", flat=True)) == [1, 2]


def test_the_window_report_counts_and_charts(frozen, testing, coordinator, users, client_as):
    session = testing["session"]
    window = session.window
    services.incident_log(actor=coordinator, session=session, kind="network")
    services.incident_log(actor=coordinator, session=session, kind="network")
    froze = services.incident_log(
        actor=coordinator, session=session, kind="device_froze", student=testing["maya"]
    )
    services.device_swap(actor=coordinator, entry=testing["maya"], scan="NES-0003", incident=froze)
    services.student_update(actor=coordinator, entry=testing["leo"], absent=True)
    services.session_set_status(actor=coordinator, session=session, status="done")
    services.readiness_snapshots()
    client = client_as(coordinator)
    page = client.get(f"/testday/windows/{window.pk}/report/")
    assert page.status_code == 200
    r = page.context["r"]
    assert (r["sessions_held"], r["students_tested"], r["absent"], r["swaps"]) == (1, 1, 1, 1)
    assert r["incidents_by_kind"] == [("Network outage", 2), ("Device froze", 1)]
    assert "Incidents by kind" in page.text and "Devices ready, day by day" in page.text
    exported = client.get(f"/testday/windows/{window.pk}/report/?export=readiness")
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["day", "ready", "devices"] and rows[1][0] == "2027-04-12"
    assert (
        client_as(users[roles.TEACHER]).get(f"/testday/windows/{window.pk}/report/").status_code
        == 403
    )
