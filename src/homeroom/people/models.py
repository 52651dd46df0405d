import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone

from homeroom.core import roles
from homeroom.people.choices import ClassType, EnrollmentRole, ImportStatus, PersonKind, SessionType
from homeroom.people.search import name_key

TOKEN_PREFIX = "hr_"


def search_keys(family_name: str, given_name: str, preferred_given_name: str = "") -> tuple:
    return name_key(family_name)[:100], name_key(preferred_given_name or given_name)[:100]


class User(AbstractUser):
    """A login account. Its role is one of the role groups; `sites` limits it to some sites
    (an account with no sites, or a district admin, works at every site)."""

    sites = models.ManyToManyField("core.Site", blank=True, related_name="users")

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_absolute_url(self) -> str:
        return reverse("people:user_detail", args=[self.pk])

    @property
    def role_names(self) -> list[str]:
        if not hasattr(self, "_role_names"):
            self._role_names = sorted(group.name for group in self.groups.all())
        return self._role_names

    @property
    def role_label(self) -> str:
        if self.is_superuser and not self.role_names:
            return roles.DISTRICT_ADMIN
        return ", ".join(self.role_names) or "No role"

    @property
    def is_district_admin(self) -> bool:
        return self.is_active and (self.is_superuser or roles.DISTRICT_ADMIN in self.role_names)

    @property
    def sees_all_sites(self) -> bool:
        if not hasattr(self, "_sees_all_sites"):
            self._sees_all_sites = self.is_district_admin or not self.sites.exists()
        return self._sees_all_sites


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. Inventory script."
    )
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return TOKEN_PREFIX + secrets.token_urlsafe(32)

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PasswordLinkRequest(models.Model):
    """One request for a password-reset link, counted whether or not an account uses the
    address, to limit the mail one address or one client can cause. Kept a day."""

    email = models.CharField(max_length=254, help_text="Lower-cased as typed.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["email", "requested_at"], name="password_link_email"),
            models.Index(fields=["ip_address", "requested_at"], name="password_link_client"),
        ]

    def __str__(self) -> str:
        return f"{self.email} from {self.ip_address} at {self.requested_at:%Y-%m-%d %H:%M}"


