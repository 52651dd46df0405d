"""LMS provisioning files from the roster: Canvas's SIS import CSVs, Schoology's user and
course-enrollment import CSVs, and a OneRoster 1.1 CSV set (the form Google Classroom's and
most platforms' roster sync read), for one school or the whole district.

Each file is a header and a generator of rows read in batches from the database, so a
district of any size is written without holding it in memory; `write_zip` streams the
files into a zip. Every cell goes through the shared export's formula neutralising, so a
name typed as "=HYPERLINK(…)" reaches the LMS as text. A person who cannot sign in to an
LMS (no username and no email) is left out of Canvas's files and named as a problem."""

import csv
import datetime
import hashlib
import json
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q

from homeroom.core.lists import csv_cell

BATCH = 2000

# Canvas SIS import: the columns Canvas requires, then those written beside them.
CANVAS = {
    "users.csv": ["user_id", "login_id", "first_name", "last_name", "email", "status"],
    "courses.csv": ["course_id", "short_name", "long_name", "status", "term_id"],
    "sections.csv": ["section_id", "course_id", "name", "status"],
    "enrollments.csv": ["course_id", "section_id", "user_id", "role", "status"],
}
CANVAS_REQUIRED = {
    "users.csv": {"user_id", "login_id", "status"},
    "courses.csv": {"course_id", "short_name", "long_name", "status"},
    "sections.csv": {"section_id", "course_id", "name", "status"},
    "enrollments.csv": {"course_id", "user_id", "role", "status"},
}
CANVAS_ROLES = {"student": "student", "teacher": "teacher", "aide": "ta"}

# OneRoster 1.1 bulk CSV, in the specification's column order.
ONEROSTER = {
    "orgs.csv": ["sourcedId", "status", "dateLastModified", "name", "type", "identifier",
                 "parentSourcedId"],
    "academicSessions.csv": ["sourcedId", "status", "dateLastModified", "title", "type",
                             "startDate", "endDate", "parentSourcedId", "schoolYear"],
    "courses.csv": ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title",
                    "courseCode", "grades", "orgSourcedId", "subjects", "subjectCodes"],
    "classes.csv": ["sourcedId", "status", "dateLastModified", "title", "grades",
                    "courseSourcedId", "classCode", "classType", "location", "schoolSourcedId",
                    "termSourcedIds", "subjects", "subjectCodes", "periods"],
    "users.csv": ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds",
                  "role", "username", "userIds", "givenName", "familyName", "middleName",
                  "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
                  "password"],
    "enrollments.csv": ["sourcedId", "status", "dateLastModified", "classSourcedId",
                        "schoolSourcedId", "userSourcedId", "role", "primary", "beginDate",
                        "endDate"],
}  # fmt: skip
ROLE_BY_KIND = {
    "student": "student",
    "teacher": "teacher",
    "aide": "aide",
    "administrator": "administrator",
    "staff": "administrator",
    "guardian": "guardian",
}
FORMATS = {
    "canvas": "Canvas SIS import",
    "schoology": "Schoology user and enrollment imports",
    "oneroster": "OneRoster 1.1 CSV",
}

# Schoology's import columns: the ones it requires, with the role and school taken from the
# file; an enrollment type of 1 makes a course admin (a teacher), 2 a member (a student).
SCHOOLOGY = {
    "users.csv": ["First Name", "Last Name", "Username", "E-mail", "User Unique ID", "Role",
                  "School"],
    "enrollments.csv": ["Course Code", "Section Code", "User Unique ID", "Enrollment Type"],
}  # fmt: skip
SCHOOLOGY_ROLES = {"student": "Student", "teacher": "Teacher", "aide": "Teacher"}
SCHOOLOGY_ROLE_BY_KIND = {"student": "Student", "guardian": "Parent"}
SCHOOLOGY_ENROLLMENT = {"teacher": "1", "aide": "1", "student": "2"}


