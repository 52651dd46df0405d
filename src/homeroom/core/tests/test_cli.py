"""The `homeroom` command line: demo, createadmin, token, and `run` as a real process."""

import contextlib
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client

from homeroom.core import roles
from homeroom.core.models import AuditEvent, Room, Site
from homeroom.people.models import ApiToken, User

STRONG_PASSWORD = "violet harbor 6183 kettle"


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def district() -> dict:
    """What the demo made, without primary keys (they differ between runs)."""
    return {
        "sites": list(
            Site.objects.order_by("code").values_list("code", "name", "address", "phone")
        ),
        "rooms": list(
            Room.objects.order_by("site__code", "number").values_list(
                "site__code", "number", "name", "kind"
            )
        ),
        "users": list(User.objects.order_by("username").values_list("username", "first_name")),
    }


def counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (Site, Room, User, AuditEvent, ApiToken))


def api_me(key: str):
    return Client(headers={"Authorization": f"Bearer {key}"}).get("/api/v1/me")


# --- demo ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_loads_the_district():
    out, _ = run("demo")

    assert "Demo district loaded" in out
    sites = Site.objects.all()
    assert sorted(site.type for site in sites) == [
        "district_office",
        "elementary",
        "high",
        "middle",
    ]
    for site in sites:
        assert site.rooms.exists(), site
    assert Room.objects.filter(kind="library").count() == 3
    accounts = {user.username: user for user in User.objects.all()}
    assert {name: accounts[name].role_names for name in accounts} == {
        "admin": [roles.DISTRICT_ADMIN],
        "tech": [roles.TECHNICIAN],
        "teacher": [roles.TEACHER],
        "librarian": [roles.LIBRARIAN],
        "coordinator": [roles.TEST_COORDINATOR],
        "student": [roles.STUDENT],
    }
    assert accounts["admin"].sees_all_sites
    assert accounts["tech"].sites.count() == 2
    assert not accounts["teacher"].sees_all_sites
    response = Client().post("/accounts/login/", {"username": "tech", "password": "homeroom"})
    assert response.status_code == 302

    # Audit events are marked as coming from the command line, except the roster's, which
    # goes through the importer and says so.
    accounts_made = AuditEvent.objects.filter(
        verb="created", content_type=ContentType.objects.get_for_model(User)
    )
    assert sorted(accounts_made.values_list("object_repr", "interface")) == [
        ("Dana Whitfield", "cli"),
        ("Helen Okafor", "cli"),
        ("Marcus Reyes", "cli"),
        ("Maya Ortiz", "cli"),
        ("Priya Natarajan", "cli"),
        ("Tom Lindqvist", "cli"),
    ]
    assert AuditEvent.objects.filter(verb="updated", interface="cli").exists()
    assert set(AuditEvent.objects.values_list("interface", flat=True)) <= {"cli", "import"}


@pytest.mark.django_db
def test_demo_is_deterministic_for_a_seed():
    with transaction.atomic():
        run("demo", "--seed", "11")
        first = district()
        transaction.set_rollback(True)
    assert not Site.objects.exists()
    with transaction.atomic():
        run("demo", "--seed", "12")
        other_seed = district()
        transaction.set_rollback(True)

    run("demo", "--seed", "11")
    second = district()

    assert first["sites"]
    assert second == first
    assert other_seed["sites"] != first["sites"], "the seed decides addresses and phones"


@pytest.mark.django_db
def test_demo_scale_two_has_seven_sites():
    run("demo", "--scale", "2")

    assert Site.objects.count() == 7
    assert Site.objects.filter(type="district_office").count() == 1
    assert len(set(Site.objects.values_list("name", flat=True))) == 7


@pytest.mark.django_db
def test_demo_refuses_a_database_with_data():
    run("demo")
    before = counts()

    with pytest.raises(CommandError, match="already has data"):
        run("demo")

    assert counts() == before


@pytest.mark.django_db
def test_demo_refuses_scale_zero():
    with pytest.raises(CommandError):
        run("demo", "--scale", "0")

    assert not Site.objects.exists()


# --- createadmin --------------------------------------------------------------------------


