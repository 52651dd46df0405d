"""Reading and checking a whole OneRoster set before anything is written.

`check_set` reads the manifest and every rostering file, converts each row into a record of
Homeroom's field values, and reports problems as `file:line: column: message`. References
between files are checked against the set itself and, for delta or absent files, against
what Homeroom already holds."""

import datetime
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.dateparse import parse_datetime

from homeroom.core.importers import Problem
from homeroom.people.oneroster import spec
from homeroom.people.oneroster.source import RosterSource, SetError

MAX_PROBLEMS = 500
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

KIND_BY_ROLE = {
    "student": "student",
    "teacher": "teacher",
    "aide": "aide",
    "administrator": "administrator",
    "districtAdministrator": "administrator",
    "siteAdministrator": "administrator",
    "systemAdministrator": "administrator",
    "principal": "administrator",
    "counselor": "staff",
    "proctor": "staff",
    "guardian": "guardian",
    "parent": "guardian",
    "relative": "guardian",
}


@dataclass
class Row:
    """One data row, with helpers that convert a field or record a problem."""

    file: str
    line: int
    values: dict[str, str]
    checker: "Checker"

    def problem(self, column: str, message: str) -> None:
        self.checker.add(Problem(self.file, self.line, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int = 255) -> str:
        value = self.values.get(column, "").strip()
        if required and not value:
            self.problem(column, "required")
        elif len(value) > max_length:
            self.problem(column, f"longer than {max_length} characters")
            value = value[:max_length]
        return value

    def choice(self, column: str, allowed: set[str], *, required: bool = True) -> str:
        value = self.text(column, required=required)
        if value and value not in allowed:
            spelled = self.in_binding_case(column, value, allowed)
            if spelled is None:
                self.problem(column, f"“{value}” is not one of {', '.join(sorted(allowed))}")
            return spelled or value
        return value

    def in_binding_case(self, column: str, value: str, allowed: set[str]) -> str | None:
        """The allowed value `value` is in another case ("Scheduled"), or None. Student
        information systems write such values; they are read with a warning."""
        spelled = next((name for name in allowed if name.lower() == value.lower()), None)
        if spelled is not None:
            self.checker.lenient(self.file, self.line, column, f"“{value}” read as “{spelled}”")
        return spelled

    def boolean(self, column: str, *, required: bool = False, default: bool = False) -> bool:
        value = self.text(column, required=required)
        if not value:
            return default
        if value.lower() not in spec.BOOLEANS:
            self.problem(column, f"“{value}” is not true or false")
            return default
        return spec.BOOLEANS[value.lower()]

    def date(self, column: str, *, required: bool = False) -> datetime.date | None:
        value = self.text(column, required=required)
        if not value:
            return None
        try:
            if not DATE.fullmatch(value):
                raise ValueError(value)
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.problem(column, f"“{value}” is not a date like 2025-08-14")
            return None

    def timestamp(self, column: str) -> datetime.datetime | None:
        value = self.text(column, required=self.checker.mode(self.file_key) == "delta")
        if not value:
            return None
        try:
            parsed = parse_datetime(value)
        except ValueError:
            parsed = None
        if parsed is None:
            self.problem(column, f"“{value}” is not a date and time like 2025-08-14T09:30:00Z")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=datetime.UTC)
        return parsed

    def listing(self, column: str, *, required: bool = False) -> list[str]:
        value = self.text(column, required=required, max_length=100_000)
        return [item.strip() for item in value.split(",") if item.strip()]

    def grades(self, column: str = "grades") -> list[str]:
        grades = self.listing(column)
        for index, grade in enumerate(grades):
            if grade in spec.GRADES:
                continue
            spelled = self.in_binding_case(column, grade, spec.GRADES)
            if spelled is None:
                self.problem(column, f"“{grade}” is not a CEDS grade such as KG, 01 or 12")
            else:
                grades[index] = spelled
        return grades

    def reference(self, column: str, entity: str, *, required: bool = True) -> str:
        value = self.text(column, required=required)
        if value:
            self.checker.refer(self, column, entity, value)
        return value

    def references(self, column: str, entity: str, *, required: bool = False) -> list[str]:
        values = self.listing(column, required=required)
        for value in values:
            self.checker.refer(self, column, entity, value)
        return values

    @property
    def file_key(self) -> str:
        return self.file.removesuffix(".csv")

    def metadata(self) -> dict[str, str]:
        return {
            key.removeprefix("metadata."): value
            for key, value in self.values.items()
            if key.startswith("metadata.") and value != ""
        }


