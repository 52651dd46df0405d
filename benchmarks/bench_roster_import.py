"""OneRoster import of a large district: first import, then the same file again (unchanged),
each as `homeroom import oneroster` in its own process (wall time and peak memory), on an
empty database. Then the people list on that district beside the same page at demo scale.

Targets from the roster issue: first import under 60 s and 400 MB, unchanged re-import under
half of that, the people list within 2x of its demo-scale time.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

import harness

USERS, CLASSES, CLASSES_PER_STUDENT, SCHOOLS = 50_000, 2_000, 6, 16
STAFF = 1_000
REQUESTS = 15


def write_set(folder: Path) -> dict:
    from homeroom.people.oneroster.generate import School, generate

    levels = ["elementary", "middle", "high"]
    schools = [
        School(f"org-{n}", f"School {n}", f"S{n:02d}", levels[n % 3]) for n in range(SCHOOLS)
    ]
    return generate(
        folder,
        schools=schools,
        students=USERS - STAFF,
        staff=STAFF,
        classes=CLASSES,
        classes_per_student=CLASSES_PER_STUDENT,
        seed=harness.SEED,
    )


def run(scale: int, database: str = "sqlite") -> dict:
    """`scale` is not used: the district's size is the one the roster issue sets."""
    with tempfile.TemporaryDirectory(prefix="homeroom-roster-") as folder:
        folder = Path(folder)
        path = folder / "district"
        harness.log(f"bench_roster_import: writing a set of {USERS} users")
        rows = write_set(path)
        with harness.empty_database(database, folder, "roster") as env:
            harness.log(f"bench_roster_import: first import on {database}")
            first = harness.timed_command(env, folder, "import", "oneroster", str(path), "--json")
            harness.log(f"bench_roster_import: unchanged re-import on {database}")
            again = harness.timed_command(env, folder, "import", "oneroster", str(path), "--json")
            large_pages = harness.measure(__file__, env)
    with harness.dataset(1, database, "rosterdemo") as (env, _):
        demo_pages = harness.measure(__file__, env)
    pages = {
        key: {
            "demo": demo_pages[key],
            "large": large_pages[key],
            "ratio": round(large_pages[key]["p50_ms"] / demo_pages[key]["p50_ms"], 2),
        }
        for key in large_pages
    }
    return {
        "set_rows": rows,
        "first_import": first,
        "unchanged_reimport": again,
        "unchanged_to_first_ratio": round(again["seconds"] / first["seconds"], 2),
        "pages": pages,
    }


def measure() -> dict:
    """The people pages as the first district admin, timed through the test Client."""
    harness.setup_django()
    from django.test import Client

    from homeroom.people.models import Person, SchoolClass, User

    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench-admin", password=None
    )
    client = Client()
    client.force_login(admin)
    person = Person.objects.filter(kind="student").order_by("pk").first()
    school_class = SchoolClass.objects.order_by("pk").first()
    urls = {
        "/people/": "/people/",
        "/people/?kind=student&grade=05": "/people/?kind=student&grade=05",
        "/people/?q=<name>": f"/people/?q={person.family_name}",
        "/people/<pk>/": f"/people/{person.pk}/",
        "/classes/": "/classes/",
        "/classes/<pk>/": f"/classes/{school_class.pk}/",
    }
    results = {}
    for label, url in urls.items():
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        samples = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url)
            samples.append(time.perf_counter() - started)
        results[label] = harness.timing(samples)
    return results


if __name__ == "__main__":
    if sys.argv[1:] != ["--measure"]:
        sys.exit("usage: bench_roster_import.py --measure  (run it with benchmarks/run.py)")
    print(json.dumps(measure()))