@pytest.mark.django_db
def test_createadmin_makes_a_district_admin():
    out, _ = run("createadmin", "dana", "--password", STRONG_PASSWORD, "--email", "d@example.org")

    assert "Created district admin dana" in out
    admin = User.objects.get(username="dana")
    assert admin.is_superuser
    assert admin.is_staff
    assert admin.role_names == [roles.DISTRICT_ADMIN]
    assert admin.email == "d@example.org"
    event = AuditEvent.objects.get(verb="created", object_id=admin.pk)
    assert event.interface == "cli"
    client = Client()
    response = client.post("/accounts/login/", {"username": "dana", "password": STRONG_PASSWORD})
    assert response.status_code == 302
    assert client.get("/users/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["password", "48213907", "Xq7!p", "dana.whitfield@example.org"])
def test_createadmin_rejects_a_weak_password(weak):
    with pytest.raises(CommandError):
        run("createadmin", "dana", "--password", weak, "--email", "dana.whitfield@example.org")

    assert not User.objects.filter(username="dana").exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_createadmin_rejects_a_taken_name():
    run("createadmin", "dana", "--password", STRONG_PASSWORD)
    before = counts()

    with pytest.raises(CommandError, match="already exists"):
        run("createadmin", "dana", "--password", "another " + STRONG_PASSWORD)

    assert counts() == before
    assert User.objects.get(username="dana").check_password(STRONG_PASSWORD)


# --- token --------------------------------------------------------------------------------


def test_token_create_list_and_revoke(users):
    out, err = run("token", "create", "teacher", "--name", "Nightly sync")
    key = out.strip()

    assert re.fullmatch(r"hr_\S+", key)
    assert "not shown again" in err
    response = api_me(key)
    assert response.status_code == 200
    assert response.json()["username"] == "teacher"

    token = ApiToken.objects.get(user__username="teacher")
    listing, _ = run("token", "list", "teacher")
    assert listing.splitlines() == [f"{token.pk}\t{key[:8]}…\tactive\tNightly sync"]
    assert key not in listing

    out, _ = run("token", "revoke", str(token.pk))
    assert f"Revoked token {token.pk}" in out
    assert api_me(key).status_code == 401
    listing, _ = run("token", "list", "teacher")
    assert "\trevoked\t" in listing

    events = AuditEvent.objects.filter(verb__in=["token_created", "token_revoked"])
    assert sorted(events.values_list("verb", "interface")) == [
        ("token_created", "cli"),
        ("token_revoked", "cli"),
    ]


def test_token_list_shows_only_that_users_tokens(users):
    run("token", "create", "teacher")
    run("token", "create", "librarian")

    listing, _ = run("token", "list", "librarian")

    assert len(listing.splitlines()) == 1
    assert listing.endswith("Command line\n")
    assert ApiToken.objects.count() == 2


@pytest.mark.parametrize("action", ["create", "list"])
def test_token_for_an_unknown_user_fails(users, action):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("token", action, "nobody")

    assert not ApiToken.objects.exists()


def test_token_revoke_unknown_id_fails(users):
    with pytest.raises(CommandError, match="No token with id 999999"):
        run("token", "revoke", "999999")


def test_token_create_refuses_a_turned_off_account(users):
    teacher = users[roles.TEACHER]
    teacher.is_active = False
    teacher.save()

    with pytest.raises(CommandError):
        run("token", "create", "teacher")

    assert not ApiToken.objects.exists()


# --- homeroom run -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, read from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        children = {child for child, ppid in parents.items() if ppid == parent}
        found |= children
        todo += children
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def get(opener, url: str, data: dict | None = None):
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        return opener.open(url, data=body, timeout=5)
    except urllib.error.HTTPError as error:
        return error


@contextlib.contextmanager
def homeroom_run(tmp_path, *options):
    """Start `homeroom run` on a free port with a fresh SQLite data dir (whatever database
    the suite uses) and wait until it answers. Always leaves no process behind."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(HOMEROOM_DATA_DIR=str(tmp_path), HOMEROOM_SECRET_KEY="run-test-secret")
    log_path = tmp_path / "run.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "homeroom.cli", "run", "--port", str(port), *options],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # Migrating a new database and loading the whole demo district comes first: a
        # minute alone, more beside the suite's other worker.
        deadline = time.monotonic() + 240
        while True:
            assert process.poll() is None, log_path.read_text()
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"{base}/healthz", timeout=5).status == 200:
                    break
            assert time.monotonic() < deadline, "no answer on /healthz within 240 s"
            time.sleep(0.25)
        yield process, base, port
    finally:
        if process.poll() is None:
            process.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the whole session: children too
        process.wait(timeout=5)


def stop_and_check_nothing_is_left(process, port: int, send_ctrl_c) -> None:
    children = descendants(process.pid)
    assert len(children) >= 3, "gunicorn, its workers and the task worker"

    send_ctrl_c()

    assert process.wait(timeout=15) == 0
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)], "a child outlived `homeroom run`"
    assert not port_open(port)


@pytest.mark.own_clock
def test_run_serves_the_demo_and_stops_on_sigint(tmp_path):
    with homeroom_run(tmp_path) as (process, base, port):
        assert (tmp_path / "homeroom.sqlite3").exists()
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        login = get(opener, f"{base}/accounts/login/")
        assert login.status == 200
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.read().decode())
        signed_in = get(
            opener,
            f"{base}/accounts/login/",
            {"csrfmiddlewaretoken": csrf.group(1), "username": "admin", "password": "homeroom"},
        )
        assert signed_in.status == 200
        assert signed_in.url == f"{base}/", "the demo admin signs in and lands on Today"
        assert "Dana Whitfield" in signed_in.read().decode()

        # SIGINT to `homeroom run` alone: it must stop its children itself.
        stop_and_check_nothing_is_left(process, port, lambda: process.send_signal(signal.SIGINT))


@pytest.mark.own_clock
def test_run_stops_on_a_terminals_ctrl_c(tmp_path):
    """A terminal's Ctrl-C sends SIGINT to every process of the group at once; they stop
    quietly, with no traceback from any of them."""
    with homeroom_run(tmp_path, "--no-demo") as (process, _, port):
        stop_and_check_nothing_is_left(process, port, lambda: os.killpg(process.pid, signal.SIGINT))

    log = (tmp_path / "run.log").read_text()
    assert "Stopping Homeroom" in log
    assert "Traceback" not in log, log


@pytest.mark.own_clock
def test_run_serves_others_while_clients_sit_idle(tmp_path):
    """Clients that connect and send nothing (or send slowly) must not hold up everyone
    else until they time out."""
    with homeroom_run(tmp_path, "--no-demo", "--workers", "2") as (process, base, port):
        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
        try:
            time.sleep(0.5)  # long enough for the workers to take the idle connections
            started = time.monotonic()
            answer = urllib.request.urlopen(f"{base}/healthz", timeout=10)
            assert answer.status == 200
            assert time.monotonic() - started < 2, "a request waited behind idle clients"
        finally:
            for sock in idle:
                sock.close()
        stop_and_check_nothing_is_left(process, port, lambda: process.send_signal(signal.SIGINT))
