"""A person's fee statement as a PDF: who issues it (the district office and the school),
who it is for, and each charge with its payments, waivers and what is still owed.

Only the standard PDF fonts are used (nothing embedded, nothing fetched)."""

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

from homeroom.core.choices import SiteType
from homeroom.core.models import Site
from homeroom.fees.services import dollars

RULE = colors.Color(0.75, 0.75, 0.75)
SHADE = colors.Color(0.94, 0.95, 0.97)


def _styles() -> dict:
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], alignment=0, fontSize=18),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontSize=9.5, leading=12),
        "small": ParagraphStyle("small", parent=base["BodyText"], fontSize=8.5, leading=10.5),
        "right": ParagraphStyle("right", parent=base["BodyText"], fontSize=9.5, alignment=2),
        "heading": ParagraphStyle("heading", parent=base["Heading3"], spaceBefore=6),
    }


def _lines(*parts: str) -> str:
    return "<br/>".join(escape(part).replace("\n", "<br/>") for part in parts if part)


def _day(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day} {local:%b %Y}"


def render_statement(person, charges: list, *, prepared_by: str = "") -> bytes:
    """The statement of `person` for `charges` (from selectors.statement_charges)."""
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.7 * inch,
        bottomMargin=0.7 * inch,
        title=f"Fee statement: {person}",
        author="Homeroom",
    )
    district = Site.objects.filter(type=SiteType.DISTRICT_OFFICE).order_by("pk").first()
    school = person.primary_site
    issuer = [
        Paragraph(
            _lines(
                district.name if district else "",
                district.address if district else "",
                district.phone if district else "",
            ),
            styles["small"],
        ),
        Paragraph(
            _lines(
                school.name if school else "",
                school.address if school else "",
                school.phone if school else "",
            ),
            styles["small"],
        ),
    ]
    owed = sum((charge.balance for charge in charges), Decimal("0.00"))
    story = [
        Table(
            [issuer],
            colWidths=[3.5 * inch, 3.5 * inch],
            style=[("VALIGN", (0, 0), (-1, -1), "TOP")],
        ),
        Spacer(1, 10),
        Paragraph("Fee statement", styles["title"]),
        Paragraph(
            _lines(
                f"For: {person}" + (f" ({person.grade_label})" if person.grade_label else ""),
                f"Student id: {person.identifier}" if person.identifier else "",
                f"Date: {_day(timezone.now())}",
            ),
            styles["body"],
        ),
        Spacer(1, 8),
        Table(
            [["Balance due", dollars(owed)]],
            colWidths=[5.5 * inch, 1.5 * inch],
            style=[
                ("FONT", (0, 0), (-1, -1), "Helvetica-Bold", 13),
                ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                ("BACKGROUND", (0, 0), (-1, -1), SHADE),
                ("BOX", (0, 0), (-1, -1), 0.75, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ],
        ),
        Spacer(1, 12),
    ]
    if not charges:
        story.append(Paragraph("No fees on record.", styles["body"]))
    for charge in charges:
        story.append(_charge_table(charge, styles))
        story.append(Spacer(1, 10))
    story.append(
        Paragraph(
            "Pay at the school office (cash or check made out to the district) or online; "
            "bring the receipt number. Questions about a fee: ask the school's technology "
            "office or library." + (f" Prepared by {escape(prepared_by)}." if prepared_by else ""),
            styles["small"],
        )
    )
    document.build(story)
    return buffer.getvalue()


def _charge_table(charge, styles) -> Table:
    what = f"{charge.reason}" + (f" — {charge.source_label}" if charge.source_label else "")
    rows = [
        [
            Paragraph(f"<b>{escape(what)}</b>", styles["body"]),
            _day(charge.created_at),
            dollars(charge.amount),
        ]
    ]
    if charge.note:
        rows.append([Paragraph(escape(charge.note), styles["small"]), "", ""])
    for share in charge.shares:
        payment = share.payment
        receipt = f", receipt {payment.receipt_number}" if payment.receipt_number else ""
        rows.append(
            [
                f"Payment ({payment.get_method_display().lower()}{receipt})",
                _day(payment.received_at),
                dollars(-share.amount),
            ]
        )
    for waiver in charge.waiver_list:
        rows.append(
            [
                Paragraph(f"Waived: {escape(waiver.reason)}", styles["small"]),
                _day(waiver.waived_at),
                dollars(-waiver.amount),
            ]
        )
    rows.append([f"Still owed · {charge.get_status_display()}", "", dollars(charge.balance)])
    last = len(rows) - 1
    return Table(
        rows,
        colWidths=[4.5 * inch, 1.3 * inch, 1.2 * inch],
        style=[
            ("FONT", (0, 0), (-1, -1), "Helvetica", 9.5),
            ("FONT", (0, last), (-1, last), "Helvetica-Bold", 9.5),
            ("ALIGN", (2, 0), (2, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEABOVE", (0, last), (-1, last), 0.5, RULE),
            ("BOX", (0, 0), (-1, -1), 0.75, RULE),
            ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ],
    )
