"""Catalog search at demo scale and at 500,000 titles, in one run.

One data set is built (`homeroom migrate`, `homeroom demo --seed 2026`: about 3,000 titles
imported through the MARC importer) and measured; then titles are added until the catalog
holds 500,000 (`bench_library_search.py --fill`, in a subprocess with the data set's
environment) and it is measured again. Building half a million titles through the MARC
importer would take far longer than the measurement, so the extra titles are generated with
the demo's own book generator and inserted with bulk_create, one copy each at a library of
the district; the full-text index follows them (SQLite's triggers, PostgreSQL's generated
column; on SQLite the FTS triggers are dropped while inserting and the table rebuilt
in one pass at the end) and is then optimised (FTS5 `optimize`; `ANALYZE`).
`HOMEROOM_BENCH_TITLES` changes the large catalog's size.

Each search is requested through Django's test Client: the students' catalog as the demo
`student`, the librarians' catalog and the API as `admin`. The goal: the large catalog
within 2x of the demo's p50, and under 100 ms at p95.
"""

import json
import os
import random
import sys
import time

import harness

TITLES = int(os.environ.get("HOMEROOM_BENCH_TITLES", "500000"))
BATCH = 10_000
WARMUP = 2
REQUESTS = 15
ROUNDS = 2
LIMIT = 2.0
P95_MS = 100

SEARCHES = [
    ("student", "/library/find/?q=dragon"),
    ("student", "/library/find/?q=brave+dra"),
    ("student", "/library/find/?q=sharks"),
    ("student", "/library/find/?q=okafor+moon"),
    ("student", "/library/find/?lexile_min=400&lexile_max=500&available=true"),
    ("student", "/library/find/?q=the+secret&lexile_min=300&lexile_max=700&available=true"),
    ("student", "/library/find/?q=9781770000018"),
    ("admin", "/library/titles/?q=volcanoes"),
    ("admin", "/api/v1/library/titles?q=golden+gard"),
    ("admin", "/api/v1/library/titles?q=kite&ar_min=2&ar_max=4"),
]


def measure() -> dict:
    harness.setup_django()
    from django.test import Client

    from homeroom.library.models import Copy, Title
    from homeroom.people.models import User

    clients = {}
    for username in ("student", "admin"):
        clients[username] = Client()
        clients[username].force_login(User.objects.get(username=username))
    plan = [(f"{account} {url}", clients[account], url) for account, url in SEARCHES]
    pages = harness.time_pages(plan, warmup=WARMUP, requests=REQUESTS)
    rows = {"titles": Title.objects.count(), "copies": Copy.objects.count()}
    return {"rows": rows, "pages": pages}


def fill() -> dict:
    """Add generated titles (and a copy of each) until the catalog holds TITLES."""
    harness.setup_django()
    import datetime

    from django.db import connection, transaction

    from homeroom.library.demo import _book
    from homeroom.library.models import Copy, Library, Title
    from homeroom.library.search import SQLITE_TRIGGERS

    started = time.perf_counter()
    libraries = list(Library.objects.order_by("pk"))
    kinds = ["elementary", "middle", "high"]
    today = datetime.date(2026, 12, 7)
    rng = random.Random(harness.SEED)
    have = Title.objects.count()
    number = 1_000_000
    if connection.vendor == "sqlite":  # index the new titles in one pass at the end
        with connection.cursor() as cursor:
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
    while have < TITLES:
        titles, books = [], []
        for _ in range(min(BATCH, TITLES - have)):
            number += 1
            book = _book(rng, number, kinds[number % 3], today)
            books.append(book)
            titles.append(
                Title(
                    record='{"leader": "", "fields": []}',
                    fingerprint=f"bench{number}",
                    title=book["title"],
                    authors=book["author"],
                    isbns=book["isbn"],
                    publisher=book["publisher"],
                    year=book["year"],
                    dewey=book["dewey"],
                    call_number=book["call"],
                    subjects=book["subject"],
                    summary=book["summary"],
                    lexile=book["lexile"],
                    ar_level=book["ar"],
                )
            )
        with transaction.atomic():
            made = Title.objects.bulk_create(titles, batch_size=1000)
            Copy.objects.bulk_create(
                [
                    Copy(
                        barcode=f"B{title.pk:08d}",
                        title=title,
                        library=libraries[title.pk % len(libraries)],
                        call_number=book["call"],
                        status="available" if title.pk % 4 else "checked_out",
                    )
                    for title, book in zip(made, books, strict=True)
                ],
                batch_size=1000,
            )
        have += len(titles)
        harness.log(f"library search: {have:,} titles")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)
            cursor.execute("INSERT INTO library_title_fts(library_title_fts) VALUES ('rebuild')")
            cursor.execute("INSERT INTO library_title_fts(library_title_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return {"fill_s": round(time.perf_counter() - started, 1), "titles": have}


def run(scale: int, database: str = "sqlite") -> dict:
    """Measure the demo's catalog, fill it to TITLES and measure again (scale is not used:
    the large catalog is always TITLES titles)."""
    measured = {"demo": {}, "large": {}}
    datasets = {}
    with harness.dataset(1, database, "library") as (env, build):
        datasets["demo"] = {"build": build}
        for name in ("demo", "large"):
            if name == "large":
                harness.log(f"library search: adding titles up to {TITLES:,}")
                datasets["large"] = {"build": harness.subprocess_json(__file__, env, "--fill")}
            for number in range(1, ROUNDS + 1):
                harness.log(f"library search: {database}, {name}, round {number}/{ROUNDS}")
                result = harness.measure(__file__, env)
                datasets[name]["rows"] = result["rows"]
                for key, page in result["pages"].items():
                    seen = measured[name].setdefault(key, {**page, "samples": []})
                    seen["samples"] += page["samples"]
    pages = {}
    for key in measured["demo"]:
        demo, large = (harness.page_summary(measured[name][key]) for name in ("demo", "large"))
        pages[key] = {
            "demo": demo,
            "large": large,
            "ratio": round(large["p50_ms"] / demo["p50_ms"], 2),
        }
    return {
        "datasets": datasets,
        "pages": pages,
        "over_limit": [key for key, page in pages.items() if page["ratio"] > LIMIT],
        "over_100ms_p95": [key for key, page in pages.items() if page["large"]["p95_ms"] > P95_MS],
    }


if __name__ == "__main__":
    if sys.argv[1:] == ["--measure"]:
        print(json.dumps(measure()))
    elif sys.argv[1:] == ["--fill"]:
        print(json.dumps(fill()))
    else:
        sys.exit("usage: bench_library_search.py --measure|--fill  (run it with benchmarks/run.py)")
