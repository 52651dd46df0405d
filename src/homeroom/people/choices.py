from django.db import models


class PersonKind(models.TextChoices):
    STUDENT = "student", "Student"
    TEACHER = "teacher", "Teacher"
    STAFF = "staff", "Staff"
    ADMINISTRATOR = "administrator", "Administrator"
    AIDE = "aide", "Aide"
    GUARDIAN = "guardian", "Guardian"


class ClassType(models.TextChoices):
    HOMEROOM = "homeroom", "Homeroom"
    SCHEDULED = "scheduled", "Scheduled"


class SessionType(models.TextChoices):
    SCHOOL_YEAR = "schoolYear", "School year"
    SEMESTER = "semester", "Semester"
    TERM = "term", "Term"
    GRADING_PERIOD = "gradingPeriod", "Grading period"


class EnrollmentRole(models.TextChoices):
    STUDENT = "student", "Student"
    TEACHER = "teacher", "Teacher"
    AIDE = "aide", "Aide"
    ADMINISTRATOR = "administrator", "Administrator"
    PROCTOR = "proctor", "Proctor"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    CHECKING = "checking", "Checking"
    CHECKED = "checked", "Checked, ready to apply"
    REJECTED = "rejected", "Has errors, nothing changed"
    APPLYING = "applying", "Applying"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed, nothing changed"


# Which import statuses may follow which.
IMPORT_TRANSITIONS = {
    ImportStatus.QUEUED: {ImportStatus.CHECKING, ImportStatus.FAILED},
    ImportStatus.CHECKING: {ImportStatus.CHECKED, ImportStatus.REJECTED, ImportStatus.FAILED},
    ImportStatus.CHECKED: {ImportStatus.APPLYING},
    ImportStatus.APPLYING: {ImportStatus.APPLIED, ImportStatus.REJECTED, ImportStatus.FAILED},
    ImportStatus.REJECTED: set(),
    ImportStatus.APPLIED: set(),
    ImportStatus.FAILED: {ImportStatus.QUEUED},  # checked again after its worker died
}


GRADE_CHOICES = [
    ("IT", "Infant/toddler"),
    ("PR", "Preschool"),
    ("PK", "Pre-kindergarten"),
    ("TK", "Transitional kindergarten"),
    ("KG", "Kindergarten"),
    *((f"{n:02d}", f"Grade {n}") for n in range(1, 14)),
    ("PS", "Postsecondary"),
    ("UG", "Ungraded"),
    ("Other", "Other"),
]
