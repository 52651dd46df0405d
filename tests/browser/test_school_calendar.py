"""A district admin reads the school calendar, closes one school for a snow day, imports
the district's .ics file (a bad one first), and gives a school its own hours."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from homeroom.core.models import ClosedDay, Site
from homeroom.core.testing import run_queued_tasks

from .conftest import PHONE, check_page, log_in

pytestmark = pytest.mark.browser

CALENDAR_ICS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Riverside USD//EN\r\n"
    "BEGIN:VEVENT\r\nUID:pd-day@riverside\r\nDTSTART;VALUE=DATE:20261012\r\n"
    "SUMMARY:Professional development day\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def test_admin_runs_the_school_calendar(page, demo, tmp_path: Path):
    school = Site.objects.get(name="Lincoln Middle School")
    log_in(page, "admin", next="/calendar/?year=2026")
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("School calendar 2026\u20132027")
    expect(main).to_contain_text("Thanksgiving break")
    expect(main).to_contain_text("Riverside High School")  # it keeps its own hours
    check_page(page, "school-calendar")

    page.get_by_role("link", name="Import an .ics file").click()
    check_page(page, "closed-days-import")
    bad = tmp_path / "calendar.ics"
    bad.write_text("Not a calendar at all")
    page.get_by_label("File").set_input_files(bad)
    page.get_by_role("button", name="Upload and check").click()
    check_page(page, "closed-days-import-checking")
    assert run_queued_tasks() == 1
    page.reload()
    expect(main).to_contain_text("is not an iCalendar file")
    check_page(page, "closed-days-import-error")
    page.get_by_role("link", name="Upload another file").click()
    check_page(page, "closed-days-import-again")
    good = tmp_path / "district.ics"
    good.write_text(CALENDAR_ICS)
    page.get_by_label("File").set_input_files(good)
    page.get_by_role("button", name="Upload and check").click()
    check_page(page, "closed-days-import-checking-again")
    assert run_queued_tasks() == 1
    page.reload()
    expect(main).to_contain_text("Professional development day")  # the preview
    check_page(page, "closed-days-import-preview")
    assert not ClosedDay.objects.filter(reason="Professional development day").exists()
    page.get_by_role("button", name="Apply these changes").click()
    check_page(page, "closed-days-import-applying")
    assert run_queued_tasks() == 1
    page.reload()
    expect(main).to_contain_text("Applied")
    check_page(page, "closed-days-import-applied")
    page.goto("/calendar/?year=2026")
    expect(main).to_contain_text("Professional development day")
    check_page(page, "school-calendar-imported")

    page.goto(f"/sites/{school.pk}/")
    section = page.get_by_role("region", name="School hours and closed days")
    expect(section).to_contain_text("District hours")
    check_page(page, "site-detail-calendar")
    section.get_by_role("link", name="Add a closed day").click()
    check_page(page, "closed-day-new")
    page.get_by_label("First closed day").fill("2026-12-02")
    page.get_by_label("Reason").fill("Snow day")
    page.get_by_role("button", name="Add closed day").click()
    expect(page.get_by_text("Lincoln Middle School is closed: Snow day.")).to_be_visible()
    check_page(page, "site-detail-snow-day")
    assert ClosedDay.objects.get(reason="Snow day").site == school

    section.get_by_role("link", name="Change hours").click()
    check_page(page, "site-hours")
    page.get_by_label("Friday").uncheck()
    page.get_by_label("Opens at").fill("08:00")
    page.get_by_role("button", name="Save hours").click()
    expect(section).to_contain_text("Mon\u2013Thu, 8:00 am \u2013 4:00 pm")
    check_page(page, "site-detail-own-hours")


def test_the_school_calendar_on_a_phone(page, demo):
    page.set_viewport_size(PHONE)
    log_in(page, "tech", next="/calendar/?year=2026")
    expect(page.get_by_role("main")).to_contain_text("Winter break")
    expect(page.get_by_role("button", name="Remove")).to_have_count(0)
    check_page(page, "school-calendar-technician")