def key(record, prefix: str) -> str:
    """The id an LMS knows a record by: its OneRoster sourcedId, or Homeroom's own."""
    return record.sourced_id or f"homeroom-{prefix}-{record.pk}"


def _stamp(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value.isoformat()


@dataclass
class Scope:
    """What a set of files covers: one school, or every school (`site` None)."""

    site: object = None
    term: object = None  # an AcademicSession: the classes of it or of its parts
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # Canvas only: fingerprints of what is written (to keep as the next diff's baseline), and
    # with `diff`, the previous export's, so that only what changed is written.
    fingerprints: "Fingerprints | None" = None
    deleted: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The baseline's name for this scope: school (or district) and term."""
        site = self.site.pk if self.site is not None else "district"
        term = self.term.pk if self.term is not None else "all"
        return f"site={site}:term={term}"

    def classes(self):
        from homeroom.people.models import SchoolClass

        classes = SchoolClass.objects.filter(is_active=True)
        if self.term is not None:
            terms = Q(terms=self.term) | Q(terms__parent=self.term)
            classes = classes.filter(pk__in=SchoolClass.objects.filter(terms).values("pk"))
        return classes.filter(site=self.site) if self.site is not None else classes

    def enrollments(self):
        from homeroom.people.models import Enrollment

        return Enrollment.objects.filter(
            is_active=True, person__is_active=True, school_class__in=self.classes()
        )

    def people(self):
        from homeroom.people.models import Person

        enrolled = self.enrollments().values("person_id")
        people = Person.objects.filter(is_active=True).exclude(kind="guardian")
        if self.term is not None:
            return people.filter(pk__in=enrolled)
        if self.site is None:
            return people
        return people.filter(Q(primary_site=self.site) | Q(pk__in=enrolled))


def _batched(queryset) -> Iterator:
    return queryset.iterator(chunk_size=BATCH)


# Canvas.


def canvas_files(scope: Scope) -> dict[str, Iterator[list]]:
    return {
        "users.csv": _canvas_users(scope),
        "courses.csv": _canvas_courses(scope),
        "sections.csv": _canvas_sections(scope),
        "enrollments.csv": _canvas_enrollments(scope),
    }


def login_of(person) -> str:
    return person.username or person.email


def _canvas_users(scope: Scope):
    people = (
        scope.people()
        .order_by("pk")
        .only("sourced_id", "username", "email", "given_name", "family_name", "kind")
    )
    for person in _batched(people):
        login = login_of(person)
        if not login:
            scope.problems.append(
                f"{person.given_name} {person.family_name} ({key(person, 'person')}): "
                "no username or email, so no Canvas account; left out with their enrollments."
            )
            continue
        yield [
            key(person, "person"),
            login,
            person.given_name,
            person.family_name,
            person.email,
            "active",
        ]


def _canvas_courses(scope: Scope):
    for school_class in _batched(scope.classes().order_by("pk")):
        yield [
            key(school_class, "class"),
            school_class.class_code or school_class.title,
            school_class.title,
            "active",
            "",
        ]


def _canvas_sections(scope: Scope):
    for school_class in _batched(scope.classes().order_by("pk")):
        name = school_class.title
        if school_class.periods:
            name += f" (period {school_class.periods})"
        yield [key(school_class, "class") + "-s", key(school_class, "class"), name, "active"]


def _canvas_enrollments(scope: Scope):
    rows = (
        scope.enrollments()
        .filter(role__in=CANVAS_ROLES)
        .exclude(person__username="", person__email="")
        .order_by("pk")
        .values_list(
            "role", "school_class__sourced_id", "school_class_id", "person__sourced_id", "person_id"
        )
    )
    for role, class_sid, class_pk, person_sid, person_pk in rows.iterator(chunk_size=BATCH):
        course = class_sid or f"homeroom-class-{class_pk}"
        yield [
            course,
            course + "-s",
            person_sid or f"homeroom-person-{person_pk}",
            CANVAS_ROLES[role],
            "active",
        ]


# Schoology.


def schoology_files(scope: Scope) -> dict[str, Iterator[list]]:
    return {"users.csv": _schoology_users(scope), "enrollments.csv": _schoology_enrollments(scope)}


def _schoology_users(scope: Scope):
    people = scope.people().select_related("primary_site").order_by("pk")
    for person in _batched(people):
        if not login_of(person):
            scope.problems.append(
                f"{person.given_name} {person.family_name} ({key(person, 'person')}): "
                "no username or email, so no Schoology account; left out with their "
                "enrollments."
            )
            continue
        yield [
            person.given_name,
            person.family_name,
            person.username,
            person.email,
            key(person, "person"),
            SCHOOLOGY_ROLE_BY_KIND.get(person.kind, "Teacher"),
            person.primary_site.code if person.primary_site_id else "",
        ]


def _schoology_enrollments(scope: Scope):
    rows = (
        scope.enrollments()
        .filter(role__in=SCHOOLOGY_ENROLLMENT)
        .exclude(person__username="", person__email="")
        .order_by("pk")
        .values_list(
            "role", "school_class__sourced_id", "school_class_id",
            "school_class__course__course_code", "person__sourced_id", "person_id",
        )
    )  # fmt: skip
    for role, class_sid, class_pk, course_code, person_sid, person_pk in rows.iterator(
        chunk_size=BATCH
    ):
        section = class_sid or f"homeroom-class-{class_pk}"
        yield [
            course_code or section,
            section,
            person_sid or f"homeroom-person-{person_pk}",
            SCHOOLOGY_ENROLLMENT[role],
        ]


# OneRoster 1.1.


def oneroster_files(scope: Scope) -> dict[str, Iterator[list]]:
    return {
        "orgs.csv": _or_orgs(scope),
        "academicSessions.csv": _or_sessions(scope),
        "courses.csv": _or_courses(scope),
        "classes.csv": _or_classes(scope),
        "users.csv": _or_users(scope),
        "enrollments.csv": _or_enrollments(scope),
    }


def _org_type(site) -> str:
    return "district" if site.type == "district_office" else "school"


def _or_orgs(scope: Scope):
    from homeroom.core.models import Site

    sites = Site.objects.filter(is_active=True)
    if scope.site is not None:
        sites = sites.filter(pk=scope.site.pk)
    for site in sites.order_by("pk"):
        yield [key(site, "site"), "", "", site.name, _org_type(site), site.code, ""]


def _or_sessions(scope: Scope):
    from homeroom.people.models import AcademicSession

    sessions = AcademicSession.objects.filter(is_active=True).select_related("parent")
    for session in sessions.order_by("pk"):
        yield [
            key(session, "session"),
            "",
            _stamp(session.date_last_modified),
            session.title,
            session.type,
            _stamp(session.start_date),
            _stamp(session.end_date),
            key(session.parent, "session") if session.parent_id else "",
            str(session.school_year),
        ]


def _or_courses(scope: Scope):
    from homeroom.people.models import Course

    courses = Course.objects.filter(is_active=True).select_related("site", "school_year")
    if scope.site is not None:
        courses = courses.filter(Q(site=scope.site) | Q(classes__in=scope.classes())).distinct()
    for course in _batched(courses.order_by("pk")):
        yield [
            key(course, "course"),
            "",
            _stamp(course.date_last_modified),
            key(course.school_year, "session") if course.school_year_id else "",
            course.title,
            course.course_code,
            course.grades,
            key(course.site, "site") if course.site_id else "",
            course.subjects,
            "",
        ]


def _or_classes(scope: Scope):
    classes = (
        scope.classes().select_related("course", "site").prefetch_related("terms").order_by("pk")
    )
    for school_class in classes.iterator(chunk_size=BATCH):
        yield [
            key(school_class, "class"),
            "",
            _stamp(school_class.date_last_modified),
            school_class.title,
            school_class.grades,
            key(school_class.course, "course") if school_class.course_id else "",
            school_class.class_code,
            school_class.class_type,
            school_class.location,
            key(school_class.site, "site"),
            ",".join(key(term, "session") for term in school_class.terms.all()),
            school_class.subjects,
            "",
            school_class.periods,
        ]


def _or_users(scope: Scope):
    people = scope.people().select_related("primary_site").order_by("pk")
    for person in _batched(people):
        site = person.primary_site
        yield [
            key(person, "person"),
            "",
            _stamp(person.date_last_modified),
            "true" if person.enabled_user else "false",
            key(site, "site") if site is not None else "",
            ROLE_BY_KIND.get(person.kind, "student"),
            person.username,
            f"{{state:{person.state_id}}}" if person.state_id else "",
            person.given_name,
            person.family_name,
            person.middle_name,
            person.identifier,
            person.email,
            "",
            person.phone,
            "",
            person.grades,
            "",
        ]


def _or_enrollments(scope: Scope):
    rows = (
        scope.enrollments()
        .order_by("pk")
        .values_list(
            "sourced_id", "pk", "date_last_modified", "school_class__sourced_id",
            "school_class_id", "site__sourced_id", "site_id", "person__sourced_id", "person_id",
            "role", "primary", "begin_date", "end_date",
        )
    )  # fmt: skip
    for (sid, pk, modified, class_sid, class_pk, site_sid, site_pk, person_sid, person_pk,
         role, primary, begins, ends) in rows.iterator(chunk_size=BATCH):  # fmt: skip
        yield [
            sid or f"homeroom-enrollment-{pk}",
            "",
            _stamp(modified),
            class_sid or f"homeroom-class-{class_pk}",
            site_sid or f"homeroom-site-{site_pk}",
            person_sid or f"homeroom-person-{person_pk}",
            role,
            "true" if primary else "false",
            _stamp(begins),
            _stamp(ends),
        ]


def oneroster_manifest() -> list[list[str]]:
    rows = [["manifest.version", "1.0"], ["oneroster.version", "1.1"]]
    present = {name.removesuffix(".csv") for name in ONEROSTER}
    for name in ("academicSessions", "categories", "classes", "classResources", "courses",
                 "courseResources", "demographics", "enrollments", "lineItems", "orgs",
                 "resources", "results", "users"):  # fmt: skip
        rows.append([f"file.{name}", "bulk" if name in present else "absent"])
    return rows


# Canvas's diffing: per file, how many leading columns make a row's key, how many leading
# columns a `deleted` row needs (Canvas requires them), and where its status column is.
CANVAS_KEY = {"users.csv": 1, "courses.csv": 1, "sections.csv": 1, "enrollments.csv": 4}
CANVAS_KEEP = {"users.csv": 2, "courses.csv": 3, "sections.csv": 3, "enrollments.csv": 4}
SEP = "\x1f"


def _digest(cells: list[str]) -> str:
    return hashlib.blake2b(SEP.join(cells).encode(), digest_size=8).hexdigest()


class Fingerprints:
    """The rows of one Canvas export as {file: {key: hash + the columns a deleted row
    needs}}. With `previous` (an earlier export's), `filter` passes on only rows that are
    new or changed, then the rows that disappeared, marked `deleted`."""

    def __init__(self, previous: dict | None = None):
        self.previous = previous
        self.current: dict[str, dict[str, str]] = {}

    @property
    def diffing(self) -> bool:
        return self.previous is not None

    def filter(self, name: str, header: list[str], rows, scope: Scope) -> Iterator[list]:
        keyed, kept = CANVAS_KEY[name], CANVAS_KEEP[name]
        before = self.previous.get(name, {}) if self.previous is not None else None
        now = self.current.setdefault(name, {})
        for row in rows:
            cells = ["" if value is None else str(value) for value in row]
            row_key = SEP.join(cells[:keyed])
            value = SEP.join([_digest(cells), *cells[keyed:kept]])
            now[row_key] = value
            if before is None or before.pop(row_key, None) != value:
                yield row
        if not before:
            return
        status = header.index("status")
        scope.deleted[name] = len(before)
        for row_key, value in before.items():
            if row_key in now:  # a key seen twice in this export
                continue
            cells = row_key.split(SEP) + value.split(SEP)[1:]
            cells += [""] * (len(header) - len(cells))
            cells[status] = "deleted"
            yield cells

    def dump(self) -> bytes:
        return zlib.compress(json.dumps(self.current, separators=(",", ":")).encode(), 6)

    @staticmethod
    def load(data: bytes) -> dict:
        return json.loads(zlib.decompress(bytes(data)))

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.current.values())


