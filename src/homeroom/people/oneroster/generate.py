"""Writes realistic OneRoster CSV sets: the demo district, the benchmarks and the tests use it.

Deterministic for a seed. Each student is in one homeroom and some scheduled classes of their
school; each class has one teacher."""

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from homeroom.people.oneroster import spec

GIVEN = [
    "Maya",
    "Liam",
    "Ava",
    "Noah",
    "Sofia",
    "Elijah",
    "Amara",
    "Mateo",
    "Zoe",
    "Lucas",
    "Aisha",
    "Ethan",
    "Isabella",
    "Kai",
    "Priya",
    "Diego",
    "Hannah",
    "Omar",
    "Chloe",
    "Jin",
    "Grace",
    "Leo",
    "Fatima",
    "Owen",
    "Nia",
    "Samuel",
    "Layla",
    "Caleb",
    "Mei",
    "Gabriel",
    "Ruby",
    "Isaac",
    "Yara",
    "Henry",
    "Alina",
    "Jayden",
    "Esther",
    "Miles",
    "Luz",
    "Tariq",
]
FAMILY = [
    "Ortiz",
    "Nguyen",
    "Johnson",
    "Patel",
    "Kim",
    "Garcia",
    "Okafor",
    "Smith",
    "Chen",
    "Martinez",
    "Brown",
    "Haddad",
    "Lopez",
    "Williams",
    "Novak",
    "Singh",
    "Davis",
    "Ali",
    "Rossi",
    "Jackson",
    "Tanaka",
    "Wilson",
    "Moreno",
    "Anderson",
    "Kowalski",
    "Thomas",
    "Hernandez",
    "Murphy",
    "Osei",
    "Lee",
    "Clark",
    "Reyes",
    "Young",
    "Ibrahim",
    "Walker",
]
SUBJECTS = [
    "English",
    "Mathematics",
    "Science",
    "Social Studies",
    "Art",
    "Music",
    "Physical Education",
    "Computer Science",
    "Spanish",
    "Health",
]
GRADES = {
    "elementary": ["KG", "01", "02", "03", "04", "05"],
    "middle": ["06", "07", "08"],
    "high": ["09", "10", "11", "12"],
}


# 1.2 splits the 1.1 administrator role by level.
ROLES_12 = {"administrator": "siteAdministrator"}


@dataclass(frozen=True)
class School:
    sourced_id: str
    name: str
    identifier: str
    level: str  # elementary, middle or high


def write_csv(folder: Path, name: str, header: list[str], rows) -> None:
    with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def header(version: str, name: str) -> list[str]:
    return [column.name for column in spec.columns(version, name)]