@dataclass(slots=True)
class Record:
    """A checked row: Homeroom's values, the sourcedIds it refers to, and a fingerprint of
    the row as written in the file (plus anything merged into it, such as 1.2 roles)."""

    sourced_id: str
    active: bool
    values: dict
    refs: dict = field(default_factory=dict)
    line: int = 0
    raw_fingerprint: str = ""
    extra: str = ""
    raw: dict | None = None

    @property
    def fingerprint(self) -> str:
        if not self.extra:
            return self.raw_fingerprint
        return hashlib.blake2b(
            (self.raw_fingerprint + self.extra).encode(), digest_size=16
        ).hexdigest()


def fingerprint(values: dict[str, str]) -> str:
    material = "\x1f".join(f"{key}\x1e{value}" for key, value in values.items())
    return hashlib.blake2b(material.encode(), digest_size=16).hexdigest()


def convert_org(row: Row) -> Record:
    org_type = row.choice("type", spec.ORG_TYPES)
    return Record(
        row.text("sourcedId"),
        True,
        {
            "name": row.text("name", required=True, max_length=200),
            "org_type": org_type,
            "identifier": row.text("identifier", max_length=32),
        },
        {"parent": row.text("parentSourcedId")},
    )


def convert_session(row: Row) -> Record:
    start, end = row.date("startDate", required=True), row.date("endDate", required=True)
    if start and end and end < start:
        row.problem("endDate", "is before startDate")
    year = row.text("schoolYear", required=True)
    if year and not (year.isdigit() and len(year) == 4):
        row.problem("schoolYear", f"“{year}” is not a year like 2026")
    return Record(
        row.text("sourcedId"),
        True,
        {
            "title": row.text("title", required=True, max_length=200),
            "type": row.choice("type", spec.SESSION_TYPES),
            "start_date": start,
            "end_date": end,
            "school_year": int(year) if year.isdigit() else None,
            "metadata": row.metadata(),
        },
        {"parent": row.reference("parentSourcedId", "academicSessions", required=False)},
    )


def convert_course(row: Row) -> Record:
    return Record(
        row.text("sourcedId"),
        True,
        {
            "title": row.text("title", required=True, max_length=200),
            "course_code": row.text("courseCode", max_length=100),
            "grades": ",".join(row.grades()),
            "subjects": row.text("subjects"),
            "metadata": row.metadata(),
        },
        {
            "school_year": row.reference("schoolYearSourcedId", "academicSessions", required=False),
            "site": row.reference("orgSourcedId", "orgs"),
        },
    )


def convert_class(row: Row) -> Record:
    return Record(
        row.text("sourcedId"),
        True,
        {
            "title": row.text("title", required=True, max_length=200),
            "class_code": row.text("classCode", max_length=100),
            "class_type": row.choice("classType", spec.CLASS_TYPES),
            "location": row.text("location", max_length=200),
            "grades": ",".join(row.grades()),
            "subjects": row.text("subjects"),
            "periods": row.text("periods", max_length=100),
            "metadata": row.metadata(),
        },
        {
            "course": row.reference("courseSourcedId", "courses"),
            "site": row.reference("schoolSourcedId", "orgs"),
            "terms": ",".join(row.references("termSourcedIds", "academicSessions", required=True)),
        },
    )


def _state_id(row: Row) -> str:
    """The state id from userIds ("{state:1234},{SIS:5}") or a metadata.stateId column."""
    for item in row.listing("userIds"):
        key, _, value = item.strip("{}").partition(":")
        if key.strip().lower() in {"state", "stateid", "ssid"}:
            return value.strip()
    return row.values.get("metadata.stateId", "").strip()