def files_of(kind: str, scope: Scope) -> dict[str, tuple[list[str], Iterator[list]]]:
    """{file name: (header, rows)} of a format."""
    if kind == "canvas":
        files = {name: (CANVAS[name], rows) for name, rows in canvas_files(scope).items()}
        if scope.fingerprints is not None:
            files = {
                name: (header, scope.fingerprints.filter(name, header, rows, scope))
                for name, (header, rows) in files.items()
            }
        return files
    if kind == "schoology":
        return {name: (SCHOOLOGY[name], rows) for name, rows in schoology_files(scope).items()}
    if kind == "oneroster":
        files = {"manifest.csv": (["propertyName", "value"], iter(oneroster_manifest()))}
        for name, rows in oneroster_files(scope).items():
            files[name] = (ONEROSTER[name], rows)
        return files
    raise ValueError(f"Unknown format {kind!r}: choose {', '.join(FORMATS)}.")


class _Sink:
    """A file-like target that hands on what is written to it (for streaming a zip)."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self.chunks)
        self.chunks.clear()
        return out


def write_csv(handle, header: list[str], rows) -> int:
    """Write one file's rows (formula-neutralised) to a text handle; return the row count."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
        count += 1
    return count


def _write_members(archive: zipfile.ZipFile, kind: str, scope: Scope) -> Iterator[int]:
    """Write the format's files into `archive`, yielding the rows written so far every BATCH
    rows of a file and at each file's end."""
    import io

    written = 0
    for name, (header, rows) in files_of(kind, scope).items():
        with archive.open(name, "w") as member:
            text = io.TextIOWrapper(member, encoding="utf-8", newline="")
            writer = csv.writer(text, lineterminator="\n")
            writer.writerow(header)
            count = 0
            for row in rows:
                writer.writerow([csv_cell(value) for value in row])
                count += 1
                if count % BATCH == 0:
                    text.flush()
                    yield written + count
            text.flush()
            text.detach()
        scope.counts[name] = count
        written += count
        yield written


