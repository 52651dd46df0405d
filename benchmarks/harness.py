"""Shared plumbing for the benchmarks.

Django's settings are fixed per process, so every data set is built by `homeroom migrate` and
`homeroom demo` in a fresh data dir (and, on PostgreSQL, a fresh database), and measurements
run in a subprocess pointed at it. Progress goes to stderr; stdout carries JSON only.
"""

import contextlib
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/homeroom_bench"
SEED = 2026
ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def postgres_url(tag: str) -> str:
    """A dedicated bench database on DATABASE_URL's server (default: a local one). It is
    dropped and re-created for each data set, so its name always gets a suffix and is never
    the database DATABASE_URL names: homeroom -> homeroom_bench_<tag>."""
    parts = urlsplit(os.environ.get("DATABASE_URL") or DEFAULT_POSTGRES_URL)
    name = parts.path.lstrip("/") or "homeroom"
    name += f"_{tag}" if name.endswith("_bench") else f"_bench_{tag}"
    return parts._replace(path=f"/{name}").geturl()


def _on_server(url: str, statement: str | None = None) -> str:
    """Run a statement about the database `url` names, from the server's maintenance
    database; return the server's version."""
    import psycopg
    from psycopg import sql
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(make_conninfo(url, dbname="postgres"), autocommit=True) as conn:
        if statement:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))
        return conn.execute("SHOW server_version").fetchone()[0]


def database_version(database: str) -> str:
    if database == "postgres":
        return f"PostgreSQL {_on_server(postgres_url('probe'))}"
    return f"SQLite {sqlite3.sqlite_version}"


def commit() -> str | None:
    """The checkout measured: `git describe --always --dirty`, if this is a git checkout."""
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True
    )
    return done.stdout.strip() or None


