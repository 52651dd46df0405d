"""A librarian imports a MARC file (the jazz collection, with Evergreen's 949 holdings),
follows the progress bar to the preview, applies it, and prints spine labels for the copies
it added: the PDF opens and has them."""

import io
import math
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from homeroom.core.models import ImportRun
from homeroom.core.testing import run_queued_tasks
from homeroom.library.models import Copy, Library
from homeroom.people.models import User

from .conftest import check_page, log_in

pytestmark = pytest.mark.browser
FETCH_FORM = """async () => {
  const form = document.querySelector("main form.form");
  const response = await fetch(form.action, {method: "POST", body: new FormData(form)});
  const bytes = new Uint8Array(await response.arrayBuffer());
  return {type: response.headers.get("content-type"), bytes: Array.from(bytes)};
}"""

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples" / "marc"


def test_import_a_marc_file_and_print_its_spine_labels(page, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    site = User.objects.get(username="librarian").sites.order_by("pk").first()
    library = Library.objects.get(site=site)
    before = Copy.objects.count()

    log_in(page, "librarian", next="/imports/marc/new/")
    check_page(page, "marc-import-new")
    page.locator("#id_file").set_input_files(SAMPLES / "jazz_1k.mrc")
    page.locator("#id_site").select_option(site.code)
    page.get_by_role("button", name="Upload and check").click()

    progress = page.locator("#import-progress progress")
    expect(progress).to_be_visible()
    check_page(page, "marc-import-waiting")
    # The librarian looks at the import list while the worker runs (on SQLite, the run page's
    # polling would meet the long write's table lock) and comes back to the run's page.
    run_page = page.url
    page.goto("/imports/")
    check_page(page, "imports-while-checking")
    assert run_queued_tasks() >= 1
    page.goto(run_page)
    apply = page.get_by_role("button", name="Apply these changes")
    expect(apply).to_be_visible()
    expect(progress).to_have_attribute("value", "100")
    check_page(page, "marc-import-checked")
    assert Copy.objects.count() == before

    apply.click()
    expect(page.locator("#import-progress progress")).to_be_visible()
    page.goto("/imports/")
    check_page(page, "imports-while-applying")
    assert run_queued_tasks() >= 1
    page.goto(run_page)
    expect(page.get_by_role("heading", name=re.compile("Status"))).to_contain_text("Applied")
    check_page(page, "marc-import-applied")
    assert ImportRun.objects.get(kind="marc", file_name="jazz_1k.mrc").status == "applied"
    added = Copy.objects.count() - before
    assert added == 1238

    page.goto("/library/labels/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Print labels")
    check_page(page, "library-labels")
    page.locator("#id_kind").select_option("spine")
    page.locator("#id_sheet").select_option("avery-5160")
    page.locator("#id_library").select_option(str(library.pk))
    page.locator("#id_since").fill(timezone.localdate().isoformat())
    form_page = page.url
    with page.expect_response(
        lambda response: "/library/labels/" in response.url and response.request.method == "POST"
    ) as printed:
        page.get_by_role("button", name="Print labels").click()
    assert printed.value.headers["content-type"] == "application/pdf"  # the browser opens it
    # The browser's PDF viewer keeps the bytes to itself: the same form, sent again by the
    # page's own fetch, hands them to the test.
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Print labels")
    assert page.url == form_page
    sent = page.evaluate(FETCH_FORM)
    assert sent["type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(bytes(sent["bytes"])))
    assert len(reader.pages) == math.ceil(added / 30)
    text = "\n".join(pdf_page.extract_text() for pdf_page in reader.pages)
    lines = [line.strip() for line in text.split("\n")]
    # Friendly fire, catalogued under 5490 at the library the file came from.
    assert "5490" in lines
    assert "Friendly fire" in text
