"""A technician loads a spreadsheet of projectors: uploads it as a CSV file of devices (core's
import pages), matches its columns, watches the check's progress bar finish, applies it and
finds the projectors in the device list."""

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from homeroom.core.models import ImportRun
from homeroom.core.testing import run_queued_tasks
from homeroom.devices.models import Device
from homeroom.people.models import User

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser


def spreadsheet(tmp_path: Path, site_name: str) -> Path:
    path = tmp_path / "projectors.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Serial #", "Tag", "Make", "Model", "Type", "Room / building", "Remarks"])
        for n in range(1, 4):
            writer.writerow(
                [
                    f"EPX-SN-{n}",
                    f"EPX-{n}",
                    "Epson",
                    "PowerLite 118",
                    "Projector",
                    site_name,
                    f"Ceiling mount {n}",
                ]
            )
    return path


def test_import_a_spreadsheet_with_its_columns_matched(page, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    site = User.objects.get(username="tech").sites.order_by("pk").first()
    log_in(page, "tech", next="/devices/imports/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Device imports")
    check_page(page, "device-imports-empty")

    page.get_by_role("link", name="Import a CSV file of devices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a CSV file of devices")
    check_page(page, "device-import-new")
    page.get_by_label("File").set_input_files(spreadsheet(tmp_path, site.name))
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Match the columns of projectors.csv")
    expect(page.get_by_label("Asset tag")).to_have_value("Tag")  # guessed from the names
    expect(page.get_by_label("Manufacturer")).to_have_value("Make")
    expect(page.get_by_label("Notes")).to_have_value("")  # “Remarks” is no name it knows
    check_page(page, "device-import-columns")
    page.get_by_label("Serial number").select_option("Serial #")
    page.get_by_label("Site or location").select_option("Room / building")
    page.get_by_label("Notes").select_option("Remarks")
    page.get_by_role("button", name="Save and check the file").click()

    expect(page.get_by_text("Columns matched. Checking the file now.")).to_be_visible()
    progress = page.locator("#import-progress progress")
    expect(progress).to_be_visible()
    assert int(progress.get_attribute("value")) < 100
    check_page(page, "device-import-waiting")

    assert run_queued_tasks() == 1
    apply = page.get_by_role("button", name="Apply these changes")
    expect(apply).to_be_visible()  # the page polled its way to the result
    expect(page.locator("#import-progress progress")).to_have_attribute("value", "100")
    counts = page.get_by_role("region", name="What will change")
    expect(counts.get_by_role("row", name=re.compile("Devices"))).to_contain_text("3")
    changes = page.get_by_role("region", name="Device by device")
    expect(changes).to_contain_text("Notes: Ceiling mount 2")
    assert not Device.objects.filter(asset_tag__startswith="EPX-").exists()
    check_page(page, "device-import-checked")

    apply.click()
    expect(page.get_by_text("Applying the file.")).to_be_visible()
    assert run_queued_tasks() == 1
    expect(page.get_by_role("heading", name=re.compile("Status"))).to_contain_text("Applied")
    expect(page.get_by_role("region", name="What changed")).to_contain_text("Devices")
    assert ImportRun.objects.get(kind="devices-csv").status == "applied"
    check_page(page, "device-import-applied")

    page.get_by_role("link", name="See the devices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Devices")
    check_page(page, "device-list-after-import")
    page.goto("/devices/?q=EPX-2")
    expect(page.get_by_role("main")).to_contain_text("EPX-2")
    expect(page.get_by_role("main")).to_contain_text("PowerLite 118")
    check_page(page, "device-list-imported-projector")
    projector = Device.objects.get(asset_tag="EPX-2")
    assert (projector.site, projector.notes) == (site, "Ceiling mount 2")

    page.goto("/devices/imports/")
    expect(page.get_by_role("row", name=re.compile("projectors.csv"))).to_contain_text("Applied")
    check_page(page, "device-imports")


def test_an_org_unit_that_names_no_site_is_mapped_on_the_preview(page, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    site = User.objects.get(username="tech").sites.order_by("pk").first()
    path = tmp_path / "cros.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["serialNumber", "annotatedAssetId", "orgUnitPath", "model"])
        for n in range(1, 3):
            writer.writerow([f"MAP-SN-{n}", f"MAP-{n}", "/Students/Annex", "Acer Chromebook 311"])
    log_in(page, "tech", next="/devices/imports/new/")
    check_page(page, "device-import-new-google")
    expect(page.get_by_role("heading", level=1)).to_have_text("Import a Google Admin device list")
    page.get_by_label("File").set_input_files(path)
    page.get_by_role("button", name="Upload and check").click()
    assert run_queued_tasks() == 1

    places = page.get_by_role("region", name="Org units, locations and categories that match")
    expect(places).to_contain_text("Org unit “/Students/Annex” (2 rows)")
    check_page(page, "device-import-unmapped")
    places.get_by_label("Site").select_option(label=site.name)
    places.get_by_role("button", name="Save and check again").click()
    expect(page.get_by_text("Saved for this and later imports.")).to_be_visible()
    assert run_queued_tasks() == 1
    expect(page.get_by_role("button", name="Apply these changes")).to_be_visible()
    expect(page.get_by_role("region", name="Device by device")).to_contain_text(site.name)
    check_page(page, "device-import-mapped")

    page.goto("/devices/imports/mappings/")
    expect(page.get_by_role("row", name=re.compile("Students.Annex"))).to_contain_text(site.name)
    check_page(page, "device-import-saved-mappings")
