"""At phone width the module nav folds away behind the Menu button."""

import pytest
from playwright.sync_api import expect

from .conftest import PHONE, check_page, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport():
    return PHONE


def test_the_nav_opens_from_the_menu_button_on_a_phone(page, demo):
    log_in(page, "admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    menu = page.get_by_role("button", name="Menu")
    nav = page.get_by_role("navigation", name="Modules")
    sites_link = nav.get_by_role("link", name="Sites")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(sites_link).to_be_hidden()
    # The page itself fits: nothing pushes it sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(page, "phone-menu-closed")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(sites_link).to_be_visible()
    expect(nav.get_by_role("link", name="Users")).to_be_visible()
    expect(nav.get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")
    check_page(page, "phone-menu-open")

    sites_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sites")
    expect(nav.get_by_role("link", name="Sites")).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    check_page(page, "phone-site-list")

    menu.click()
    expect(nav.get_by_role("link", name="Sites")).to_have_attribute("aria-current", "page")
    menu.click()
    expect(sites_link).to_be_hidden()