class RosterRecord(models.Model):
    """Fields every record loaded from a student information system carries."""

    sourced_id = models.CharField(
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text="The OneRoster sourcedId; empty for records made in Homeroom.",
    )
    is_active = models.BooleanField(default=True)
    date_last_modified = models.DateTimeField(null=True, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    # A fingerprint of the imported row: an unchanged row is skipped without a write.
    row_hash = models.CharField(max_length=32, blank=True, editable=False)

    class Meta:
        abstract = True


class AcademicSession(RosterRecord):
    """A school year, semester, term or grading period."""

    title = models.CharField(max_length=200)
    type = models.CharField(max_length=20, choices=SessionType.choices)
    start_date = models.DateField()
    end_date = models.DateField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    school_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["-start_date", "title"]

    def __str__(self) -> str:
        return self.title


class Course(RosterRecord):
    """A course in the catalogue; classes are its sections."""

    title = models.CharField(max_length=200)
    course_code = models.CharField(max_length=100, blank=True)
    grades = models.CharField(max_length=100, blank=True)
    subjects = models.CharField(max_length=255, blank=True)
    site = models.ForeignKey(
        "core.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="courses"
    )
    school_year = models.ForeignKey(
        AcademicSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class SchoolClass(RosterRecord):
    """A class (section): a course taught to a group of students at one site."""

    title = models.CharField(max_length=200)
    class_code = models.CharField(max_length=100, blank=True)
    class_type = models.CharField(
        max_length=20, choices=ClassType.choices, default=ClassType.SCHEDULED
    )
    location = models.CharField(max_length=200, blank=True)
    course = models.ForeignKey(
        Course, null=True, blank=True, on_delete=models.PROTECT, related_name="classes"
    )
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="classes")
    terms = models.ManyToManyField(AcademicSession, blank=True, related_name="classes")
    grades = models.CharField(max_length=100, blank=True)
    subjects = models.CharField(max_length=255, blank=True)
    periods = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["title", "class_code"]
        verbose_name = "class"
        verbose_name_plural = "classes"
        indexes = [models.Index(fields=["site", "is_active", "title"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.class_code})" if self.class_code else self.title

    def get_absolute_url(self) -> str:
        return reverse("people:class_detail", args=[self.pk])


class Person(RosterRecord):
    """A student, teacher or other member of staff, usually loaded from the roster.

    Devices, tickets, loans and fees belong to people; `user` links the person to a login
    account when they have one."""

    kind = models.CharField(max_length=20, choices=PersonKind.choices, default=PersonKind.STUDENT)
    given_name = models.CharField(max_length=100)
    preferred_given_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100)
    preferred_family_name = models.CharField(max_length=100, blank=True)
    # Search keys (see people.search): the family name and the name a person goes by.
    family_key = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    given_key = models.CharField(max_length=100, blank=True, editable=False, db_index=True)
    username = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    identifier = models.CharField(
        max_length=100, blank=True, help_text="The district's local id, often on the badge."
    )
    state_id = models.CharField(max_length=100, blank=True, verbose_name="state student id")
    grades = models.CharField(max_length=100, blank=True)
    grade = models.CharField(max_length=10, blank=True, help_text="The first of `grades`.")
    phone = models.CharField(max_length=50, blank=True)
    enabled_user = models.BooleanField(default=True)
    primary_site = models.ForeignKey(
        "core.Site", null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    sites = models.ManyToManyField("core.Site", blank=True, related_name="+")
    homeroom = models.ForeignKey(
        SchoolClass,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="homeroom_students",
    )
    roles = models.JSONField(
        default=dict, blank=True, help_text="OneRoster 1.2 roles by their sourcedId."
    )
    profiles = models.JSONField(
        default=dict, blank=True, help_text="OneRoster 1.2 user profiles by their sourcedId."
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )

    class Meta:
        ordering = ["family_name", "given_name", "pk"]
        verbose_name_plural = "people"
        permissions = [
            ("view_student_ids", "Can see students' local and state ids"),
            ("view_all_students", "Can see every student at their sites"),
        ]
        indexes = [
            models.Index(fields=["primary_site", "kind", "is_active", "family_name"]),
            models.Index(fields=["family_name", "given_name"]),
            models.Index(fields=["grade"]),
            models.Index(fields=["identifier"]),
            models.Index(fields=["username"]),
        ]

    def __str__(self) -> str:
        return f"{self.display_given_name} {self.preferred_family_name or self.family_name}"

    def save(self, *args, **kwargs):
        self.family_key, self.given_key = search_keys(
            self.family_name, self.given_name, self.preferred_given_name
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", args=[self.pk])

    @property
    def display_given_name(self) -> str:
        return self.preferred_given_name or self.given_name

    @property
    def grade_label(self) -> str:
        if not self.grade:
            return ""
        if self.grade == "KG":
            return "Kindergarten"
        if self.grade.isdigit():
            return f"Grade {int(self.grade)}"
        return self.grade


class Enrollment(RosterRecord):
    """A person in a class as a student, teacher or aide."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrollments")
    school_class = models.ForeignKey(
        SchoolClass, on_delete=models.PROTECT, related_name="enrollments"
    )
    site = models.ForeignKey("core.Site", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20, choices=EnrollmentRole.choices)
    primary = models.BooleanField(default=False)
    begin_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["school_class", "role", "person"]
        indexes = [
            models.Index(fields=["school_class", "is_active", "role"]),
            models.Index(fields=["person", "is_active"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.school_class_id} as {self.role}"


class RosterImport(models.Model):
    """A OneRoster import of before roster imports ran on core's import lifecycle. Its records
    were copied into core's ImportRun (kind "oneroster"); the model is kept for the roster
    import permissions the roles hold (view_rosterimport, add_rosterimport)."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    interface = models.CharField(max_length=10, default="web")
    file_name = models.CharField(max_length=255)
    file_path = models.CharField(max_length=500, blank=True, editable=False)
    file_sha256 = models.CharField(max_length=64)
    version = models.CharField(max_length=10, blank=True)
    modes = models.JSONField(default=dict, blank=True, help_text="File name to bulk or delta.")
    whole_district = models.BooleanField(
        default=False,
        help_text="The file is the whole district's roster: what it leaves out becomes "
        "inactive at every school. Otherwise only at the schools the file contains.",
    )
    impact = models.JSONField(
        default=dict,
        blank=True,
        help_text="What applying makes inactive, by school, and whether it needs confirming.",
    )
    confirmed_deactivations = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The number of people made inactive that the importer typed to confirm.",
    )
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    counts = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Roster import {self.pk} ({self.file_name})"

    def get_absolute_url(self) -> str:
        return reverse("people:import_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status in {ImportStatus.CHECKED, ImportStatus.APPLIED, ImportStatus.REJECTED}:
            return 100
        if not self.progress_total:
            return 0
        return min(99, self.progress_done * 100 // self.progress_total)

    @property
    def is_running(self) -> bool:
        return self.status in {ImportStatus.QUEUED, ImportStatus.CHECKING, ImportStatus.APPLYING}
