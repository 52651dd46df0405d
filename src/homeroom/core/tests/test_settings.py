"""Settings that matter in production: SQLite's locking, the secret key file, the hasher.

The SQLite tests open their own connections to a temporary file with the project's
configured OPTIONS, so they run (and assert) whether the suite itself is on SQLite or on
PostgreSQL.
"""

import copy
import importlib.util
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time

import pytest
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.utils import ConnectionHandler
from django.test import override_settings

import homeroom.settings

PROBE = "sqlite-probe"
HOLD = 0.5  # seconds the first writer keeps its transaction open


def sqlite_options(tmp_path, monkeypatch) -> dict:
    """The OPTIONS the project opens SQLite with: the live ones when the suite runs on
    SQLite, else those `homeroom.settings` builds when no DATABASE_URL is set."""
    live = settings.DATABASES["default"]
    if live["ENGINE"] == "django.db.backends.sqlite3":
        return copy.deepcopy(live["OPTIONS"])
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("HOMEROOM_DATA_DIR", str(tmp_path / "data"))
    spec = importlib.util.spec_from_file_location("settings_on_sqlite", homeroom.settings.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    config = module.DATABASES["default"]
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    return copy.deepcopy(config["OPTIONS"])


@pytest.fixture
def sqlite_file(tmp_path, monkeypatch, django_db_blocker):
    """Connections (one per thread) to a fresh SQLite file opened like the project's, and
    `transaction.atomic(using=PROBE)` working on them just as on the real database."""
    options = sqlite_options(tmp_path, monkeypatch)
    path = tmp_path / "probe.sqlite3"
    handler = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": path, "OPTIONS": options}}
    )
    real_get_connection = transaction.get_connection

    def get_connection(using=None):
        return handler["default"] if using == PROBE else real_get_connection(using)

    monkeypatch.setattr(transaction, "get_connection", get_connection)
    with django_db_blocker.unblock():
        with handler["default"].cursor() as cursor:
            cursor.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, who TEXT, seen INTEGER)")
        yield path, handler
        handler.close_all()


def test_sqlite_runs_in_wal_mode(sqlite_file):
    _, handler = sqlite_file

    with handler["default"].cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = cursor.fetchone()[0]
        cursor.execute("PRAGMA foreign_keys")
        foreign_keys = cursor.fetchone()[0]

    assert journal_mode == "wal"
    assert foreign_keys == 1


def test_sqlite_transactions_take_the_write_lock_at_begin(sqlite_file):
    """IMMEDIATE: a transaction holds the write lock from its first statement, so a second
    writer cannot start one meanwhile (a DEFERRED begin would take no lock at all)."""
    path, _ = sqlite_file
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with (
            transaction.atomic(using=PROBE),
            pytest.raises(sqlite3.OperationalError, match="locked"),
        ):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once the transaction ends
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_concurrent_writers_wait_instead_of_failing(sqlite_file):
    """Two threads, each with its own connection, read then write in a transaction. The
    second waits for the first rather than failing with "database is locked"."""
    path, handler = sqlite_file
    first_inside = threading.Event()
    errors, waited = [], {}

    def write(who: str) -> None:
        try:
            if who == "second":
                first_inside.wait(timeout=10)
            began = time.monotonic()
            with transaction.atomic(using=PROBE):
                waited[who] = time.monotonic() - began
                with handler["default"].cursor() as cursor:
                    cursor.execute("SELECT COUNT(*) FROM note")
                    seen = cursor.fetchone()[0]
                    if who == "first":
                        first_inside.set()
                        time.sleep(HOLD)
                    cursor.execute("INSERT INTO note (who, seen) VALUES (%s, %s)", [who, seen])
        except Exception as error:
            errors.append(error)
        finally:
            handler["default"].close()

    threads = [threading.Thread(target=write, args=(who,)) for who in ("first", "second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    with sqlite3.connect(path) as check:
        rows = check.execute("SELECT who, seen FROM note ORDER BY id").fetchall()
    assert rows == [("first", 0), ("second", 1)]
    assert waited["second"] >= HOLD * 0.8, "the second writer waited for the first"


def print_secret_key(data_dir, **env) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"HOMEROOM_SECRET_KEY", "HOMEROOM_DATA_DIR"}
    }
    environment.update(HOMEROOM_DATA_DIR=str(data_dir), **env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; import homeroom.settings as s; print(s.SECRET_KEY)",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_secret_key_is_made_once_and_kept_private(tmp_path):
    key_file = tmp_path / "secret_key"

    first = print_secret_key(tmp_path).stdout.strip()

    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert key_file.read_text().strip() == first
    assert print_secret_key(tmp_path).stdout.strip() == first
    other_install = print_secret_key(tmp_path / "other").stdout.strip()
    assert other_install != first


def test_secret_key_from_the_environment_wins(tmp_path):
    printed = print_secret_key(tmp_path, HOMEROOM_SECRET_KEY="from-the-environment").stdout

    assert printed.strip() == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_passwords_are_hashed_with_argon2():
    hashers = homeroom.settings.PASSWORD_HASHERS

    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=hashers):
        encoded = make_password("correct horse battery staple")
        assert encoded.startswith("argon2$argon2id$")
        assert check_password("correct horse battery staple", encoded)
        assert not check_password("wrong", encoded)