def convert_user(row: Row) -> Record:
    version = row.checker.version
    values = {
        "enabled_user": row.boolean("enabledUser", required=True, default=True),
        "username": row.text("username", required=True, max_length=150),
        "given_name": row.text("givenName", required=True, max_length=100),
        "family_name": row.text("familyName", required=True, max_length=100),
        "middle_name": row.text("middleName", max_length=100),
        "identifier": row.text("identifier", max_length=100),
        "email": row.text("email", max_length=254),
        "phone": row.text("phone", max_length=50),
        "grades": ",".join(row.grades()),
        "state_id": _state_id(row)[:100],
        "metadata": row.metadata(),
    }
    if values["email"] and "@" not in values["email"]:
        row.problem("email", f"“{values['email']}” is not an email address")
    refs = {"agents": ",".join(row.listing("agentSourcedIds"))}
    if version == spec.V11:
        role = row.choice("role", spec.USER_ROLES_11)
        values["kind"] = KIND_BY_ROLE.get(role, "student")
        refs["sites"] = ",".join(row.references("orgSourcedIds", "orgs", required=True))
    else:
        values["preferred_given_name"] = row.text("preferredGivenName", max_length=100)
        values["preferred_family_name"] = row.text("preferredFamilyName", max_length=100)
        refs["primary_site"] = row.reference("primaryOrgSourcedId", "orgs", required=False)
    return Record(row.text("sourcedId"), True, values, refs)


def convert_role(row: Row) -> Record:
    return Record(
        row.text("sourcedId"),
        True,
        {
            "role_type": row.choice("roleType", spec.ROLE_TYPES),
            "role": row.choice("role", spec.USER_ROLES_12),
            "begin_date": row.date("beginDate"),
            "end_date": row.date("endDate"),
            "profile": row.text("userProfileSourcedId"),
        },
        {
            "user": row.reference("userSourcedId", "users"),
            "site": row.reference("orgSourcedId", "orgs"),
        },
    )


def convert_profile(row: Row) -> Record:
    return Record(
        row.text("sourcedId"),
        True,
        {
            "profile_type": row.text("profileType", required=True),
            "vendor_id": row.text("vendorId", required=True),
            "application_id": row.text("applicationId"),
            "description": row.text("description"),
            "credential_type": row.text("credentialType", required=True),
            "username": row.text("username", required=True),
        },
        {"user": row.reference("userSourcedId", "users")},
    )


def convert_enrollment(row: Row) -> Record:
    begin, end = row.date("beginDate"), row.date("endDate")
    if begin and end and end < begin:
        row.problem("endDate", "is before beginDate")
    return Record(
        row.text("sourcedId"),
        True,
        {
            "role": row.choice("role", spec.ENROLLMENT_ROLES),
            "primary": row.boolean("primary"),
            "metadata": row.metadata(),
            "begin_date": begin,
            "end_date": end,
        },
        {
            "school_class": row.reference("classSourcedId", "classes"),
            "site": row.reference("schoolSourcedId", "orgs"),
            "person": row.reference("userSourcedId", "users"),
        },
    )


CONVERTERS: dict[str, Callable[[Row], Record]] = {
    "orgs": convert_org,
    "academicSessions": convert_session,
    "courses": convert_course,
    "classes": convert_class,
    "users": convert_user,
    "roles": convert_role,
    "userProfiles": convert_profile,
    "enrollments": convert_enrollment,
}
# Files whose records stay in memory after the check; enrollments, the largest by far, are
# read again when applied.
SITE_ORG_TYPES = {"school", "district"}
KEPT_IN_MEMORY = {
    "orgs",
    "academicSessions",
    "courses",
    "classes",
    "users",
    "roles",
    "userProfiles",
}


