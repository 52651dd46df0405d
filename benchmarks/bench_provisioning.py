"""LMS provisioning files for a large district: 50,000 users and 300,000 enrollments.

A OneRoster set of that size is generated and imported into an empty database; then, each
in its own process (wall time and peak resident memory), the Canvas SIS files and the
OneRoster set are written by `homeroom.software.provisioning` (streamed, formula-
neutralised), against the same Canvas rows written with the csv module alone from one
query per file, the floor any writer of these files has to pay.

Then Canvas's diffing mode: about 1% of the roster changes (every hundredth person renamed,
every hundredth enrollment dropped) and a diff export against the full one's fingerprints
writes only those rows (and the dropped ones as `deleted`). Runs on SQLite and, with
`--database postgres`, on a fresh PostgreSQL database.
"""

import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import harness

# The size; HOMEROOM_BENCH_USERS shrinks it for a quick check of the script.
USERS = int(os.environ.get("HOMEROOM_BENCH_USERS", "50000"))
STAFF = max(USERS // 50, 10)
CLASSES, CLASSES_PER_STUDENT, SCHOOLS = max(USERS // 25, 20), 6, 16


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
    """`scale` is not used: the district's size is the one the issue sets."""
    with tempfile.TemporaryDirectory(prefix="homeroom-provisioning-") as folder:
        folder = Path(folder)
        path = folder / "district"
        harness.log(f"bench_provisioning: writing a set of {USERS} users")
        rows = write_set(path)
        with harness.empty_database(database, folder, "provisioning") as env:
            harness.log(f"bench_provisioning: importing it on {database}")
            harness.timed_command(env, folder, "import", "oneroster", str(path), "--json")
            results = {}
            for mode in ("canvas", "oneroster", "csv-module", "change", "canvas-diff"):
                harness.log(f"bench_provisioning: {mode} on {database}")
                results[mode] = _measure(env, mode, folder / mode)
    floor = results["csv-module"]["seconds"]
    changed = results.pop("change")
    return {
        "set_rows": rows,
        "exports": results,
        "changed": changed,
        "canvas_to_csv_module_ratio": round(results["canvas"]["seconds"] / floor, 2),
        "canvas_diff_to_full_ratio": round(
            results["canvas-diff"]["seconds"] / results["canvas"]["seconds"], 2
        ),
    }


def _measure(env: dict, mode: str, out: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", mode, str(out)],
        env=env,
        capture_output=True,
        text=True,
    )
    if output.returncode != 0:
        raise RuntimeError(f"{mode} failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout)


def measure(mode: str, out: Path) -> dict:
    """Write one set of files in this process; its time, peak memory and row counts."""
    harness.setup_django()
    from homeroom.software import exports, provisioning

    started = time.perf_counter()
    scope = provisioning.Scope()
    if mode == "csv-module":
        counts = _csv_module(out)
    elif mode == "change":
        counts = _change_one_percent()
    elif mode == "canvas-diff":
        # Against the fingerprints the full Canvas export kept.
        counts = exports.write_folder("canvas", scope, out, diff=True)
        assert scope.fingerprints.diffing, "the full Canvas export kept no baseline"
    elif mode == "canvas":
        counts = exports.write_folder("canvas", scope, out)  # keeps the diff's baseline
    else:
        counts = provisioning.write_folder(mode, scope, out)
    elapsed = time.perf_counter() - started
    result = {
        "seconds": round(elapsed, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "rows": counts,
    }
    if scope.deleted:
        result["deleted"] = scope.deleted
    return result


def _change_one_percent() -> dict:
    """Rename every hundredth person and drop every hundredth enrollment."""
    from django.db import transaction

    from homeroom.people.models import Enrollment, Person

    people = list(Person.objects.order_by("pk").values_list("pk", flat=True)[::100])
    enrollments = list(
        Enrollment.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)[::100]
    )
    with transaction.atomic():
        renamed = sum(
            Person.objects.filter(pk__in=people[n : n + 900]).update(given_name="Changed")
            for n in range(0, len(people), 900)
        )
        dropped = sum(
            Enrollment.objects.filter(pk__in=enrollments[n : n + 900]).update(is_active=False)
            for n in range(0, len(enrollments), 900)
        )
    return {"people_renamed": renamed, "enrollments_dropped": dropped}


def _csv_module(out: Path) -> dict:
    """The Canvas rows written with csv.writer straight from one query per file."""
    from homeroom.people.models import Enrollment, Person, SchoolClass

    out.mkdir(parents=True, exist_ok=True)
    counts = {}

    def write(name, header, rows):
        with open(out / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            count = 0
            for row in rows:
                writer.writerow(row)
                count += 1
        counts[name] = count

    people = Person.objects.filter(is_active=True).exclude(kind="guardian").order_by("pk")
    write(
        "users.csv",
        ["user_id", "login_id", "first_name", "last_name", "email", "status"],
        (
            (sid, username or email, given, family, email, "active")
            for sid, username, email, given, family in people.values_list(
                "sourced_id", "username", "email", "given_name", "family_name"
            ).iterator(chunk_size=2000)
        ),
    )
    classes = SchoolClass.objects.filter(is_active=True).order_by("pk")
    write(
        "courses.csv",
        ["course_id", "short_name", "long_name", "status", "term_id"],
        (
            (sid, code or title, title, "active", "")
            for sid, code, title in classes.values_list("sourced_id", "class_code", "title")
        ),
    )
    write(
        "sections.csv",
        ["section_id", "course_id", "name", "status"],
        (
            (f"{sid}-s", sid, title, "active")
            for sid, title in classes.values_list("sourced_id", "title")
        ),
    )
    enrollments = Enrollment.objects.filter(
        is_active=True, person__is_active=True, school_class__is_active=True
    ).order_by("pk")
    write(
        "enrollments.csv",
        ["course_id", "section_id", "user_id", "role", "status"],
        (
            (course, f"{course}-s", person, role, "active")
            for course, person, role in enrollments.values_list(
                "school_class__sourced_id", "person__sourced_id", "role"
            ).iterator(chunk_size=2000)
        ),
    )
    return counts


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "--measure":
        sys.exit("usage: bench_provisioning.py --measure MODE FOLDER  (use benchmarks/run.py)")
    print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]))))