def machine(databases: list[str]) -> dict:
    return {
        "commit": commit(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "django": version("django"),
        "databases": {database: database_version(database) for database in databases},
    }


def _homeroom(env: dict, *args: str) -> float:
    """Run a `homeroom` management command; return its wall time in seconds."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "homeroom.cli", *args], env=env, capture_output=True, text=True
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise RuntimeError(f"`homeroom {' '.join(args)}` failed")
    return time.perf_counter() - started


@contextlib.contextmanager
def dataset(scale: int, database: str, tag: str):
    """Yield (env, build): the environment of a fresh data set holding the demo district at
    `scale`, and how long building it took. Everything is removed afterwards. Data sets
    alive at the same time need different tags."""
    with tempfile.TemporaryDirectory(prefix="homeroom-bench-") as data_dir:
        env = {**os.environ, "HOMEROOM_DATA_DIR": data_dir, "HOMEROOM_DEBUG": "0"}
        env.pop("DATABASE_URL", None)
        if database == "postgres":
            env["DATABASE_URL"] = postgres_url(tag)
            _on_server(env["DATABASE_URL"], "DROP DATABASE IF EXISTS {} WITH (FORCE)")
            _on_server(env["DATABASE_URL"], "CREATE DATABASE {}")
        try:
            log(f"building the demo district on {database}, scale {scale}")
            migrate = _homeroom(env, "migrate", "--verbosity", "0")
            demo = _homeroom(env, "demo", "--scale", str(scale), "--seed", str(SEED))
            if database == "postgres":
                analyze(env["DATABASE_URL"])
            yield env, {"migrate_s": round(migrate, 2), "demo_s": round(demo, 2)}
        finally:
            if database == "postgres":
                _on_server(env["DATABASE_URL"], "DROP DATABASE IF EXISTS {} WITH (FORCE)")


def analyze(url: str) -> None:
    """Give PostgreSQL's planner statistics of the fresh data, as a district in use has,
    instead of leaving it to whenever autovacuum runs during the measurements."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def measure(script: str, env: dict) -> dict:
    """Run `script --measure` against a data set and return the JSON it prints."""
    return subprocess_json(script, env, "--measure")


def subprocess_json(script: str, env: dict, *args: str) -> dict:
    """Run `script ARGS…` with a data set's environment and return the JSON it prints."""
    done = subprocess.run(
        [sys.executable, script, *args], env=env, stdout=subprocess.PIPE, text=True
    )
    if done.returncode:
        raise RuntimeError(f"{script} {' '.join(args)} failed (exit {done.returncode})")
    return json.loads(done.stdout)


def time_pages(plan: list, *, warmup: int, requests: int) -> dict:
    """For each (key, client, URL) of `plan`: the queries and bytes of one request, then,
    after `warmup` untimed requests, the seconds of `requests` timed ones, taken page after
    page so that no page runs on a cache the one before it warmed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    pages = {}
    for key, client, url in plan:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{key}: {url} answered {response.status_code}")
        pages[key] = {"queries": len(captured), "bytes": len(response.content), "samples": []}
        for _ in range(warmup):
            client.get(url)
    for key, client, url in plan:
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url)
            pages[key]["samples"].append(time.perf_counter() - started)
    return pages


def pages_demo_and_large(script: str, scale: int, database: str, rounds: int) -> tuple:
    """Build the demo and a `scale` data set, measure `script` on them in alternating rounds
    (so that load from elsewhere on the machine falls on both alike) and return the data
    sets and, per data set, each page's queries, bytes and samples of every round."""
    name_of_script = Path(script).stem
    scales = {"demo": 1, "large": scale}
    datasets, measured = {}, {name: {} for name in scales}
    with contextlib.ExitStack() as stack:
        envs = {}
        for name, size in scales.items():
            envs[name], build = stack.enter_context(dataset(size, database, name))
            datasets[name] = {"scale": size, "build": build}
        for number in range(1, rounds + 1):
            for name, env in envs.items():
                log(f"{name_of_script}: {database}, {name} data set, round {number}/{rounds}")
                result = measure(script, env)
                datasets[name]["rows"] = result["rows"]
                for key, page in result["pages"].items():
                    seen = measured[name].setdefault(key, {**page, "samples": []})
                    seen["samples"] += page["samples"]
    return datasets, measured


def page_summary(page: dict) -> dict:
    return {**timing(page["samples"]), "queries": page["queries"], "bytes": page["bytes"]}


def setup_django() -> None:
    """Configure Django in a measuring subprocess, for the test Client."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeroom.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def timing(seconds: list[float]) -> dict:
    """p50, p95, mean and min of samples, in milliseconds."""
    ms = [sample * 1000 for sample in seconds]
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "p50_ms": round(cuts[49], 2),
        "p95_ms": round(cuts[94], 2),
        "mean_ms": round(statistics.fmean(ms), 2),
        "min_ms": round(min(ms), 2),
    }


def timed_command(env: dict, folder: Path, *args: str) -> dict:
    """Run `homeroom ARGS` that prints JSON; its wall time, the peak resident memory of that
    process, and the counts it printed."""
    out, err = folder / "command.json", folder / "command.log"
    started = time.perf_counter()
    with open(out, "w") as stdout, open(err, "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "homeroom.cli", *args], env=env, stdout=stdout, stderr=stderr
        )
        _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        sys.stderr.write(err.read_text())
        raise RuntimeError(f"`homeroom {' '.join(args)}` failed")
    result = json.loads(out.read_text())
    return {
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "counts": {key: value for key, value in result.items() if isinstance(value, dict)},
    }


@contextlib.contextmanager
def empty_database(database: str, folder: Path, tag: str):
    """The environment of a migrated, empty Homeroom."""
    env = {**os.environ, "HOMEROOM_DATA_DIR": str(folder / f"data-{tag}"), "HOMEROOM_DEBUG": "0"}
    env.pop("DATABASE_URL", None)
    if database == "postgres":
        env["DATABASE_URL"] = postgres_url(tag)
        _on_server(env["DATABASE_URL"], "DROP DATABASE IF EXISTS {} WITH (FORCE)")
        _on_server(env["DATABASE_URL"], "CREATE DATABASE {}")
    try:
        _homeroom(env, "migrate", "--verbosity", "0")
        yield env
    finally:
        if database == "postgres":
            _on_server(env["DATABASE_URL"], "DROP DATABASE IF EXISTS {} WITH (FORCE)")
