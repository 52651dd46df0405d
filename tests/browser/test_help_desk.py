"""The help-desk loop end to end: a teacher reports a cracked Chromebook screen with a photo,
the technician opens a repair, hands the student a loaner by scanning it, uses a part and
resolves the ticket; the teacher gets each email through a real SMTP server and rates the
help from the last one."""

import re
import struct
import zlib
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from homeroom.devices.models import Assignment, Device
from homeroom.helpdesk.models import Attachment, Ticket
from homeroom.people.models import User
from homeroom.repairs.models import Part, RepairOrder
from tests.browser.conftest import check_page, log_in

pytestmark = pytest.mark.browser


def png(width: int = 4, height: int = 3) -> bytes:
    """A small, valid PNG: what a phone camera photo is, minus the size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def next_person(page) -> None:
    """Someone else at another computer: a browser without the last person's session."""
    page.context.clear_cookies()


def test_cracked_screen_from_report_to_rating(page, demo, smtp_server, tmp_path):
    teacher = User.objects.get(username="teacher")
    site = teacher.sites.get()
    one_to_one = (
        Assignment.objects.filter(
            checked_in_at__isnull=True,
            kind="one_to_one",
            device__site=site,
            device__model__category="chromebook",
        )
        .select_related("device", "person")
        .order_by("device__asset_tag")
        .first()
    )
    broken, student = one_to_one.device, one_to_one.person
    loaner = Device.objects.filter(site=site, status="loaner_pool").order_by("asset_tag").first()
    screen = Part.objects.get(site=site, name="LCD screen")
    screens_before = screen.quantity_on_hand
    photo = tmp_path / "cracked.png"
    photo.write_bytes(png())

    # The teacher picks the problem, reads the quick fix, and still needs help.
    log_in(page, "teacher", next=f"/help/?device={broken.pk}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Get help with {broken.asset_tag}")
    check_page(page, "help-pick-problem")
    page.get_by_role("link", name="Cracked screen").click()
    expect(page.get_by_role("heading", name=re.compile("try this first"))).to_be_visible()
    # A cracked screen is damage: no step fixes it, so “This fixed it” is not offered.
    expect(page.get_by_text("This needs a repair.")).to_be_visible()
    expect(page.get_by_role("button", name="This fixed it")).to_have_count(0)
    check_page(page, "help-quick-fix")
    page.get_by_role("link", name="I still need help").click()
    check_page(page, "help-new-ticket")
    page.get_by_label("In a few words").fill(f"Cracked screen on {student}'s Chromebook")
    page.get_by_label("What happened?").fill("Dropped in the hallway; the corner is shattered.")
    page.get_by_label("Photos").set_input_files(str(photo))
    page.get_by_role("button", name="File the ticket").click()
    expect(page.get_by_text(re.compile(r"Ticket #\d+ filed"))).to_be_visible()
    check_page(page, "help-ticket-filed")
    ticket = Ticket.objects.order_by("-pk").first()
    assert ticket.device == broken and ticket.requester == teacher
    # The Chromebook is the student's own: the ticket is for them, and not Low priority.
    assert ticket.affected_person == student and ticket.get_priority_display() == "High"
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.content_type == "image/png" and attachment.size == len(png())
    assert smtp_server.to(teacher.email)[0]["Subject"].startswith(
        f"We got your request #{ticket.pk}"
    )
    next_person(page)

    # The technician opens a repair from the ticket, lends a loaner, uses a screen, resolves.
    log_in(page, "tech", next=ticket.get_absolute_url())
    check_page(page, "ticket-for-technician")
    expect(page.get_by_role("img", name=re.compile("cracked", re.I))).to_have_count(1)
    page.get_by_role("link", name="Open repair").click()
    check_page(page, "repair-open")
    expect(page.get_by_role("textbox", name=re.compile("^Device"))).to_have_value(broken.asset_tag)
    page.get_by_role("button", name=re.compile("Open repair")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(broken.asset_tag)
    check_page(page, "repair-page")
    repair = RepairOrder.objects.get(ticket=ticket)
    assert repair.person == student
    ticket.refresh_from_db()
    assert ticket.status == "in_progress" and ticket.assignee.username == "tech"
    assert Device.objects.get(pk=broken.pk).status == "in_repair"

    page.get_by_label("Scan a loaner").fill(loaner.asset_tag)
    page.get_by_label("Scan a loaner").press("Enter")
    expect(page.get_by_role("region", name="Loaner")).to_contain_text(
        f"{loaner.asset_tag} with {student}"
    )
    check_page(page, "repair-loaner-given")
    lent = Assignment.objects.get(device=loaner, checked_in_at__isnull=True)
    assert lent.person == student and lent.kind == "loaner"

    page.get_by_label("Pick a part").select_option(label=f"LCD screen ({screens_before} left)")
    page.get_by_role("button", name="Add part").click()
    expect(page.get_by_role("region", name="Parts used")).to_contain_text("LCD screen")
    check_page(page, "repair-part-added")
    screen.refresh_from_db()
    assert screen.quantity_on_hand == screens_before - 1

    page.get_by_role("link", name=str(ticket)).click()
    expect(page.get_by_role("link", name=f"{repair.number}: open")).to_be_visible()
    expect(page.get_by_role("link", name="Open repair")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile(f"Loaner {loaner.asset_tag}"))).to_be_visible()
    check_page(page, "ticket-with-repair")
    page.get_by_label("Your reply").fill("New screen fitted; the loaner is yours until then.")
    page.get_by_role("button", name="Send").click()
    check_page(page, "ticket-replied")
    page.get_by_label("Move to").select_option(label="Resolved")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("h1")).to_contain_text("Resolved")
    check_page(page, "ticket-resolved")
    next_person(page)

    # The teacher's mailbox: the receipt, the reply, the resolution with one-click ratings.
    subjects = [message["Subject"] for message in smtp_server.to(teacher.email)]
    assert subjects[0].startswith(f"We got your request #{ticket.pk}")
    assert f"Re: #{ticket.pk} {ticket.subject}" in subjects
    resolved = next(m for m in smtp_server.to(teacher.email) if m["Subject"].startswith("Resolved"))
    body = resolved.get_body(preferencelist=("plain",)).get_content()
    assert "New screen fitted" in "\n".join(
        m.get_body(preferencelist=("plain",)).get_content() for m in smtp_server.to(teacher.email)
    )
    links = re.findall(r"https?://\S+/tickets/rate/\S+", body)
    assert len(links) >= 3
    best = links[0]
    page.goto(urlsplit(best).path)
    check_page(page, "ticket-rated")
    ticket.refresh_from_db()
    assert ticket.satisfaction is not None and ticket.status == "resolved"
