"""Every main page opens with its heading and demo data, passes axe-core, and is
photographed at desktop and phone width."""

import re

import pytest
from playwright.sync_api import expect

from homeroom.core.models import ImportRun, Room, Site
from homeroom.people.models import Person, SchoolClass, User

from .conftest import DESKTOP, check_page, log_in

pytestmark = pytest.mark.browser


def test_admin_can_open_every_main_page(page, demo):
    site = Site.objects.get(name="Lincoln Middle School")
    room = Room.objects.filter(site=site).exclude(name="").order_by("number").first()
    teacher = User.objects.get(username="teacher")
    person = Person.objects.get(user=teacher)
    school_class = SchoolClass.objects.filter(enrollments__person=person).order_by("pk").first()
    roster_import = ImportRun.objects.filter(kind="oneroster").order_by("pk").first()
    # (path, screenshot name, heading, something the demo district puts on the page)
    pages = [
        ("/", "dashboard", "Today", "Rooms in use per site"),
        ("/sites/", "site-list", "Sites", "Riverside High School"),
        (f"/sites/{site.pk}/", "site-detail", site.name, "LINMS"),
        ("/sites/new/", "site-new", "Add a site", "Short code"),
        ("/rooms/", "room-list", "Rooms", f"{Room.objects.count()} in all"),
        (f"/rooms/{room.pk}/", "room-detail", f"Room {room}", site.name),
        ("/rooms/new/", "room-new", "Add a room", "Lincoln Middle School"),
        ("/activity/?q=sis-export", "activity", "Activity", "sis-export.zip"),
        ("/people/", "person-list", "People", f"{Person.objects.count()} in all"),
        (f"/people/{person.pk}/", "person-detail", "Priya Natarajan", school_class.title),
        ("/classes/", "class-list", "Classes", f"{SchoolClass.objects.count()} in all"),
        (f"/classes/{school_class.pk}/", "class-detail", school_class.title, "Natarajan, Priya"),
        ("/imports/?kind=oneroster", "import-list", "Imports", "sis-export.zip"),
        (
            f"/imports/oneroster/{roster_import.pk}/",
            "import-detail",
            "Roster (OneRoster): ",
            "Applied",
        ),
        ("/imports/oneroster/new/", "import-new", "Import a roster (OneRoster)", "OneRoster"),
        ("/users/", "user-list", "Users", "Tom Lindqvist"),
        (f"/users/{teacher.pk}/", "user-detail", "Priya Natarajan", "teacher@riverside"),
        ("/users/new/", "user-new", "Add a user", "Riverside High School"),
        ("/profile/", "profile", "Your profile", "Dana Whitfield"),
        ("/accounts/password/", "password-change", "Change your password", "Old password"),
        ("/search/?q=lin", "search-lin", "Search", "Tom Lindqvist"),
    ]
    heading = page.get_by_role("heading", level=1)
    main = page.get_by_role("main")
    log_in(page, "admin")
    for path, name, title, text in pages:
        if path != "/":
            response = page.goto(path)
            assert response is not None and response.status == 200, f"{path}: {response}"
        expect(heading).to_contain_text(title)
        expect(main).to_contain_text(text)
        expect(page.get_by_role("searchbox", name="Search", exact=True)).to_be_visible()
        check_page(page, name)
    expect(page.get_by_role("region", name="Sites")).to_contain_text("Lincoln Middle School")
    expect(page.get_by_role("region", name="Users")).to_contain_text("Tom Lindqvist")


def test_an_empty_form_shows_the_error_summary_and_keeps_the_page(page, demo):
    log_in(page, "admin", next="/sites/new/")
    check_page(page, "site-new")
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Add site").click()

    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_url(re.compile(r"/sites/new/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a site")
    name_error = summary.get_by_role("link", name=re.compile(r"^Name: "))
    expect(name_error).to_have_attribute("href", "#id_name")
    expect(page.locator(".field--error").first).to_be_visible()
    check_page(page, "site-new-errors")
    assert Site.objects.count() == 4


def test_a_forgotten_password_can_be_reset_by_email(page, demo, mailoutbox, live_server, settings):
    settings.SITE_URL = live_server.url  # where emailed links point
    page.goto("/accounts/login/")
    check_page(page, "login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    check_page(page, "password-reset")

    page.get_by_label("Email").fill("teacher@riverside.example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page, "password-reset-sent")

    assert len(mailoutbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mailoutbox[0].body)
    assert link, mailoutbox[0].body
    page.goto(link.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check_page(page, "password-reset-confirm")

    new_password = "purple giraffe homework 42"
    page.get_by_label(re.compile(r"^New password \(required\)$")).fill(new_password)
    page.get_by_label("New password confirmation").fill(new_password)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Password saved")
    check_page(page, "password-reset-complete")

    page.get_by_role("link", name="Sign in").click()
    check_page(page, "login")
    page.get_by_label("Username").fill("teacher")
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    check_page(page, "dashboard-teacher")


@pytest.mark.parametrize(
    ("username", "first_card"),
    [
        ("admin", "Help desk"),
        ("tech", "Help desk"),
        ("teacher", "My tickets"),
        ("librarian", "Library today"),
        ("coordinator", "Testing windows"),
        ("student", "Your device"),
    ],
)
def test_each_roles_today_leads_with_its_own_work(page, demo, username, first_card):
    log_in(page, username)
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    first = page.locator(".cards > .card h2").first
    expect(first).to_have_text(first_card)
    nav = page.get_by_role("navigation", name="Modules")
    expect(nav.locator("[aria-current=page]")).to_have_count(1)
    expect(nav.locator("[aria-current=page]")).to_have_text("Today")
    check_page(page, f"dashboard-{username}")


def test_a_workspace_shows_its_pages_with_one_current(page, demo):
    log_in(page, "tech", next="/devices/imports/")
    nav = page.get_by_role("navigation", name="Modules")
    pages = nav.get_by_role("list", name="Devices")
    expect(pages.get_by_role("link")).to_have_text(
        [
            "Devices",
            "Fleet",
            "Scan station",
            "Repairs",
            "Loaners",
            "Parts stock",
            "Vendors",
            "Device imports",
        ]
    )
    expect(nav.locator("[aria-current=page]")).to_have_count(1)
    expect(pages.get_by_role("link", name="Device imports")).to_have_attribute(
        "aria-current", "page"
    )
    check_page(page, "workspace-devices")


def test_a_long_list_uses_the_pages_own_scroll_on_a_desktop(page, demo):
    """Every row of the list is on the page, none hidden in a box that scrolls inside it, and
    the header row stays in view under the top bar while the page scrolls."""
    log_in(page, "admin", next="/people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    check_page(page, "people-long-list")
    box = page.locator(".table-wrap").first
    assert box.evaluate("el => el.scrollHeight - el.clientHeight") <= 1
    assert page.evaluate("document.documentElement.scrollHeight") > 3 * DESKTOP["height"]
    page.mouse.wheel(0, 2000)
    header = page.locator(".table thead th").first
    expect(header).to_be_in_viewport()
    top_bar = page.locator(".topbar").bounding_box()
    assert header.bounding_box()["y"] >= top_bar["y"] + top_bar["height"] - 1
