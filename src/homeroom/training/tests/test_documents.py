"""Certificates, the sign-in sheet, transcripts, the hours export, feedback, the calendar
file and the reminder the day before."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from pypdf import PdfReader

from homeroom.core import roles
from homeroom.core.exceptions import Conflict
from homeroom.core.models import DistrictSettings, Site
from homeroom.core.sweeps import run_sweeps
from homeroom.training import documents, selectors, services
from homeroom.training.models import Feedback, SignUp


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def attended(frozen, staff, make_session, tech, time_machine):
    """The teacher attended a two-hour session (on 7 Oct 2026) and left after 1.5 hours."""
    Site.objects.create(name="Riverside Unified", code="DO", type="district_office")
    session = make_session(title="Prompting for lesson plans")
    services.signup_create(actor=tech, session=session, person=staff["teacher"])
    services.signup_create(actor=tech, session=session, person=staff["t1"])
    time_machine.move_to(session.starts_at, tick=False)
    services.attendance_record(
        actor=tech, session=session, person=staff["teacher"], kind="partial", hours="1.5"
    )
    return session


def test_the_certificate_names_the_person_session_hours_and_district(
    attended, staff, users, client_as
):
    record = attended.attendances.get(person=staff["teacher"])
    answer = client_as(users[roles.TEACHER]).get(f"/training/certificates/{record.pk}.pdf")
    assert answer["Content-Type"] == "application/pdf"
    text = pdf_text(answer.content)
    for words in (
        "Riverside Unified",
        "Certificate of completion",
        "Teacher Staff",
        "Prompting for lesson plans",
        "Wednesday 7 October 2026",
        "1.5 hours of credit",
    ):
        assert words in text
    # Someone else's certificate is not handed out.
    other = client_as(users[roles.LIBRARIAN]).get(f"/training/certificates/{record.pk}.pdf")
    assert other.status_code == 302


def test_the_certificate_uses_the_name_the_district_gave_itself(attended, staff):
    DistrictSettings.objects.create(pk=1, name="Riverside Unified School District")
    record = attended.attendances.get(person=staff["teacher"])
    assert "Riverside Unified School District" in pdf_text(documents.certificate(record))


def test_the_sign_in_sheet_lists_the_seats(attended, users, client_as):
    answer = client_as(users[roles.TECHNICIAN]).get(
        f"/training/sessions/{attended.pk}/sign-in-sheet.pdf"
    )
    text = pdf_text(answer.content)
    assert "Prompting for lesson plans" in text
    assert text.index("Teacher1 Other") < text.index("Teacher Staff")  # by family name
    assert (
        client_as(users[roles.LIBRARIAN])
        .get(f"/training/sessions/{attended.pk}/sign-in-sheet.pdf")
        .status_code
        == 302
    )


def test_hours_add_up_per_school_year(frozen, staff, make_session, tech, time_machine):
    """Sessions in June and in August fall in different school years (July to June)."""
    dates = [
        datetime.datetime(2026, 6, 10, 15, tzinfo=datetime.UTC),
        datetime.datetime(2026, 8, 20, 15, tzinfo=datetime.UTC),
        datetime.datetime(2026, 10, 7, 15, tzinfo=datetime.UTC),
    ]
    for starts, hours in zip(dates, ["1.0", "2.0", "0.75"], strict=True):
        time_machine.move_to(starts - datetime.timedelta(days=3), tick=False)
        session = make_session(starts_at=starts, credit_hours="2")
        time_machine.move_to(starts, tick=False)
        services.attendance_record(
            actor=tech, session=session, person=staff["t1"], kind="partial", hours=hours
        )
    years = selectors.transcript(staff["t1"])
    assert [(y["label"], y["total"]) for y in years] == [
        ("2026-27", Decimal("2.75")),
        ("2025-26", Decimal("1.00")),
    ]
    assert selectors.hours_total(staff["t1"]) == Decimal("3.75")


def test_the_hours_export_is_csv_with_formulas_neutralised(attended, staff, users, client_as):
    staff["teacher"].given_name = "=HYPERLINK(1)"
    staff["teacher"].save()
    client = client_as(users[roles.TECHNICIAN])

    def rows(query):
        answer = client.get(f"/training/hours.csv?{query}")
        text = b"".join(answer.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(text)))

    this_year = rows("year=2026")
    assert this_year[0][:3] == ["person", "local id", "school"]
    assert this_year[1][0] == "'=HYPERLINK(1) Staff"
    assert this_year[1][6:9] == ["2026-27", "Left early", "1.50"]
    assert len(rows("year=2025")) == 1
    assert client_as(users[roles.TEACHER]).get("/training/hours.csv").status_code == 403


def test_feedback_once_from_people_who_came_and_the_presenter_sees_it(
    attended, staff, users, client_as
):
    teacher = client_as(users[roles.TEACHER])
    url = f"/training/sessions/{attended.pk}/feedback/"
    assert teacher.post(url, {"rating": "9"}).status_code == 200
    assert not Feedback.objects.exists()
    teacher.post(url, {"rating": "4", "comment": "Show more examples for grade 3."})
    with pytest.raises(Conflict):
        services.feedback_submit(actor=users[roles.TEACHER], session=attended, rating=5)
    with pytest.raises(PermissionDenied):
        services.feedback_submit(actor=users[roles.LIBRARIAN], session=attended, rating=5)
    page = client_as(users[roles.TECHNICIAN]).get(attended.get_absolute_url()).text
    assert "4.0 out of 5" in page and "Show more examples for grade 3." in page


def test_the_calendar_file(attended, users, client_as):
    answer = client_as(users[roles.TEACHER]).get(f"/training/sessions/{attended.pk}/calendar.ics")
    text = answer.content.decode()
    assert answer["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in text and "SUMMARY:Prompting for lesson plans" in text
    assert f"UID:training-session-{attended.pk}@" in text
    assert "DTSTART:20261007T090000Z" in text and "DTEND:20261007T110000Z" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_the_reminder_goes_the_day_before_once(
    frozen, staff, make_session, tech, mailbox, time_machine, django_capture_on_commit_callbacks
):
    session = make_session(title="Display whiteboards")
    services.signup_create(actor=tech, session=session, person=staff["t1"])
    services.signup_create(actor=tech, session=session, person=staff["t2"])
    services.signup_cancel(actor=tech, signup=SignUp.objects.get(person=staff["t2"]))
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 reminders" in services.reminders_send()  # two days before: nothing yet
    time_machine.move_to(session.starts_at - datetime.timedelta(hours=20), tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        lines = run_sweeps()
    assert "Training reminders: 1 reminder for tomorrow's sessions" in lines
    with django_capture_on_commit_callbacks(execute=True):
        assert "0 reminders" in services.reminders_send()
    subjects = [m["Subject"] for m in mailbox.to("t1@example.org")]
    assert subjects[-1].startswith("Tomorrow: Display whiteboards")
    assert not [m for m in mailbox.to("t2@example.org") if m["Subject"].startswith("Tomorrow")]
