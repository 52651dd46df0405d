"""Google Admin device import of 60,000 Chromebooks into an empty database: the first import,
the same file again (unchanged), each as `homeroom import google-devices` in its own process
(wall time and peak memory), beside a raw baseline in the same run: Python's csv reader and
one executemany INSERT of the same rows into the same table.

Targets from the device issue: under 15 s and 300 MB first, unchanged under 8 s; from the
import pipeline issue (#11), unchanged under 2 s, beside a bare csv read of the same file
(`raw_csv_and_insert.csv_read_seconds`): its rows are skipped by their fingerprint.
"""

import csv
import datetime
import json
import sys
import tempfile
import time
from pathlib import Path

import harness

ROWS = 60_000
SITES = ["Maple Grove Elementary", "Lincoln Middle School", "Riverside High School"]
MODELS = [
    ("Acer Chromebook 311", "2029-06"),
    ("Lenovo 300e Chromebook Gen 4", "2032-06"),
    ("Dell Chromebook 3110", "2030-06"),
]


def write_file(path: Path) -> None:
    now = datetime.datetime(2026, 11, 20, 8, 0, tzinfo=datetime.UTC)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "serialNumber",
                "annotatedAssetId",
                "model",
                "orgUnitPath",
                "annotatedLocation",
                "osVersion",
                "lastSync",
                "autoUpdateThrough",
                "macAddress",
                "status",
            ]
        )
        for n in range(ROWS):
            model, aue = MODELS[n % len(MODELS)]
            site = SITES[n % len(SITES)]
            writer.writerow(
                [
                    f"NXK{10_000_000 + n}",
                    f"CB-{n:06d}",
                    model,
                    f"/Students/{site.split()[0]}",
                    site,
                    "131.0.6778.0",
                    (now - datetime.timedelta(minutes=n)).isoformat(),
                    aue,
                    f"{n:012x}",
                    "ACTIVE",
                ]
            )


def seed(env: dict) -> None:
    """The three schools the file names."""
    code = "from homeroom.core.models import Site\n" + "".join(
        f"Site.objects.create(name={name!r}, code={name[:3].upper()!r}, type='k12')\n"
        for name in SITES
    )
    harness._homeroom(env, "shell", "-c", code)


def raw(path: Path) -> dict:
    """The baseline: csv.reader and one executemany INSERT into the devices table."""
    harness.setup_django()
    from django.db import connection, transaction

    from homeroom.core.models import Site
    from homeroom.devices.models import Device, DeviceModel, Manufacturer

    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Raw"), name="Raw", category="chromebook"
    )
    site = Site.objects.first()
    started = time.perf_counter()
    with open(path, newline="") as handle:
        read = sum(1 for _ in csv.reader(handle)) - 1
    read_seconds = round(time.perf_counter() - started, 2)
    started = time.perf_counter()
    with open(path, newline="") as handle, transaction.atomic():
        rows = [
            (
                line["serialNumber"],
                line["annotatedAssetId"],
                model.pk,
                site.pk,
                "in_stock",
                "good",
                "general_fund",
                line["osVersion"],
                line["orgUnitPath"],
                line["macAddress"],
                "",
                "",
                "",
                "",
                "",
            )
            for line in csv.DictReader(handle)
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {Device._meta.db_table} (serial_number, asset_tag, model_id, "
                "site_id, status, condition, funding_source, os_version, org_unit_path, "
                "mac_addresses, order_number, vendor, notes, import_fingerprint, created_at, "
                "updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        *row[:14],
                        connection.ops.adapt_datetimefield_value(
                            datetime.datetime.now(datetime.UTC)
                        ),
                        connection.ops.adapt_datetimefield_value(
                            datetime.datetime.now(datetime.UTC)
                        ),
                    )
                    for row in rows
                ],
            )
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "rows": len(rows),
        "csv_read_seconds": read_seconds,
        "csv_read_rows": read,
    }


def run(scale: int, database: str = "sqlite") -> dict:
    """`scale` is not used: the file's size is the one the device issue sets."""
    with tempfile.TemporaryDirectory(prefix="homeroom-google-") as folder:
        folder = Path(folder)
        path = folder / "chromeos-devices.csv"
        write_file(path)
        with harness.empty_database(database, folder, "google") as env:
            seed(env)
            harness.log(f"bench_google_import: first import on {database}")
            first = harness.timed_command(
                env, folder, "import", "google-devices", str(path), "--json"
            )
            harness.log(f"bench_google_import: unchanged re-import on {database}")
            again = harness.timed_command(
                env, folder, "import", "google-devices", str(path), "--json"
            )
        with harness.empty_database(database, folder, "googleraw") as env:
            seed(env)
            baseline = harness.subprocess_json(__file__, env, "--raw", str(path))
    return {
        "rows": ROWS,
        "first_import": first,
        "unchanged_reimport": again,
        "raw_csv_and_insert": baseline,
        "first_to_raw_ratio": round(first["seconds"] / baseline["seconds"], 1),
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--raw"]:
        print(json.dumps(raw(Path(sys.argv[2]))))
    else:
        sys.exit("usage: bench_google_import.py --raw FILE  (run it with benchmarks/run.py)")
