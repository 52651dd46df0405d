"""Test day's files: the irregularity report of an incident and the seating chart of a
session (PDF, with the standard PDF fonts only: nothing embedded, nothing fetched), and
when an irregularity report is due."""

import datetime
import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from homeroom.core.calendar import calendar_for
from homeroom.core.choices import SiteType
from homeroom.core.models import DistrictSettings, Site

# School days after the day an incident was noticed by which its report is due (the
# TESTDAY_IRREGULARITY_DUE_DAYS Django setting; one school day unless set).
DEFAULT_DUE_DAYS = 1
GRID = colors.Color(0.7, 0.7, 0.7)


def due_days() -> int:
    return int(getattr(settings, "TESTDAY_IRREGULARITY_DUE_DAYS", DEFAULT_DUE_DAYS))


def report_due_at(incident) -> datetime.datetime:
    """The end of the school day `due_days()` school days after the incident was noticed
    (the school's own calendar, closed days skipped)."""
    calendar = calendar_for(incident.session.site_id)
    day = timezone.localtime(incident.noticed_at).date()
    for _ in range(due_days()):
        day = calendar.next_school_day(day + datetime.timedelta(days=1))
    hours = calendar.hours_on(day)
    if hours is not None:
        return hours[1]
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(23, 59)))


def _district() -> tuple[str, str]:
    office = Site.objects.filter(type=SiteType.DISTRICT_OFFICE).order_by("pk").first()
    name = DistrictSettings.current().name or (office.name if office else "School district")
    return name, office.code if office else ""


def _when(moment) -> str:
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return f"{local:%a} {local.day} {local:%b %Y}, {local:%I:%M %p}".replace(" 0", " ")


def _doc(buffer, title: str):
    return SimpleDocTemplate(
        buffer,
        pagesize=letter,
        title=title,
        author="Homeroom",
        leftMargin=0.7 * inch,
        rightMargin=0.7 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
    )


def _grid(rows, widths) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=0)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("FONT", (0, 0), (0, -1), "Helvetica-Bold", 9),
                ("FONT", (1, 0), (-1, -1), "Helvetica", 9),
            ]
        )
    )
    return table


def irregularity_report(incident, *, student_ids: bool) -> bytes:
    """The fields state irregularity forms ask for, one incident per page, with an
    attestation line. The student's name and state id only when `student_ids`."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    session = incident.session
    window = session.window
    district, district_code = _district()
    student = incident.student.person if incident.student_id else None

    def para(text: str) -> Paragraph:
        return Paragraph(escape(text or "—").replace("\n", "<br/>"), body)

    staff = ", ".join(str(user) for user in session.administrators.all()) or "—"
    proctors = ", ".join(str(user) for user in session.proctors.all()) or "—"
    rows = [
        ["District", para(f"{district} ({district_code})" if district_code else district)],
        ["School", para(f"{session.site.name} ({session.site.code})")],
        ["Assessment", para(window.assessment)],
        ["Content area", para(window.content_area)],
        ["Grade", para(student.grade if student else window.grades_label)],
        ["Platform", para(window.platform.name)],
        ["Session", para(f"{session}, room {session.room}")],
        ["Date and time", para(_when(incident.noticed_at))],
        ["Test administrator(s)", para(staff)],
        ["Proctor(s)", para(proctors)],
    ]
    if student_ids:
        rows += [
            ["Student", para(str(student) if student else "—")],
            ["State student id", para(student.state_id if student else "—")],
        ]
    else:
        rows += [["Student", para("Withheld: your role does not see student ids.")]]
    rows += [
        ["Device", para(str(incident.device) if incident.device_id else "—")],
        ["Kind of irregularity", para(incident.get_kind_display())],
        ["What happened", para(incident.description)],
        ["Corrective action", para(incident.action_taken)],
        ["Resolved", para(_when(incident.resolved_at) or "Not yet")],
        [
            "Testing resumed",
            para({True: "Yes", False: "No"}.get(incident.testing_resumed, "Not recorded")),
        ],
        ["Reported by", para(f"{incident.reported_by or '—'}, {_when(incident.created_at)}")],
    ]
    buffer = io.BytesIO()
    doc = _doc(buffer, f"Testing irregularity report: {incident}")
    story = [
        Paragraph("Testing irregularity report", styles["Title"]),
        _grid(rows, [1.9 * inch, 5.1 * inch]),
        Spacer(1, 0.4 * inch),
        Paragraph(
            "I attest that the information in this report is true and complete to the best "
            "of my knowledge.",
            body,
        ),
        Spacer(1, 0.35 * inch),
        Paragraph("Signature ______________________________ &nbsp; Date ______________", body),
    ]
    doc.build(story)
    return buffer.getvalue()


def seating_chart(session, entries) -> bytes:
    """Room, seat, student and device tag, in seat order: the device-binding list a
    vendor's student-responses recovery needs."""
    styles = getSampleStyleSheet()
    rows = [["Seat", "Student", "Device tag", "Serial number", "Bound"]]
    for number, entry in enumerate(entries, start=1):
        rows.append(
            [
                str(entry.seat or number),
                str(entry.person) + (" (absent)" if entry.absent else ""),
                entry.device.asset_tag if entry.device_id else "",
                entry.device.serial_number if entry.device_id else "",
                _when(entry.bound_at),
            ]
        )
    table = Table(rows, colWidths=[0.5 * inch, 2.4 * inch, 1.2 * inch, 1.4 * inch, 1.5 * inch])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
            ]
        )
    )
    buffer = io.BytesIO()
    doc = _doc(buffer, f"Seating chart: {session}")
    doc.build(
        [
            Paragraph(escape(f"Seating chart: {session}"), styles["Title"]),
            Paragraph(
                escape(
                    f"{session.site.name}, room {session.room} · {_when(session.starts_at)} · "
                    f"{session.window.assessment} on {session.window.platform.name}"
                ),
                styles["BodyText"],
            ),
            Spacer(1, 0.2 * inch),
            table,
        ]
    )
    return buffer.getvalue()
