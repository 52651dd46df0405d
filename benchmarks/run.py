"""Run the benchmarks and print one JSON document on stdout; progress goes to stderr.

    .venv/bin/python benchmarks/run.py [--scale N] [--database sqlite|postgres|both] [NAME ...]

NAME is a `benchmarks/bench_NAME.py` module (default: all of them); each has
`run(scale, database) -> dict`.
"""

import argparse
import importlib
import importlib.util
import json
import sys
from pathlib import Path

import harness

HERE = Path(__file__).resolve().parent


def main() -> None:
    available = sorted(path.stem.removeprefix("bench_") for path in HERE.glob("bench_*.py"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of {available}")
    parser.add_argument(
        "--scale", type=int, default=30, help="scale of the large data set (default 30)"
    )
    parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="sqlite")
    args = parser.parse_args()
    names = [Path(name).stem.removeprefix("bench_") for name in args.names] or available
    if unknown := sorted(set(names) - set(available)):
        parser.error(f"no such benchmark: {', '.join(unknown)} (have {', '.join(available)})")
    if args.scale < 1:
        parser.error("--scale must be 1 or more")
    if importlib.util.find_spec("homeroom") is None:
        sys.exit("Homeroom is not installed here; use the project's venv: .venv/bin/python")

    databases = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    document = {"machine": harness.machine(databases), "benchmarks": {}}
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        document["benchmarks"][name] = {
            database: module.run(scale=args.scale, database=database) for database in databases
        }
    json.dump(document, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
