"""The training reports page: hours, attendance rate, sessions, coaching visits, overdue
follow-ups and feedback for a school year, with CSV downloads."""

import csv
import datetime
import io

from django.utils import timezone

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.training import services


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def visit(tech, teacher, frozen, tool: str, *, follow_up_days: int | None = None, room=None):
    coaching = services.coaching_request_create(
        actor=tech,
        teacher=teacher,
        tool_name=tool,
        details="Help",
        wanted_at=frozen + datetime.timedelta(minutes=30),
        room=room,
    )
    services.coaching_schedule(
        actor=tech, coaching=coaching, visit_at=frozen + datetime.timedelta(minutes=30)
    )
    return coaching


def test_the_report_adds_up_and_downloads(
    frozen, staff, make_session, tech, users, client_as, time_machine, sites
):
    ai = make_session(title="AI first look", capacity=3)
    safety = make_session(title="Passwords", topic="digital_safety", capacity=3)
    for session in (ai, safety):
        for key in ("teacher", "t1", "t2"):
            services.signup_create(actor=tech, session=session, person=staff[key])
    flip = visit(tech, staff["teacher"], frozen, "=Flipgrid")
    board = visit(tech, staff["t1"], frozen, "Display")
    time_machine.move_to(ai.starts_at, tick=False)
    services.attendance_record(actor=tech, session=ai, person=staff["teacher"])
    services.attendance_record(actor=tech, session=ai, person=staff["t1"], kind="late")
    services.attendance_record(actor=tech, session=safety, person=staff["t2"])
    services.attendance_record(
        actor=tech, session=safety, person=staff["teacher"], kind="partial", hours="0.5"
    )
    services.feedback_submit(actor=users[roles.TEACHER], session=ai, rating=5)
    services.feedback_submit(actor=users[roles.TEACHER], session=safety, rating=2)
    today = timezone.localdate()
    for coaching, days in ((flip, 3), (board, None)):
        services.coaching_log_create(
            actor=tech,
            coaching=coaching,
            visited_on=today,
            goal="g",
            kind="modeling",
            done="d",
            next_step="Check in",
            follow_up_on=today + datetime.timedelta(days=days) if days else None,
        )
    time_machine.move_to(ai.starts_at + datetime.timedelta(days=5), tick=False)
    client = client_as(tech)
    page = client.get("/training/reports/")
    assert page.status_code == 200
    report = page.context["r"]
    assert report["sessions"] == 2 and str(report["hours_total"]) == "6.50"
    assert report["hours_by_school"] == [("North Elementary", report["hours_total"])]
    assert [(label, str(hours)) for label, hours in report["hours_by_topic"]] == [
        ("AI literacy", "4.00"),
        ("Digital safety", "2.50"),
    ]
    assert (report["seats"], report["came"], report["attendance_rate"]) == (6, 4, 66.7)
    assert report["visits_by_tool"] == [("=Flipgrid", 1), ("Display", 1)]
    assert report["overdue_count"] == 1 and report["overdue"][0].request == flip
    assert report["feedback_average"] == 3.5
    assert "66.7 %" in page.text and "Follow-ups overdue" in page.text

    tools = csv_rows(client.get("/training/reports/?export=visits_tool"))
    assert tools[0] == ["tool", "coaching visits"] and ["'=Flipgrid", "1"] in tools
    overdue = csv_rows(client.get("/training/reports/?export=overdue"))
    assert overdue[1][1] == "Teacher Staff" and overdue[1][5] == "Check in"
    # Another school year is empty; a teacher has no reports.
    assert client.get("/training/reports/?year=2025").context["r"]["sessions"] == 0
    assert client_as(users[roles.TEACHER]).get("/training/reports/").status_code == 403


def test_the_report_costs_the_same_with_more_data(
    frozen, staff, make_session, tech, client_as, time_machine
):
    client = client_as(tech)
    make_session(title="One")
    client.get("/training/reports/")
    with pinned_queries(21) as first:
        client.get("/training/reports/")
    for n in range(4):
        session = make_session(title=f"More {n}")
        services.signup_create(actor=tech, session=session, person=staff["t1"])
        visit(tech, staff[f"t{n % 3 + 1}"], frozen, f"Tool {n}")
    with pinned_queries(len(first.captured_queries)):
        client.get("/training/reports/")