class Checker:
    """Checks one set. `known_in_homeroom(entity)` gives the sourcedIds already stored."""

    def __init__(
        self,
        source: RosterSource,
        known_in_homeroom: Callable[[str], set[str]],
        progress: Callable[[str, int], None] | None = None,
    ):
        self.source = source
        self.known_in_homeroom = known_in_homeroom
        self.progress = progress or (lambda note, rows: None)
        self.problems: list[Problem] = []
        self.warnings: list[str] = []
        self.version = ""
        self.modes: dict[str, str] = {}
        self.ids: dict[str, set[str]] = {}
        self.records: dict[str, dict[str, Record]] = {}
        self.row_counts: dict[str, int] = {}
        self.rows_read = 0
        self.deferred: list[tuple[int, str, str]] = []
        self.unreadable: set[str] = set()
        self.unreadable_ids: dict[str, set[str]] = defaultdict(set)
        self.stored_ids: dict[str, set[str]] = {}
        self.overflow = 0
        # Every org a row refers to: with the schools of orgs.csv, the schools the set covers.
        self.referred_orgs: set[str] = set()
        # (file, column, message) of a value read in the binding's case: [first line, rows]
        self.leniencies: dict[tuple[str, str, str], list[int]] = {}

    # Problems

    def add(self, problem: Problem) -> None:
        if len(self.problems) >= MAX_PROBLEMS:
            self.overflow += 1
            return
        self.problems.append(problem)

    def lenient(self, file: str, line: int, column: str, message: str) -> None:
        """A value accepted as the binding meant it; one warning per file, column and value."""
        seen = self.leniencies.setdefault((file, column, message), [line, 0])
        seen[1] += 1

    def leniency_warnings(self) -> list[str]:
        warnings = []
        for (file, column, message), (line, rows) in self.leniencies.items():
            more = f" (and on {rows - 1} more row{'s' if rows > 2 else ''})" if rows > 1 else ""
            warnings.append(f"{file}:{line}: {column}: {message}{more}")
        return warnings

    def mode(self, entity: str) -> str:
        return self.modes.get(entity, "absent")

    def refer(self, row: Row, column: str, entity: str, sourced_id: str) -> None:
        """Check a reference now, or at the end of the file when it points into the file
        itself (a session's parent may come later)."""
        if entity == "orgs":
            self.referred_orgs.add(sourced_id)
        if entity == row.file_key:
            self.deferred.append((row.line, column, sourced_id))
        elif not self.knows(entity, sourced_id):
            row.problem(column, self.unknown(entity, sourced_id))

    def unknown(self, entity: str, sourced_id: str) -> str:
        where = "" if self.mode(entity) == "bulk" else " or in Homeroom"
        return f"“{sourced_id}” is not in {entity}.csv{where}"

    def knows(self, entity: str, sourced_id: str) -> bool:
        """Whether a reference resolves. References into a file that could not be read, or
        to one of its malformed rows, count as known: that file's own problem is reported."""
        if sourced_id in self.ids.get(entity, ()) or entity in self.unreadable:
            return True
        if sourced_id in self.unreadable_ids[entity]:
            return True
        if self.mode(entity) == "bulk":
            return False
        if entity not in self.stored_ids:
            self.stored_ids[entity] = self.known_in_homeroom(entity)
        return sourced_id in self.stored_ids[entity]

    # The whole set

    def check(self) -> bool:
        try:
            self.read_manifest()
            if not self.problems:
                for entity in spec.APPLY_ORDER:
                    if self.mode(entity) != "absent":
                        self.check_file(entity)
        except SetError as error:
            self.add(error.problem)
        self.warnings += self.leniency_warnings()
        if self.overflow:
            self.warnings.append(f"{self.overflow} more problems were not listed.")
        return not self.problems

    def read_manifest(self) -> None:
        for known, name in sorted(self.source.renamed.items()):
            self.warnings.append(
                f"{name}:0: file: OneRoster spells it {known}.csv; read as that file"
            )
        if "manifest" not in self.source.files:
            raise SetError(
                Problem(
                    "manifest.csv", 0, "file", "missing; a OneRoster set always has a manifest.csv"
                )
            )
        properties = {}
        rows = self.source.rows("manifest")
        header = next(rows, None)
        if header is None:
            raise SetError(Problem("manifest.csv", 1, "header", "the file is empty"))
        if header[1] != ["propertyName", "value"]:
            raise SetError(
                Problem("manifest.csv", 1, "header", "must be exactly propertyName,value")
            )
        for line, fields in rows:
            if len(fields) != 2:
                self.add(
                    Problem(
                        "manifest.csv", line, "value", f"has {len(fields)} fields, the header has 2"
                    )
                )
                continue
            properties[fields[0].strip()] = (line, fields[1].strip())
        line, version = properties.pop("oneroster.version", (0, ""))
        if line and not version:
            version = self.version_from_columns()
            if version:
                self.warnings.append(
                    f"manifest.csv:{line}: oneroster.version: blank; read as {version}, "
                    "the version whose columns users.csv has"
                )
            else:
                raise SetError(
                    Problem(
                        "manifest.csv",
                        line,
                        "oneroster.version",
                        "blank, and the columns of users.csv do not tell 1.1 from 1.2",
                    )
                )
        if version not in {spec.V11, spec.V12}:
            raise SetError(
                Problem(
                    "manifest.csv",
                    line or 1,
                    "oneroster.version",
                    f"“{version}” is not 1.1 or 1.2" if version else "missing",
                )
            )
        self.version = version
        properties.pop("manifest.version", None)
        readable = set(spec.COLUMNS[version])
        for key, (line, value) in sorted(properties.items()):
            if not key.startswith("file."):
                if not key.startswith("source."):
                    self.warnings.append(
                        f"manifest.csv:{line}: propertyName: unknown property “{key}”, ignored"
                    )
                continue
            entity = key.removeprefix("file.")
            if not value:
                value = "bulk" if entity in self.source.files else "absent"
                has = "has" if value == "bulk" else "has no"
                self.warnings.append(
                    f"manifest.csv:{line}: {key}: blank; read as {value} "
                    f"(the set {has} {entity}.csv)"
                )
            elif value.lower() in spec.MANIFEST_MODES and value not in spec.MANIFEST_MODES:
                self.warnings.append(
                    f"manifest.csv:{line}: {key}: “{value}” read as “{value.lower()}”"
                )
                value = value.lower()
            if value not in spec.MANIFEST_MODES:
                self.add(
                    Problem("manifest.csv", line, key, f"“{value}” is not bulk, delta or absent")
                )
            elif entity in readable:
                self.modes[entity] = value
        for entity in sorted(readable):
            declared = self.modes.get(entity, "absent")
            present = entity in self.source.files
            if present and declared == "absent":
                self.warnings.append(
                    f"{entity}.csv is in the set but the manifest says absent; "
                    "it was read as a bulk file"
                )
                self.modes[entity] = "bulk"
            elif not present and declared != "absent":
                self.warnings.append(
                    f"the manifest lists {entity}.csv as {declared} but the set "
                    "has no such file; it was treated as absent"
                )
                self.modes[entity] = "absent"
        for entity in sorted(set(self.source.files) - readable - {"manifest"}):
            reason = (
                "Homeroom does not read it"
                if entity in spec.SKIPPED_FILES or entity in spec.COLUMNS[spec.V12]
                else "not a OneRoster file"
            )
            self.warnings.append(f"{entity}.csv was skipped: {reason}")

    def version_from_columns(self) -> str:
        """The one version whose users.csv columns the set's users.csv has, or ""."""
        if "users" not in self.source.files:
            return ""
        rows = self.source.rows("users")
        header = next(rows, None)
        rows.close()
        names = {name.strip() for name in header[1]} if header else set()
        names = {name for name in names if not name.startswith("metadata.")}
        fitting = [
            version
            for version in (spec.V11, spec.V12)
            if names <= {column.name for column in spec.columns(version, "users")}
            and {c.name for c in spec.columns(version, "users") if c.required is True} <= names
        ]
        return fitting[0] if len(fitting) == 1 else ""

    def header(self, entity: str, fields: list[str]) -> dict[str, int] | None:
        file_name = f"{entity}.csv"
        expected = spec.columns(self.version, entity)
        names = [name.strip() for name in fields]
        known = {column.name.lower(): column.name for column in expected}
        ok = True
        for index, name in enumerate(names):
            if name.startswith("metadata.") or name in {c.name for c in expected}:
                if names.index(name) != index:
                    self.add(Problem(file_name, 1, name, "appears twice in the header"))
                    ok = False
                continue
            if name.lower() in known:
                self.add(Problem(file_name, 1, name, f"must be spelled “{known[name.lower()]}”"))
            else:
                self.add(
                    Problem(
                        file_name,
                        1,
                        name or f"column {index + 1}",
                        "not a column of this file; extra columns must start with “metadata.”",
                    )
                )
            ok = False
        missing = [
            column.name
            for column in expected
            if column.name not in names and column.name.lower() not in {n.lower() for n in names}
        ]
        for name in missing:
            self.add(Problem(file_name, 1, name, "missing column"))
            ok = False
        if ok:
            order = [name for name in names if not name.startswith("metadata.")]
            if order != [column.name for column in expected]:
                self.add(
                    Problem(
                        file_name,
                        1,
                        "header",
                        "columns are out of order; the binding's order is "
                        + ",".join(column.name for column in expected),
                    )
                )
                ok = False
        return {name: index for index, name in enumerate(names)} if ok else None

    def raw_rows(self, entity: str) -> Iterator[tuple[int, dict[str, str]]]:
        """(line, {column: text}) of one file's data rows; header and width checked."""
        file_name = f"{entity}.csv"
        rows = self.source.rows(entity)
        header = next(rows, None)
        if header is None:
            self.add(Problem(file_name, 1, "header", "the file is empty"))
            self.unreadable.add(entity)
            return
        positions = self.header(entity, header[1])
        if positions is None:
            self.unreadable.add(entity)
            return
        width = len(header[1])
        for line, fields in rows:
            if not any(field.strip() for field in fields):
                continue
            if len(fields) != width:
                self.add(
                    Problem(
                        file_name, line, "row", f"has {len(fields)} fields, the header has {width}"
                    )
                )
                self.unreadable_ids[entity].add(fields[0].strip())
                continue
            yield line, dict(zip(positions, fields, strict=True))

    def rows(self, entity: str) -> Iterator[Record]:
        """Converted records of one file, problems recorded."""
        for line, values in self.raw_rows(entity):
            yield self.convert(entity, line, values)

    def convert(self, entity: str, line: int, values: dict[str, str]) -> Record:
        row = Row(f"{entity}.csv", line, values, self)
        sourced_id = row.text("sourcedId", required=True)
        allowed = spec.STATUS | (spec.STATUS_11_EXTRA if self.version == spec.V11 else set())
        status = row.choice("status", allowed, required=self.mode(entity) == "delta")
        modified = row.timestamp("dateLastModified")
        record = CONVERTERS[entity](row)
        record.sourced_id = sourced_id
        record.active = status not in {"tobedeleted", "inactive"}
        record.values["date_last_modified"] = modified
        record.line = line
        record.raw_fingerprint = fingerprint(values)
        return record

    def unconverted(self, entity: str) -> Iterator[Record]:
        """Records of an already checked file with only their id, status and fingerprint:
        enough to tell whether a row changed. `convert(record)` fills in the rest."""
        for line, values in self.raw_rows(entity):
            status = values.get("status", "").strip().lower()
            yield Record(
                values["sourcedId"].strip(),
                status not in {"tobedeleted", "inactive"},
                {},
                line=line,
                raw_fingerprint=fingerprint(values),
                raw=values,
            )

    def check_site_names(self, orgs) -> None:
        """Schools and districts become sites, and every site needs its own name."""
        named: dict[str, int] = {}
        for record in orgs:
            if record.values["org_type"] not in SITE_ORG_TYPES:
                continue
            name = record.values["name"].lower()
            if name in named:
                self.add(
                    Problem(
                        "orgs.csv",
                        record.line,
                        "name",
                        f"“{record.values['name']}” is also the name on line "
                        f"{named[name]}; each school needs its own name",
                    )
                )
            else:
                named[name] = record.line

    def check_file(self, entity: str) -> None:
        file_name = f"{entity}.csv"
        seen: dict[str, int] = {}
        kept = {} if entity in KEPT_IN_MEMORY else None
        count = 0
        for record in self.rows(entity):
            count += 1
            if count % 5000 == 0:
                self.progress(f"Checking {file_name}", self.rows_read + count)
            if record.sourced_id in seen:
                self.add(
                    Problem(
                        file_name,
                        record.line,
                        "sourcedId",
                        f"“{record.sourced_id}” is already used on line {seen[record.sourced_id]}",
                    )
                )
                continue
            seen[record.sourced_id] = record.line
            if kept is not None:
                kept[record.sourced_id] = record
        if entity == "orgs":
            self.check_site_names(kept.values())
        self.ids[entity] = set(seen)
        for line, column, sourced_id in self.deferred:
            if not self.knows(entity, sourced_id):
                self.add(Problem(file_name, line, column, self.unknown(entity, sourced_id)))
        self.deferred = []
        self.row_counts[entity] = count
        self.rows_read += count
        if kept is not None:
            self.records[entity] = kept
        self.progress(f"Checked {file_name}", self.rows_read)
