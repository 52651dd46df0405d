"""Training's files: the certificate of a completed session and the sign-in sheet (PDF, with
the standard PDF fonts only: nothing embedded, nothing fetched), and a session as an
iCalendar event."""

import datetime
import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from homeroom.core.choices import SiteType
from homeroom.core.models import DistrictSettings, Site

INK = colors.Color(0.05, 0.2, 0.4)
RULE = colors.Color(0.75, 0.75, 0.75)


def district_name() -> str:
    """The name the district admin gave the district, else its office's site name."""
    if named := DistrictSettings.current().name:
        return named
    office = Site.objects.filter(type=SiteType.DISTRICT_OFFICE).order_by("pk").first()
    return office.name if office else "School district"


def _day(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y}"


def hours_text(hours) -> str:
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return f"{text} hour" if text == "1" else f"{text} hours"


def certificate(attendance) -> bytes:
    """One page, landscape: the district, the person, the session, its date and the hours
    credited."""
    session = attendance.session
    buffer = io.BytesIO()
    width, height = landscape(letter)
    canvas = Canvas(buffer, pagesize=(width, height))
    canvas.setTitle(f"Certificate: {attendance.person}, {session.title}")
    canvas.setAuthor("Homeroom")
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(3)
    canvas.rect(0.5 * inch, 0.5 * inch, width - inch, height - inch)
    canvas.setLineWidth(0.75)
    canvas.rect(0.62 * inch, 0.62 * inch, width - 1.24 * inch, height - 1.24 * inch)
    middle = width / 2
    canvas.setFillColor(INK)
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawCentredString(middle, height - 1.3 * inch, district_name())
    canvas.setFont("Helvetica", 30)
    canvas.drawCentredString(middle, height - 2.1 * inch, "Certificate of completion")
    canvas.setFillColor(colors.black)
    canvas.setFont("Helvetica", 13)
    canvas.drawCentredString(middle, height - 2.8 * inch, "This certifies that")
    canvas.setFont("Helvetica-Bold", 26)
    canvas.drawCentredString(middle, height - 3.45 * inch, str(attendance.person)[:60])
    canvas.setFont("Helvetica", 13)
    canvas.drawCentredString(middle, height - 4.05 * inch, "completed the professional learning")
    canvas.setFont("Helvetica-Bold", 18)
    canvas.drawCentredString(middle, height - 4.6 * inch, session.title[:80])
    canvas.setFont("Helvetica", 13)
    canvas.drawCentredString(
        middle,
        height - 5.2 * inch,
        f"on {_day(session.starts_at)}, for {hours_text(attendance.hours)} of credit",
    )
    canvas.setFont("Helvetica", 10)
    canvas.drawString(1.1 * inch, 1.05 * inch, f"Presented by {session.presenter}")
    canvas.drawRightString(
        width - 1.1 * inch, 1.05 * inch, f"Certificate {session.pk}-{attendance.person_id}"
    )
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def sign_in_sheet(session, people: list) -> bytes:
    """A printable list to sign at the door: each person with a seat, then blank lines for
    walk-ins."""
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontSize=10, leading=13)
    title = ParagraphStyle("title", parent=base["Title"], alignment=0, fontSize=17)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=0.7 * inch,
        rightMargin=0.7 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
        title=f"Sign-in sheet: {session.title}",
        author="Homeroom",
    )
    local = timezone.localtime(session.starts_at)
    starts = local.strftime("%I:%M %p").lstrip("0").lower()
    facts = f"{escape(district_name())}<br/>{_day(session.starts_at)}, {starts}"
    rows = [["", "Name", "School", "Signature"]]
    for number, person in enumerate(people, start=1):
        school = person.primary_site.name if person.primary_site_id else ""
        rows.append([str(number), str(person), school, ""])
    for number in range(len(people) + 1, len(people) + 6):
        rows.append([str(number), "", "", ""])
    table = Table(
        rows,
        colWidths=[0.4 * inch, 2.4 * inch, 2.0 * inch, 2.3 * inch],
        rowHeights=[0.3 * inch] + [0.38 * inch] * (len(rows) - 1),
        repeatRows=1,
        style=[
            ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 10),
            ("FONT", (0, 1), (-1, -1), "Helvetica", 10),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ],
    )
    story = [
        Paragraph(escape(session.title), title),
        Paragraph(facts, body),
        Paragraph(
            f"{escape(session.where)} · {hours_text(session.credit_hours)} · presented by "
            f"{escape(str(session.presenter))}",
            body,
        ),
        Spacer(1, 0.2 * inch),
        table,
    ]
    document.build(story)
    return buffer.getvalue()


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _ics_moment(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545)."""
    parts, current = [], ""
    for char in line:
        if len((current + char).encode()) > 74:
            parts.append(current)
            current = " "
        current += char
    return [*parts, current]


def ics(session, *, stamp: datetime.datetime) -> str:
    """The session as one VEVENT; its UID stays the same, so a second download updates the
    event rather than adding another."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "homeroom"
    url = f"{settings.SITE_URL}{session.get_absolute_url()}"
    description = session.description or session.title
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Homeroom//Training//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:training-session-{session.pk}@{host}",
        f"DTSTAMP:{_ics_moment(stamp)}",
        f"DTSTART:{_ics_moment(session.starts_at)}",
        f"DTEND:{_ics_moment(session.ends_at)}",
        f"SUMMARY:{_ics_text(session.title)}",
        f"LOCATION:{_ics_text(session.online_link or session.where)}",
        f"DESCRIPTION:{_ics_text(description + chr(10) + url)}",
        f"URL:{url}",
        "STATUS:CANCELLED" if session.status == "cancelled" else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(part for line in lines for part in _fold(line)) + "\r\n"
