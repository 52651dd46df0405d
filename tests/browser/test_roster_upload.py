"""A technician loads the student information system's OneRoster export: upload, watch the
check's progress, read what would change, apply, and see the new people."""

import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from homeroom.core.models import ImportRun
from homeroom.core.testing import run_queued_tasks
from homeroom.people.models import Person

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser

SAMPLE = Path(__file__).resolve().parents[3] / "shared/samples/oneroster/roster-hub-1.1-bulk"


def sample_zip(tmp_path: Path, *, break_users: bool = False) -> Path:
    path = tmp_path / "sis-export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for csv_file in sorted(SAMPLE.glob("*.csv")):
            data = csv_file.read_bytes()
            if break_users and csv_file.name == "users.csv":
                data = data.replace(b'"FN 05"', b'""')
            archive.writestr(csv_file.name, data)
    return path


def test_upload_check_and_apply_a_roster_with_progress(page, demo, tmp_path):
    before = Person.objects.count()
    log_in(page, "admin", next="/imports/?kind=oneroster")
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    check_page(page, "roster-imports")

    page.get_by_role("link", name="Import a roster (OneRoster)").click()
    check_page(page, "roster-import-new")
    page.locator("input[type=file]").set_input_files(sample_zip(tmp_path))
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_text("Checking it now; nothing changes until you apply it.")).to_be_visible()
    progress = page.locator("#import-progress progress")
    expect(progress).to_be_visible()
    assert int(progress.get_attribute("value")) < 100
    check_page(page, "roster-import-waiting")

    assert run_queued_tasks() == 1
    apply = page.get_by_role("button", name="Apply these changes")
    expect(apply).to_be_visible()  # the page polled its way to the result
    expect(page.locator("#import-progress progress")).to_have_attribute("value", "100")
    counts = page.get_by_role("region", name="What will change")
    expect(counts.get_by_role("row", name=re.compile("People"))).to_contain_text("20")
    assert Person.objects.count() == before
    check_page(page, "roster-import-checked")

    apply.click()
    expect(page.get_by_text("Applying the file.")).to_be_visible()
    assert run_queued_tasks() == 1
    expect(page.get_by_role("heading", name=re.compile("Status"))).to_contain_text("Applied")
    expect(page.get_by_role("region", name="What changed")).to_contain_text("Enrollments")
    assert Person.objects.count() == before + 20
    check_page(page, "roster-import-applied")

    page.get_by_role("link", name="See the people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    check_page(page, "people")
    page.goto("/people/?q=user01")
    expect(page.locator("#person-table")).to_contain_text("FN 01, GN 01")
    check_page(page, "people-search")


def test_a_roster_with_problems_lists_them_and_changes_nothing(page, demo, tmp_path):
    log_in(page, "admin", next="/imports/oneroster/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a roster (OneRoster)")
    check_page(page, "roster-import-form")
    page.locator("input[type=file]").set_input_files(sample_zip(tmp_path, break_users=True))
    page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("#import-progress progress")).to_be_visible()
    check_page(page, "roster-import-queued")
    run_queued_tasks()
    problems = page.get_by_role("region", name=re.compile("problem found"))
    expect(problems).to_contain_text("users.csv:6: familyName: required")
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)
    assert ImportRun.objects.filter(kind="oneroster").latest("pk").status == "rejected"
    check_page(page, "roster-import-rejected")
