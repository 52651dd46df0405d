"""The key flow: sign in through the real form, land on Today, find a school by search."""

import re

import pytest
from playwright.sync_api import expect

from homeroom.core.demo import DEMO_PASSWORD

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser


def test_admin_signs_in_and_finds_a_site_with_the_global_search(page, demo, live_server):
    heading = page.get_by_role("heading", level=1)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(heading).to_have_text("Sign in")
    check_page(page, "login")

    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(heading).to_have_text("Today")
    nav = page.get_by_role("navigation", name="Modules")
    expect(nav.get_by_role("link", name="District")).to_be_visible()
    check_page(page, "dashboard")

    # "/" anywhere outside a field jumps to the search box in the top bar.
    search = page.get_by_role("searchbox", name="Search", exact=True)
    expect(search).not_to_be_focused()
    page.keyboard.press("/")
    expect(search).to_be_focused()
    page.keyboard.type("Lincoln")
    dropdown = page.locator("#search-results")
    site_result = dropdown.get_by_role("link", name=re.compile(r"^Lincoln Middle School"))
    expect(site_result).to_be_visible()
    expect(dropdown.get_by_role("heading", name="Sites")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/")  # the results came in without a page load
    check_page(page, "search-dropdown")

    site_result.click()
    expect(page).to_have_url(re.compile(r"/sites/\d+/$"))
    expect(heading).to_contain_text("Lincoln Middle School")
    expect(page.get_by_text("LINMS", exact=True)).to_be_visible()
    check_page(page, "site-detail")

    # Enter submits the same box as a plain form: the full search page.
    search.fill("Lincoln")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=Lincoln$"))
    expect(heading).to_have_text("Search")
    expect(page.get_by_label("Name, number, code or email")).to_have_value("Lincoln")
    sites = page.get_by_role("region", name="Sites")
    expect(sites.get_by_role("link", name=re.compile(r"^Lincoln Middle School"))).to_be_visible()
    check_page(page, "search")


def test_a_wrong_password_shows_an_error_and_stays_on_the_login_page(page, demo):
    page.goto("/accounts/login/")
    check_page(page, "login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("correct username and password")
    expect(summary).to_be_focused()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    expect(page.get_by_label("Username")).to_have_value("admin")
    expect(page.get_by_role("searchbox", name="Search", exact=True)).to_have_count(0)
    check_page(page, "login-error")


def test_a_teacher_has_no_users_page(page, demo):
    log_in(page, "teacher")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    nav = page.get_by_role("navigation", name="Modules")
    expect(nav.get_by_role("link", name="Today")).to_be_visible()
    expect(nav.get_by_role("link", name="Users")).to_have_count(0)
    check_page(page, "dashboard-teacher")

    response = page.goto("/users/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You can't open this page")
    expect(page.get_by_role("link", name="Go to Today")).to_be_visible()
    check_page(page, "forbidden")

    # Signing out is in the user menu, reachable from any page.
    page.get_by_text("Priya Natarajan", exact=True).click()
    sign_out = page.get_by_role("button", name="Sign out")
    expect(sign_out).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Teacher").first).to_be_visible()
    check_page(page, "user-menu")
    sign_out.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page, "signed-out")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    check_page(page, "login")