def stream_zip(kind: str, scope: Scope) -> Iterator[bytes]:
    """The format's files in a zip, produced piece by piece for a streaming response."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for _written in _write_members(archive, kind, scope):
            yield sink.take()
    yield sink.take()


def write_folder(kind: str, scope: Scope, folder) -> dict[str, int]:
    """Write the format's files into a folder; return the rows per file."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, (header, rows) in files_of(kind, scope).items():
        with open(folder / name, "w", encoding="utf-8", newline="") as handle:
            scope.counts[name] = write_csv(handle, header, rows)
    return scope.counts


def write_zip(kind: str, scope: Scope, path, *, progress=None) -> dict[str, int]:
    """Write the format's files into a zip file at `path`, calling `progress(rows written)`
    as it goes; return the rows per file."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for written in _write_members(archive, kind, scope):
            if progress is not None:
                progress(written)
    return scope.counts


def preview(kind: str, scope: Scope) -> dict:
    """Counts and problems without writing a file (it reads every row, as an export does).
    For a Canvas diff, the counts are of the rows that changed, and `full` says whether
    there was no earlier export to compare with (so the files would hold everything)."""
    for name, (_header, rows) in files_of(kind, scope).items():
        scope.counts[name] = sum(1 for _ in rows)
    full = scope.fingerprints is None or not scope.fingerprints.diffing
    return {
        "counts": scope.counts,
        "problems": scope.problems,
        "deleted": scope.deleted,
        "full": full,
    }
