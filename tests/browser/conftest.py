"""Playwright fixtures: one Debian Chromium per session, a fresh context per test, the demo
district in the database, and `check_page` to run axe-core and take screenshots."""

import email
import email.policy
import os
import shutil
import socket
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# (fixtures, assertions) would otherwise trip its async-safety check.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from axe_playwright_python.sync_playwright import Axe
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.test import override_settings
from playwright.sync_api import Page, expect, sync_playwright

from homeroom.core.demo import DEMO_PASSWORD, generate

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
README_SCREENSHOTS = ROOT / "docs" / "screenshots"
README_PAGES = {"dashboard"}
BLOCKING_IMPACTS = {"serious", "critical"}
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as the root conftest

_axe = Axe()
CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[CALL_FAILED] = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def viewport():
    """The window size a test starts with; a test overrides this fixture to start on a phone."""
    return DESKTOP


@pytest.fixture
def page(request, browser, live_server, viewport):
    """A page in a fresh browser context (no cookies) whose relative URLs go to the live
    server. At the end of the test every page it navigated to must have had `check_page`."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport,
        locale="en-US",
        timezone_id="America/Chicago",
        reduced_motion="reduce",
    )
    context.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)
    page = context.new_page()
    page.visited = []
    page.checked = set()

    def record_navigation(frame):
        # htmx may re-state the URL a page was loaded at; that is the same page, not a new one.
        if frame is page.main_frame and page.visited[-1:] != [frame.url]:
            page.visited.append(frame.url)

    page.on("framenavigated", record_navigation)
    errors = []
    page.on("pageerror", lambda error: errors.append(f"JavaScript error: {error}"))
    # Every page must work under the Content-Security-Policy: a refused script or style
    # shows up here as a console error.
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and errors.append(f"{page.url}: {message.text}")
        ),
    )
    page.on(
        "requestfailed",
        lambda request: (
            # Leaving a page cancels what it was still loading; that is no error.
            request.failure != "net::ERR_ABORTED"
            and errors.append(f"{request.url} failed: {request.failure}")
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and errors.append(f"{response.url} answered {response.status}")
        ),
    )
    yield page
    context.close()
    assert not errors, "\n".join(errors)
    if request.node.stash.get(CALL_FAILED, False):
        return  # the test stopped early; its own failure says why
    unchecked = [url for n, url in enumerate(page.visited) if n not in page.checked]
    assert not unchecked, f"pages visited without check_page(): {unchecked}"


@pytest.fixture(scope="session")
def demo_rows(django_db_setup, django_db_blocker):
    """The demo district, generated once per session and kept as rows ready to insert; the
    generation is rolled back, so the database stays empty for the rest of the test run.
    Generating takes seconds (it imports a whole OneRoster export); copying the rows back
    takes a fraction of one."""
    connection = connections[DEFAULT_DB_ALIAS]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        generate(scale=1, seed=2026, report=lambda line: None)
        tables = []
        for model in apps.get_models(include_auto_created=True):
            opts = model._meta
            if opts.proxy or opts.swapped or not opts.managed:
                continue
            fields = opts.concrete_fields
            rows = [
                tuple(
                    field.get_db_prep_save(getattr(obj, field.attname), connection)
                    for field in fields
                )
                for obj in model._base_manager.order_by("pk")
            ]
            if rows:
                tables.append((model, rows))
        transaction.set_rollback(True)
    ContentType.objects.clear_cache()  # it may hold content types that were rolled back
    return tables


@pytest.fixture
def demo(transactional_db, demo_rows):
    """The demo district (schools, rooms, a roster, one account per role) in the live
    server's database: every table emptied, then the session's demo rows put back as they
    were, keys and timestamps included."""
    connection = connections[DEFAULT_DB_ALIAS]
    tables = connection.introspection.django_table_names(only_existing=True)
    models = [model for model, _ in demo_rows]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=True):
            cursor.execute(sql)
        for model, rows in demo_rows:
            _insert_rows(connection, cursor, model, rows)
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    ContentType.objects.clear_cache()


def _insert_rows(connection, cursor, model, rows) -> None:
    """Put rows of prepared values back into the model's table: COPY on PostgreSQL (several
    times faster than INSERT there), one executemany INSERT elsewhere."""
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        values = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({values})", rows)


def check_page(page: Page, name: str) -> None:
    """Fail on serious or critical axe-core violations on the page as it is now, and save
    full-page screenshots at desktop and phone width to var/screenshots/<name>-*.png."""
    page.wait_for_load_state("load")
    page.checked.add(len(page.visited) - 1)
    results = _axe.run(page)
    blocking = [
        violation
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]
    if blocking:
        lines = [f"axe-core found serious or critical problems on {name} ({page.url}):"]
        for violation in blocking:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']}")
            for node in violation["nodes"][:5]:
                lines.append(f"    {', '.join(map(str, node['target']))}")
                summary = node.get("failureSummary", "").replace("\n", " ")
                if summary:
                    lines.append(f"      {summary}")
        pytest.fail("\n".join(lines))
    _screenshots(page, name)


def _screenshots(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size
    shots = {}
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        if page.viewport_size != size:
            page.set_viewport_size(size)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=path, full_page=True, animations="disabled", caret="initial")
        shots[label] = path
    if page.viewport_size != original:
        page.set_viewport_size(original)
    if name in README_PAGES and os.environ.get("HOMEROOM_README_SCREENSHOTS") == "1":
        README_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for label, path in shots.items():
            shutil.copyfile(path, README_SCREENSHOTS / f"{name}-{label}.png")


def log_in(page: Page, username: str, password: str = DEMO_PASSWORD, *, next: str = "/") -> None:
    """Sign in through the real login form (checking the login page on the way), landing on
    `next`; the test checks the page it lands on."""
    page.goto(f"/accounts/login/?next={next}")
    check_page(page, "login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Sign in")).to_have_count(0)


class _Mailbox:
    """What a real SMTP server received: each message parsed, with its envelope."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [message for rcpt, message in self.messages if address in rcpt]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on a free local port; Homeroom's mail goes to it through
    Django's SMTP backend. Yields the mailbox."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield mailbox
    finally:
        controller.stop()
