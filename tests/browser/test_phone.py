"""At phone width the module nav folds away behind the Menu button."""

import re

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
    district = nav.get_by_role("link", name="District")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(district).to_be_hidden()
    # The page itself fits: nothing pushes it sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check_page(page, "phone-menu-closed")

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(district).to_be_visible()
    expect(nav.get_by_role("link", name="Today")).to_have_attribute("aria-current", "page")
    # Workspaces only: a workspace's pages show once it is open.
    expect(nav.get_by_role("link", name="Users")).to_have_count(0)
    check_page(page, "phone-menu-open")

    district.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sites")
    expect(district).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    check_page(page, "phone-site-list")

    menu.click()
    expect(nav.get_by_role("link", name="Sites")).to_have_attribute("aria-current", "page")
    expect(nav.locator("[aria-current=page]")).to_have_count(1)
    nav.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Users")
    check_page(page, "phone-user-list")
    menu.click()
    expect(nav.get_by_role("link", name="Users")).to_have_attribute("aria-current", "page")
    menu.click()
    expect(district).to_be_hidden()


def test_list_filters_fold_behind_a_filters_button_on_a_phone(page, demo):
    log_in(page, "tech", next="/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    search = page.get_by_label("Name, username or id")
    filters = page.locator(".filters-fold > summary")
    expect(filters).to_have_text("Filters")
    expect(search).to_be_hidden()
    check_page(page, "phone-person-list")
    filters.click()
    expect(search).to_be_visible()
    page.get_by_label("Kind").select_option(label="Student")
    expect(filters).to_have_text("Filters (1 on)")
    expect(page).to_have_url(re.compile(r"kind=student"))
    check_page(page, "phone-person-list-students")


def test_a_student_has_a_one_row_top_bar_and_no_search(page, demo):
    log_in(page, "student")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    expect(page.get_by_role("searchbox")).to_have_count(0)
    assert page.locator(".topbar").bounding_box()["height"] < 60
    expect(page.get_by_role("heading", name="Your device")).to_be_visible()
    check_page(page, "phone-dashboard-student")
