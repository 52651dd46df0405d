"""A student on a phone finds a book of their reading level in the students' catalog and
learns where it is."""

import re

import pytest
from playwright.sync_api import expect

from homeroom.library.models import Title

from .conftest import PHONE, check_page, log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def viewport():
    return PHONE


def test_a_student_finds_a_book_by_lexile_range_on_a_phone(page, demo):
    log_in(page, "student")
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    check_page(page, "phone-dashboard-student-library")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("navigation", name="Modules").get_by_role("link", name="Find a book").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a book")
    check_page(page, "catalog-search-phone")

    page.get_by_label("Lexile from").fill("400")
    page.get_by_label("Lexile to").fill("500")
    page.get_by_label("On the shelf now").check()
    page.get_by_role("button", name="Search").click()
    results = page.get_by_role("list", name="Books found").locator("> li")
    expect(results.first).to_be_visible()
    check_page(page, "catalog-results-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # Every book shown is of the level asked for, and says where it is and that it is in.
    for badge in results.locator(".badge", has_text="Lexile").all_inner_texts():
        assert 400 <= int(re.search(r"(\d+)L", badge).group(1)) <= 500, badge
    first = results.first
    link = first.get_by_role("link").first
    name = link.inner_text()
    title = Title.objects.get(pk=int(link.get_attribute("href").rstrip("/").split("/")[-1]))
    assert title.title == name and 400 <= title.lexile <= 500
    shelves = first.get_by_role("list", name="Where to find it")
    library = title.copies.filter(status="available").select_related("library").first()
    expect(shelves).to_contain_text(library.library.name)
    expect(shelves).to_contain_text(library.call_number)
    expect(shelves).to_contain_text("on the shelf")

    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    where = page.get_by_role("region", name="Where to find it")
    expect(where).to_contain_text(library.library.name)
    expect(page.locator(".book-levels-shown")).to_contain_text(f"Lexile {title.lexile_label}")
    check_page(page, "catalog-title-phone")