def generate(
    folder: Path,
    *,
    schools: list[School],
    students: int,
    staff: int,
    classes: int,
    classes_per_student: int,
    seed: int = 2026,
    version: str = spec.V11,
    school_year: int = 2027,
    email_domain: str = "riverside.example.org",
    district: tuple[str, str] = ("Riverside Unified School District", "RUSD"),
) -> dict:
    """Write a bulk set into `folder`; returns the row count per file."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    year = f"{school_year - 1}-{school_year % 100:02d}"
    sessions = [
        (
            "sy",
            f"School year {year}",
            "schoolYear",
            f"{school_year - 1}-08-15",
            f"{school_year}-06-10",
            "",
        ),
        (
            "s1",
            f"Fall semester {year}",
            "semester",
            f"{school_year - 1}-08-15",
            f"{school_year - 1}-12-20",
            "sy",
        ),
        (
            "s2",
            f"Spring semester {year}",
            "semester",
            f"{school_year}-01-06",
            f"{school_year}-06-10",
            "sy",
        ),
    ]
    orgs = [("district", district[0], "district", district[1], "")]
    orgs += [(s.sourced_id, s.name, "school", s.identifier, "district") for s in schools]

    courses, class_rows, users, enrollments = [], [], [], []
    per_school_students = _split(students, len(schools))
    per_school_staff = _split(staff, len(schools))
    per_school_classes = _split(classes, len(schools))
    used_usernames: set[str] = set()
    person_number = 0

    def person(role: str, school: School, grade: str = "") -> str:
        nonlocal person_number
        person_number += 1
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        username = f"{given}.{family}".lower()
        if username in used_usernames:
            username = f"{username}{person_number}"
        used_usernames.add(username)
        sid = f"u{person_number:06d}"
        users.append(
            _user_row(
                version,
                sid,
                role,
                school,
                username,
                given,
                family,
                grade,
                f"{username}@{email_domain}",
                f"{100000 + person_number}",
            )
        )
        return sid

    for school, n_students, n_staff, n_classes in zip(
        schools, per_school_students, per_school_staff, per_school_classes, strict=True
    ):
        grades = GRADES[school.level]
        teachers = [person("teacher", school) for _ in range(max(1, n_staff * 4 // 5))]
        for _ in range(n_staff - len(teachers)):
            person(rng.choice(["administrator", "aide"]), school)
        n_homerooms = max(1, n_classes // max(classes_per_student, 1))
        school_classes = []
        for index in range(n_classes):
            grade = grades[index % len(grades)]
            homeroom = index < n_homerooms
            subject = "Homeroom" if homeroom else SUBJECTS[index % len(SUBJECTS)]
            course_sid = f"c-{school.identifier}-{subject[:4].lower()}-{grade}"
            if not any(row[0] == course_sid for row in courses[-40:]):
                courses.append(
                    (
                        course_sid,
                        f"{subject} {_grade_name(grade)}",
                        f"{subject[:3]}{grade}".upper(),
                        grade,
                        school.sourced_id,
                        subject,
                    )
                )
            class_sid = f"k-{school.identifier}-{index:04d}"
            teacher = teachers[index % len(teachers)]
            class_rows.append(
                (
                    class_sid,
                    f"{subject} {_grade_name(grade)}",
                    grade,
                    course_sid,
                    f"{school.identifier}-{index:04d}",
                    "homeroom" if homeroom else "scheduled",
                    f"Room {100 + index % 60}",
                    school.sourced_id,
                    "s1" if index % 2 else "sy",
                    subject,
                    str(1 + index % 7),
                )
            )
            enrollments.append(
                (f"e-{class_sid}-t", class_sid, school.sourced_id, teacher, "teacher", "true")
            )
            school_classes.append((class_sid, grade, homeroom))
        homerooms = [c for c in school_classes if c[2]]
        scheduled = [c for c in school_classes if not c[2]]
        for n in range(n_students):
            grade = grades[n % len(grades)]
            sid = person("student", school, grade)
            own_homerooms = [c for c in homerooms if c[1] == grade] or homerooms
            chosen = [own_homerooms[n // len(grades) % len(own_homerooms)]]
            same_grade = [c for c in scheduled if c[1] == grade] or scheduled
            if same_grade:
                chosen += rng.sample(same_grade, min(classes_per_student - 1, len(same_grade)))
            for class_sid, _, _ in chosen:
                enrollments.append(
                    (f"e-{class_sid}-{sid}", class_sid, school.sourced_id, sid, "student", "false")
                )

    write_csv(folder, "manifest", ["propertyName", "value"], _manifest(version))
    write_csv(
        folder,
        "orgs",
        header(version, "orgs"),
        ((sid, "", "", name, kind, ident, parent) for sid, name, kind, ident, parent in orgs),
    )
    write_csv(
        folder,
        "academicSessions",
        header(version, "academicSessions"),
        (
            (sid, "", "", title, kind, start, end, parent, school_year)
            for sid, title, kind, start, end, parent in sessions
        ),
    )
    write_csv(
        folder,
        "courses",
        header(version, "courses"),
        (
            (sid, "", "", "sy", title, code, grade, org, subject, "")
            for sid, title, code, grade, org, subject in courses
        ),
    )
    write_csv(
        folder,
        "classes",
        header(version, "classes"),
        ((row[0], "", "", *row[1:10], "", row[10]) for row in class_rows),
    )
    write_csv(folder, "users", header(version, "users"), (row for row, _ in users))
    write_csv(
        folder,
        "enrollments",
        header(version, "enrollments"),
        (
            (sid, "", "", class_sid, school, user, role, primary, "", "")
            for sid, class_sid, school, user, role, primary in enrollments
        ),
    )
    counts = {
        "orgs": len(orgs),
        "academicSessions": len(sessions),
        "courses": len(courses),
        "classes": len(class_rows),
        "users": len(users),
        "enrollments": len(enrollments),
    }
    if version == spec.V12:
        write_csv(
            folder,
            "roles",
            header(version, "roles"),
            (
                (
                    f"r-{row[0]}",
                    "",
                    "",
                    row[0],
                    "primary",
                    ROLES_12.get(role, role),
                    "",
                    "",
                    org,
                    "",
                )
                for row, (role, org) in users
            ),
        )
        counts["roles"] = len(users)
    return counts


def _user_row(version, sid, role, school, username, given, family, grade, email, identifier):
    if version == spec.V11:
        row = [
            sid,
            "",
            "",
            "true",
            school.sourced_id,
            role,
            username,
            f"{{state:{identifier}}}" if role == "student" else "",
            given,
            family,
            "",
            identifier,
            email,
            "",
            "",
            "",
            grade,
            "",
        ]
    else:
        row = [
            sid,
            "",
            "",
            "true",
            username,
            "",
            given,
            family,
            "",
            identifier,
            email,
            "",
            "",
            "",
            grade,
            "",
            "",
            "",
            "",
            "",
            school.sourced_id,
            "",
        ]
    return row, (role, school.sourced_id)


def _manifest(version: str) -> list[tuple[str, str]]:
    rows = [("manifest.version", "1.0"), ("oneroster.version", version)]
    present = {"orgs", "academicSessions", "courses", "classes", "users", "enrollments"}
    if version == spec.V12:
        present.add("roles")
    for name in sorted(spec.COLUMNS[version]):
        rows.append((f"file.{name}", "bulk" if name in present else "absent"))
    return rows


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def _grade_name(grade: str) -> str:
    return "Kindergarten" if grade == "KG" else f"Grade {int(grade)}"
