"""Pytest fixtures and helpers shared by every module's tests."""

import datetime
import os
from contextlib import contextmanager
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from homeroom.core import roles
from homeroom.core.models import DistrictSettings, Room, Site
from homeroom.people import services as people_services

PASSWORD = "correct horse battery staple"
# HOMEROOM_TEST_TODAY=2026-12-05 runs the whole session, live servers included, on that date
# from 10 am in the district's zone, the clock ticking: the suite must hold on any day.
TEST_TODAY = "HOMEROOM_TEST_TODAY"
SESSION_TIME = datetime.time(10)


def pytest_configure(config):
    value = os.environ.get(TEST_TODAY)
    if not value:
        return
    try:
        today = datetime.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{TEST_TODAY}={value}: not a date like 2026-12-05.") from None
    zone = ZoneInfo(settings.TIME_ZONE)
    traveller = time_machine.travel(datetime.datetime.combine(today, SESSION_TIME, zone))
    traveller.start()
    config.add_cleanup(traveller.stop)


def pytest_report_header(config):
    if os.environ.get(TEST_TODAY):
        return f"clock: {TEST_TODAY}={os.environ[TEST_TODAY]}, from {SESSION_TIME:%H:%M} local"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Argon2 is the real hasher (see test_settings); tests hash with MD5 to stay quick."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def sites(db):
    """Two schools with a few rooms each; `sites[0]` is where limited accounts work."""
    north = Site.objects.create(name="North Elementary", code="NES", type="elementary")
    south = Site.objects.create(name="South High", code="SHS", type="high")
    for site in (north, south):
        for number in ("101", "102", "LIB"):
            Room.objects.create(
                site=site, number=number, kind="library" if number == "LIB" else "classroom"
            )
    return [north, south]


@pytest.fixture
def make_user(db):
    def make(username: str, role: str, *, sites=(), **fields):
        return people_services.user_create(
            actor=None, username=username, role=role, password=PASSWORD, sites=sites, **fields
        )

    return make


@pytest.fixture
def users(sites, make_user):
    """One account per role. All but the district admin are limited to `sites[0]`."""
    accounts = {}
    for role in roles.ROLES:
        username = role.lower().replace(" ", "_")
        limited = [] if role == roles.DISTRICT_ADMIN else [sites[0]]
        accounts[role] = make_user(username, role, sites=limited, email=f"{username}@example.org")
    return accounts


@pytest.fixture
def client_as():
    def login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def api_client_as():
    """A client that authenticates every request with a fresh personal token of `user`
    (for a student, the district allows student tokens first)."""

    def make(user) -> Client:
        if roles.STUDENT in user.role_names:
            DistrictSettings.objects.update_or_create(pk=1, defaults={"student_api_tokens": True})
        _, key = people_services.token_create(actor=None, user=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {key}"})

    return make


@contextmanager
def pinned_queries(expected: int):
    """Fail unless the block runs exactly `expected` SQL queries (listing them if not)."""
    with CaptureQueriesContext(connection) as captured:
        yield captured
    count = len(captured.captured_queries)
    if count != expected:
        listing = "\n".join(f"{n}. {q['sql']}" for n, q in enumerate(captured, start=1))
        pytest.fail(f"expected {expected} queries, ran {count}:\n{listing}")


def run_queued_tasks() -> int:
    """Run the background tasks queued so far, as `homeroom db_worker` would, in this
    process and on this database connection (the worker command would close the test's
    connection between tasks). Returns how many ran; tasks they queue run too."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        worker.run_task(result)
        ran += 1
    return ran


@dataclass
class WalkSamples:
    """What one app gives the authorization walk (tests/test_authorization.py): values for
    URL parameters by qualified URL name ("devices:device_detail") and by parameter name
    ("device_id"), and a valid body per API operation (by view function name). A callable
    value is called for each URL or body, for samples that must be new each time (an object
    an operation deletes, a name that must be unique)."""

    by_url_name: dict = field(default_factory=dict)
    by_key: dict = field(default_factory=dict)
    bodies: dict = field(default_factory=dict)
