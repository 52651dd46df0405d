"""Server-side time of the main pages and API calls, at demo scale and at a large scale.

`run()` builds both data sets and measures each in a subprocess (`bench_pages.py --measure`),
which requests every page through Django's test Client as a signed-in account.
"""

import json
import sys
import time

import harness

WARMUP = 3
ROUNDS = 3  # the timed requests of a page are spread over rounds, so a burst of load
REQUESTS_PER_ROUND = 10  # elsewhere on the machine does not fall on one page only
LIMIT = 2.0  # the project rule: pages stay within 2x of their demo-scale time


def requests(site: int, room: int) -> list[tuple[str, str, str]]:
    """(account, label, URL) of every request measured; labels do not depend on the data."""
    return [
        ("admin", "/", "/"),
        ("admin", "/sites/", "/sites/"),
        ("admin", "/sites/<pk>/", f"/sites/{site}/"),
        ("admin", "/rooms/", "/rooms/"),
        ("admin", "/rooms/?site=<pk>", f"/rooms/?site={site}"),
        ("admin", "/rooms/?kind=lab", "/rooms/?kind=lab"),
        ("admin", "/rooms/?q=lab", "/rooms/?q=lab"),
        ("admin", "/rooms/<pk>/", f"/rooms/{room}/"),
        ("admin", "/activity/", "/activity/"),
        ("admin", "/search/?q=lab", "/search/?q=lab"),
        ("admin", "/users/", "/users/"),
        ("admin", "/api/v1/rooms", "/api/v1/rooms"),
        ("admin", "/api/v1/sites", "/api/v1/sites"),
        ("tech", "/rooms/", "/rooms/"),
    ]


def measure() -> dict:
    """Time every request against the data set this process is configured for."""
    harness.setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from homeroom.core.models import AuditEvent, Room, Site
    from homeroom.people.models import User

    site = Site.objects.order_by("pk")[1]  # the first school; the same one at every scale
    room = site.rooms.order_by("number").first()
    clients = {}
    for username in ("admin", "tech"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))

    plan = [
        (f"{account} {label}", clients[account], url)
        for account, label, url in requests(site.pk, room.pk)
    ]
    queries, samples = {}, {key: [] for key, _, _ in plan}
    for key, client, url in plan:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{key}: {url} answered {response.status_code}")
        queries[key] = len(captured)
        for _ in range(WARMUP):
            client.get(url)
    for _ in range(ROUNDS):
        for key, client, url in plan:
            for _ in range(REQUESTS_PER_ROUND):
                started = time.perf_counter()
                client.get(url)
                samples[key].append(time.perf_counter() - started)
    return {
        "rows": {
            "sites": Site.objects.count(),
            "rooms": Room.objects.count(),
            "users": User.objects.count(),
            "audit_events": AuditEvent.objects.count(),
        },
        "pages": {
            key: {**harness.timing(samples[key]), "queries": queries[key]} for key in samples
        },
    }


def run(scale: int, database: str = "sqlite") -> dict:
    datasets, pages = {}, {}
    for name, size in (("demo", 1), ("large", scale)):
        with harness.dataset(size, database) as (env, build):
            harness.log(f"bench_pages: measuring {database}, scale {size}")
            result = harness.measure(__file__, env)
        datasets[name] = {"scale": size, "build": build, "rows": result["rows"]}
        pages[name] = result["pages"]
    compared = {
        key: {
            "demo": demo,
            "large": pages["large"][key],
            "ratio": round(pages["large"][key]["p50_ms"] / demo["p50_ms"], 2),
        }
        for key, demo in pages["demo"].items()
    }
    return {
        "datasets": datasets,
        "pages": compared,
        "over_limit": [key for key, page in compared.items() if page["ratio"] > LIMIT],
    }


if __name__ == "__main__":
    if sys.argv[1:] != ["--measure"]:
        sys.exit("usage: bench_pages.py --measure  (run the benchmarks with benchmarks/run.py)")
    print(json.dumps(measure()))
