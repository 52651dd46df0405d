"""MARC import of a 250,000-record file (UTF-8 MARC21 with Destiny's 852 holdings, made
with pymarc from the demo's book generator) into an empty catalog, as `homeroom import marc`
in its own process (wall time and peak memory), then the same file again (unchanged), beside
pymarc reading the same file and doing nothing with it, in its own process too.

Goals from the library catalog issue: Homeroom's records per second at least half of
pymarc's bare rate (`import_to_pymarc_rate` >= 0.5), peak memory under 500 MB.
"""

import datetime
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import harness

RECORDS = 250_000
KINDS = ["elementary", "middle", "high"]


def write_file(path: Path, records: int) -> None:
    harness.setup_django()
    from homeroom.library.demo import _book, _record

    today = datetime.date(2026, 12, 1)
    rng = random.Random(harness.SEED)
    barcodes = (f"B{n:08d}" for n in range(1, 10 * records))
    with open(path, "wb") as handle:
        for number in range(records):
            book = _book(rng, number, KINDS[number % 3], today)
            handle.write(_record(book, "destiny", barcodes, today, rng).as_marc())


def bare_pymarc(path: Path) -> dict:
    """pymarc's MARCReader over the file, converting to Unicode as Homeroom does."""
    import resource

    from pymarc import MARCReader

    started = time.perf_counter()
    read = 0
    with open(path, "rb") as handle:
        for record in MARCReader(handle, to_unicode=True, utf8_handling="replace"):
            read += record is not None
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "records": read,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def run(scale: int, database: str = "sqlite", records: int = RECORDS) -> dict:
    """`scale` is not used: the file's size is the one the library issue sets."""
    with tempfile.TemporaryDirectory(prefix="homeroom-marc-") as folder:
        folder = Path(folder)
        path = folder / "catalog.mrc"
        harness.log(f"bench_marc_import: writing {records:,} records")
        write_file(path, records)
        size_mb = round(path.stat().st_size / 1e6, 1)
        harness.log("bench_marc_import: pymarc alone")
        bare = harness.subprocess_json(__file__, dict(os.environ), "--bare", str(path))
        with harness.empty_database(database, folder, "marc") as env:
            harness._homeroom(
                env,
                "shell",
                "-c",
                "from homeroom.core.models import Site\n"
                "Site.objects.create(name='Bench High', code='BHS', type='high')\n",
            )
            harness.log(f"bench_marc_import: first import on {database}")
            first = harness.timed_command(
                env, folder, "import", "marc", str(path), "--site", "BHS", "--json"
            )
            harness.log(f"bench_marc_import: unchanged re-import on {database}")
            again = harness.timed_command(
                env, folder, "import", "marc", str(path), "--site", "BHS", "--json"
            )
    import_rate = records / first["seconds"]
    bare_rate = bare["records"] / bare["seconds"]
    return {
        "records": records,
        "file_mb": size_mb,
        "pymarc_alone": {**bare, "records_per_second": round(bare_rate)},
        "first_import": {**first, "records_per_second": round(import_rate)},
        "unchanged_reimport": {**again, "records_per_second": round(records / again["seconds"])},
        "import_to_pymarc_rate": round(import_rate / bare_rate, 2),
    }


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bare"]:
        print(json.dumps(bare_pymarc(Path(sys.argv[2]))))
    elif sys.argv[1:2] == ["--records"]:  # a smaller file, to try the benchmark quickly
        print(json.dumps(run(1, records=int(sys.argv[2])), indent=2))
    else:
        sys.exit("usage: bench_marc_import.py --bare FILE  (run it with benchmarks/run.py)")
