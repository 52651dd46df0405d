"""Building OneRoster CSV sets for the import tests, and running the import through the CLI.

Headers of hand-written 1.2 files come from the 1EdTech column table in the shared samples
(`oneroster-1.2.1-csv-columns.txt`), not from the importer's own spec module, so a mistake in
the importer's column lists cannot hide itself."""

import csv
import json
import re
import shutil
import zipfile
from io import StringIO
from pathlib import Path

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from homeroom.core.models import AuditEvent, ImportRun, Site
from homeroom.people.models import (
    AcademicSession,
    Course,
    Enrollment,
    Person,
    SchoolClass,
)
from homeroom.people.oneroster.generate import School, generate

SAMPLES = Path(__file__).resolve().parents[5] / "shared" / "samples" / "oneroster"
SAMPLE = SAMPLES / "roster-hub-1.1-bulk"
COLUMN_TABLE = SAMPLES / "oneroster-1.2.1-csv-columns.txt"

ROSTER_MODELS = (Site, AcademicSession, Course, SchoolClass, Person, Enrollment)
ENTITIES = ("orgs", "academicSessions", "courses", "classes", "users", "enrollments")
SCHOOL = School("sch-rhs", "Riverside High School", "RHS", "high")


# --- running the import -----------------------------------------------------------------


def run_import(path: Path | str, *flags: str) -> tuple[int, dict]:
    """`homeroom import oneroster PATH --json [flags]`: (exit code, parsed JSON report)."""
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import", "oneroster", str(path), "--json", *flags, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


def roster_runs():
    """The roster's import runs (core's ImportRun of kind "oneroster")."""
    return ImportRun.objects.filter(kind="oneroster")


def counts_of(report: dict, entity: str) -> dict:
    """One file's counts, without the orgs-only `skipped` key when it is zero."""
    counts = dict(report[entity])
    if counts.get("skipped") == 0:
        del counts["skipped"]
    return counts


def created(n: int) -> dict:
    return {"created": n, "updated": 0, "unchanged": 0, "deactivated": 0, "reactivated": 0}


def unchanged(n: int) -> dict:
    return {"created": 0, "updated": 0, "unchanged": n, "deactivated": 0, "reactivated": 0}


def counts(**changes: int) -> dict:
    keys = ("created", "updated", "unchanged", "deactivated", "reactivated")
    return {**dict.fromkeys(keys, 0), **changes}


# --- the database -----------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ROSTER_MODELS}


def roster_audit_count() -> int:
    """Audit events about roster records (the import's own record is left out)."""
    return AuditEvent.objects.exclude(
        content_type=ContentType.objects.get_for_model(ImportRun)
    ).count()


def database_state() -> dict:
    """Every stored value of the roster models and their many-to-many links."""
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in ROSTER_MODELS}
    state["person_sites"] = sorted(Person.sites.through.objects.values_list("person_id", "site_id"))
    state["class_terms"] = sorted(
        SchoolClass.terms.through.objects.values_list("schoolclass_id", "academicsession_id")
    )
    return state


# --- reading and writing CSV files --------------------------------------------------------


def copy_sample(tmp_path: Path, name: str = "roster") -> Path:
    target = tmp_path / name
    shutil.copytree(SAMPLE, target)
    return target


def read(folder: Path, name: str) -> tuple[list[str], list[list[str]]]:
    with open(folder / f"{name}.csv", newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def write(folder: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    """Write a file quoted the way the sample is (every field in double quotes)."""
    path = folder / f"{name}.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def as_dicts(folder: Path, name: str) -> list[dict[str, str]]:
    header, rows = read(folder, name)
    return [dict(zip(header, row, strict=True)) for row in rows]


def set_value(folder: Path, name: str, sourced_id: str, column: str, value: str) -> None:
    """Change one field of the row whose first field is `sourced_id`."""
    header, rows = read(folder, name)
    index = header.index(column)
    matching = [row for row in rows if row[0] == sourced_id]
    assert len(matching) == 1, f"{sourced_id} is not once in {name}.csv"
    matching[0][index] = value
    write(folder, name, header, rows)


def drop_rows(folder: Path, name: str, **match: str) -> list[list[str]]:
    """Remove the rows whose columns equal `match`; returns the removed rows."""
    header, rows = read(folder, name)

    def matches(row):
        return all(row[header.index(column)] == value for column, value in match.items())

    removed = [row for row in rows if matches(row)]
    assert removed, f"no row of {name}.csv matches {match}"
    write(folder, name, header, [row for row in rows if not matches(row)])
    return removed


def append_rows(folder: Path, name: str, rows: list[list[str]]) -> None:
    header, existing = read(folder, name)
    write(folder, name, header, existing + rows)


def set_manifest(folder: Path, key: str, value: str) -> None:
    """Set one manifest property, in its place (or added at the end)."""
    header, rows = read(folder, "manifest")
    matching = [row for row in rows if row[0] == key]
    if matching:
        matching[0][1] = value
    else:
        rows.append([key, value])
    write(folder, "manifest", header, rows)


def zip_set(folder: Path, target: Path, *, inside: str | None = None) -> Path:
    """Zip the files of `folder` (at the top of the zip, or under the folder `inside/`)."""
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        if inside:
            archive.writestr(f"{inside}/", "")
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{inside}/{path.name}" if inside else path.name)
    return target


# --- the 1.2.1 column table ---------------------------------------------------------------


def spec_columns(file: str) -> list[tuple[str, str]]:
    """(column, required) of one file as the 1.2.1 table gives them, in the binding's order;
    required is "Yes", "No" or "Yes for Delta"."""
    text = COLUMN_TABLE.read_text(encoding="utf-8")
    match = re.search(rf"^## '{re.escape(file)}\.csv'\n(.+)$", text, re.MULTILINE)
    assert match, f"{file}.csv is not in the column table"
    columns = []
    for item in match.group(1).split(";"):
        name, required = re.fullmatch(r"\s*(\w+)\[([^\]]+)\]\s*", item).groups()
        columns.append((name, required))
    return columns


def spec_header(file: str) -> list[str]:
    return [name for name, _ in spec_columns(file)]


def spec_row(file: str, **values: str) -> list[str]:
    """A row of `file` in the binding's column order; unknown column names are an error."""
    header = spec_header(file)
    unknown = set(values) - set(header)
    assert not unknown, f"not columns of {file}.csv: {unknown}"
    return [values.get(name, "") for name in header]


def write_spec_file(folder: Path, file: str, rows: list[dict[str, str]]) -> Path:
    return write(folder, file, spec_header(file), [spec_row(file, **row) for row in rows])


def write_manifest(folder: Path, version: str, modes: dict[str, str]) -> Path:
    """A manifest listing every file of the binding: `modes` gives bulk/delta, the rest absent."""
    files = sorted(re.findall(r"^## '(\w+)\.csv'", COLUMN_TABLE.read_text(), re.MULTILINE))
    rows = [["manifest.version", "1.0"], ["oneroster.version", version]]
    rows += [[f"file.{name}", modes.get(name, "absent")] for name in files]
    return write(folder, "manifest", ["propertyName", "value"], rows)


# --- generated sets -----------------------------------------------------------------------


def generated_set(folder: Path, *, version: str = "1.1", **options) -> dict:
    """A small valid bulk set from the project's generator: one high school, 12 students in
    grades 09 to 12, 2 teachers, 4 classes."""
    settings = {
        "schools": [SCHOOL],
        "students": 12,
        "staff": 2,
        "classes": 4,
        "classes_per_student": 2,
        "seed": 7,
        "version": version,
    }
    settings.update(options)
    return generate(folder, **settings)
