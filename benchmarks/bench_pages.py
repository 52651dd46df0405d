"""Server-side time of the main pages and API calls, at demo scale and at a large scale.

`run()` builds both data sets, then measures them in alternating rounds, each round a
subprocess (`bench_pages.py --measure`) that requests every page through Django's test Client
as a signed-in account.
"""

import json
import sys

import harness

WARMUP = 3  # untimed requests per page and round, after the one that counts queries
REQUESTS = 10  # timed requests per page and round
ROUNDS = 5  # rounds alternate between the data sets, so that load from elsewhere on the
# machine falls on both alike
LIMIT = 2.0  # the project rule: pages stay within 2x of their demo-scale time


def requests(site: int, room: int, person: int, school_class: int) -> list[tuple[str, str, str]]:
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
        ("admin", "/people/", "/people/"),
        ("admin", "/people/?kind=student&grade=05", "/people/?kind=student&grade=05"),
        ("admin", "/people/?q=ortiz", "/people/?q=ortiz"),
        ("admin", "/people/<pk>/", f"/people/{person}/"),
        ("admin", "/classes/", "/classes/"),
        ("admin", "/classes/<pk>/", f"/classes/{school_class}/"),
        ("admin", "/api/v1/people", "/api/v1/people"),
        ("teacher", "/people/", "/people/"),
        ("teacher", "/classes/", "/classes/"),
    ]


def measure() -> dict:
    """Time every request against the data set this process is configured for."""
    harness.setup_django()
    from django.test import Client

    from homeroom.core.models import AuditEvent, Room, Site
    from homeroom.people.models import Person, SchoolClass, User

    site = Site.objects.order_by("pk")[1]  # the first school; the same one at every scale
    room = site.rooms.order_by("number").first()
    person = Person.objects.filter(primary_site=site, kind="student").order_by("pk").first()
    school_class = SchoolClass.objects.filter(site=site).order_by("pk").first()
    clients = {}
    for username in ("admin", "tech", "teacher"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))

    plan = [
        (f"{account} {label}", clients[account], url)
        for account, label, url in requests(site.pk, room.pk, person.pk, school_class.pk)
    ]
    pages = harness.time_pages(plan, warmup=WARMUP, requests=REQUESTS)
    rows = {
        "sites": Site.objects.count(),
        "rooms": Room.objects.count(),
        "people": Person.objects.count(),
        "users": User.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }
    return {"rows": rows, "pages": pages}


def run(scale: int, database: str = "sqlite") -> dict:
    """Measure both data sets in alternating rounds; compare large to demo page by page."""
    datasets, measured = harness.pages_demo_and_large(__file__, scale, database, ROUNDS)
    pages = {}
    for key in measured["demo"]:
        demo, large = (harness.page_summary(measured[name][key]) for name in ("demo", "large"))
        ratio = round(large["p50_ms"] / demo["p50_ms"], 2)
        pages[key] = {"demo": demo, "large": large, "ratio": ratio}
    over = [key for key, page in pages.items() if page["ratio"] > LIMIT]
    return {"datasets": datasets, "pages": pages, "over_limit": over}


if __name__ == "__main__":
    if sys.argv[1:] != ["--measure"]:
        sys.exit("usage: bench_pages.py --measure  (run the benchmarks with benchmarks/run.py)")
    print(json.dumps(measure()))
