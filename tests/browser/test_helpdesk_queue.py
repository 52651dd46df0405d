"""A technician's morning at the help-desk queue: the unassigned view, two tickets ticked
by keyboard and taken at once with the bulk bar, one opened and put on hold for the
teacher; then the knowledge base searched for a fix."""

import re

import pytest
from playwright.sync_api import expect

from homeroom.helpdesk.models import Ticket
from homeroom.people.models import User
from tests.browser.conftest import check_page, log_in

pytestmark = pytest.mark.browser


def test_take_unassigned_tickets_and_find_a_fix(page, demo):
    tech = User.objects.get(username="tech")
    log_in(page, "tech", next="/helpdesk/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help desk")
    check_page(page, "helpdesk-queue")

    page.get_by_role("link", name="Unassigned").click()
    expect(page.get_by_role("navigation", name="Queue views")).to_contain_text("Unassigned")
    check_page(page, "helpdesk-queue-unassigned")
    boxes = page.get_by_role("checkbox", name=re.compile(r"Select ticket \d+"))
    picked = [int(boxes.nth(n).get_attribute("value")) for n in range(2)]
    # By keyboard: j to the first ticket, x to tick it, j and x again for the second.
    for key in ("j", "x", "j", "x"):
        page.keyboard.press(key)
    expect(boxes.nth(0)).to_be_checked()
    expect(boxes.nth(1)).to_be_checked()
    page.get_by_text("Change the ticked tickets").click()
    page.get_by_label("Assign to").select_option(label=str(tech))
    page.get_by_label("Status").last.select_option(label="In progress")
    page.get_by_role("button", name="Change ticked tickets").click()
    expect(page.get_by_text("Changed 2 tickets.")).to_be_visible()
    check_page(page, "helpdesk-queue-bulk-done")
    taken = Ticket.objects.filter(pk__in=picked)
    assert {(t.assignee_id, t.status) for t in taken} == {(tech.pk, "in_progress")}

    page.get_by_role("link", name="Mine").click()
    check_page(page, "helpdesk-queue-mine")
    page.get_by_role("link", name=re.compile(f"#{picked[0]} ")).click()
    check_page(page, "helpdesk-ticket-mine")
    page.get_by_label("Move to").select_option(label="Waiting on requester")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("h1")).to_contain_text("Waiting on requester")
    expect(page.get_by_text("Clock paused")).to_be_visible()
    check_page(page, "helpdesk-ticket-waiting")

    page.get_by_role("link", name="Knowledge base").click()
    check_page(page, "knowledge-base")
    # Excerpts are plain words: the demo's “wait **15 minutes**” shows without asterisks.
    expect(page.locator(".result-list")).to_contain_text("wait 15 minutes")
    expect(page.locator(".result-list")).not_to_contain_text("**")
    page.get_by_label("Search the knowledge base").fill("projector")
    page.get_by_role("button", name="Search").click()
    check_page(page, "knowledge-base-search")
    page.get_by_role("link", name="Projector: no image").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Projector: no image")
    check_page(page, "knowledge-base-article")
