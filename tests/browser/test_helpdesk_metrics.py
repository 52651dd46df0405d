"""A technician reads the help-desk metrics of the demo year from their Today card, picks
the school year and one site, and opens the numbers behind a chart."""

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, check_page, log_in

pytestmark = pytest.mark.browser


def test_technician_reads_the_metrics_of_the_year(page, demo):
    log_in(page, "tech")
    check_page(page, "today-with-helpdesk-metrics")
    card = page.locator("section", has=page.get_by_role("heading", name="Help desk this week"))
    expect(card).to_contain_text("Open tickets")
    card.get_by_role("link", name="Help desk this week").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help desk metrics")
    check_page(page, "helpdesk-metrics")

    page.get_by_label("Period").select_option(label="This school year")
    site = page.locator("#filter-site")
    first_site = site.locator("option").nth(1).inner_text()
    site.select_option(label=first_site)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_label("Period")).to_have_value("year")
    expect(page.get_by_text("This school year:")).to_be_visible()
    for heading in ("Backlog", "SLA compliance", "Satisfaction", "Sites", "Repair rate"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    check_page(page, "helpdesk-metrics-year")

    chart = page.locator("section", has=page.get_by_role("heading", name="Sites", exact=True))
    chart.get_by_text("Show the numbers as a table").click()
    expect(chart.locator("table")).to_contain_text(first_site)

    page.get_by_role("button", name="Refresh").click()
    expect(page.locator(".flash")).to_contain_text("metrics")
    expect(page.get_by_label("Period")).to_have_value("year")
    check_page(page, "helpdesk-metrics-refreshing")


def test_metrics_fit_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    log_in(page, "admin", next="/reports/helpdesk/?period=90")
    expect(page.get_by_role("heading", level=1)).to_have_text("Help desk metrics")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(page, "helpdesk-metrics-phone")
