"""The irregularity report (PDF per incident, CSV of a window's incidents, due by one
school day) and the seating chart with the device each student tests on."""

import csv
import datetime
import html
import io

import pypdf
from django.utils import timezone

from homeroom.core import roles
from homeroom.testday import services
from homeroom.testday.documents import report_due_at


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_irregularity_report_has_the_state_forms_fields(
    frozen,
    testing,
    coordinator,
    users,
    client_as,
):
    session = testing["session"]
    incident = services.incident_log(
        actor=users[roles.TECHNICIAN],
        session=session,
        kind="device_froze",
        student=testing["maya"],
        description="Screen froze on item 12.",
        action_taken="Moved to a spare; responses recovered.",
        testing_resumed=True,
    )
    text = pdf_text(client_as(coordinator).get(f"/testday/incidents/{incident.pk}/report.pdf"))
    for expected in (
        "Testing irregularity report",
        "North Elementary (NES)",
        "State ELA grades 3-8, spring 2027",
        "English language arts",
        "Device froze",
        "Screen froze on item 12.",
        "Moved to a spare; responses recovered.",
        "NES-0001",
        "Maya Ortiz",
        "9001",  # the state id, which the coordinator may see
        "I attest that the information in this report is true",
    ):
        assert expected in text, expected
    # A teacher running the session gets the report without the student's name or id.
    teacher = users[roles.TEACHER]
    session.administrators.add(teacher)
    withheld = pdf_text(client_as(teacher).get(f"/testday/incidents/{incident.pk}/report.pdf"))
    assert "Withheld" in withheld and "9001" not in withheld and "Maya" not in withheld


def test_the_report_is_due_a_school_day_later_until_filed(
    frozen,
    testing,
    coordinator,
    users,
    client_as,
):
    incident = services.incident_log(actor=coordinator, session=testing["session"], kind="power")
    due = timezone.localtime(report_due_at(incident))
    assert due.date() == datetime.date(2027, 4, 13)  # Monday's incident: due Tuesday
    friday = services.incident_log(
        actor=coordinator,
        session=testing["session"],
        kind="power",
        noticed_at=timezone.now() - datetime.timedelta(days=3),
    )
    assert timezone.localtime(report_due_at(friday)).date() == datetime.date(2027, 4, 12)
    client = client_as(coordinator)
    assert "Irregularity report due by Tue 13 Apr" in client.get(incident.get_absolute_url()).text
    tech = client_as(users[roles.TECHNICIAN])
    assert tech.post(f"/testday/incidents/{incident.pk}/report-filed/").status_code == 403
    client.post(f"/testday/incidents/{incident.pk}/report-filed/")
    page = client.get(incident.get_absolute_url()).text
    assert "due by" not in page and "Irregularity report filed" in page
    again = client.post(f"/testday/incidents/{incident.pk}/report-filed/", follow=True)
    assert "already filed" in html.unescape(again.text)


def test_a_windows_incidents_as_csv_with_formulas_neutralised(
    frozen,
    testing,
    coordinator,
    users,
    client_as,
):
    services.incident_log(
        actor=coordinator,
        session=testing["session"],
        kind="security",
        student=testing["leo"],
        description='=HYPERLINK("http://x")',
    )
    window = testing["session"].window
    response = client_as(coordinator).get(f"/testday/windows/{window.pk}/incidents.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, row = rows
    assert header[7:9] == ["Student", "State id"]
    assert row[0] == "North Elementary" and row[5] == "Security breach" and row[8] == "9002"
    assert row[header.index("What happened")].startswith("'=")
    tech_rows = client_as(users[roles.TECHNICIAN]).get(
        f"/testday/windows/{window.pk}/incidents.csv"
    )
    assert b"State id" in b"".join(tech_rows.streaming_content)  # technicians see ids too
    teacher = client_as(users[roles.TEACHER])
    assert teacher.get(f"/testday/windows/{window.pk}/incidents.csv").status_code == 403


def test_the_seating_chart_lists_each_student_with_the_device(
    frozen,
    testing,
    coordinator,
    client_as,
):
    session = testing["session"]
    text = pdf_text(client_as(coordinator).get(f"/testday/sessions/{session.pk}/seating.pdf"))
    assert "Seating chart" in text and "room 102" in text
    assert "Maya Ortiz NES-0001 SN1" in text and "Leo Student2 NES-0002 SN2" in text
