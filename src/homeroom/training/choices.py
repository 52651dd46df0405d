from django.db import models


class Topic(models.TextChoices):
    AI_LITERACY = "ai_literacy", "AI literacy"
    DIGITAL_SAFETY = "digital_safety", "Digital safety"
    LMS = "lms", "The learning platform (LMS)"
    INTERACTIVE_DISPLAY = "interactive_display", "Interactive displays"
    TOOL = "tool", "A tool or app"
    PLATFORM_UPDATE = "platform_update", "Platform update"
    DEVICE_BASICS = "device_basics", "Device basics"
    OTHER = "other", "Other"


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


# A cancelled session stays cancelled: people were told, so a new one is scheduled instead.
SESSION_TRANSITIONS: dict[str, set[str]] = {
    SessionStatus.SCHEDULED: {SessionStatus.CANCELLED},
    SessionStatus.CANCELLED: set(),
}


class SignUpStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Has a seat"
    WAITLISTED = "waitlisted", "On the waitlist"
    CANCELLED = "cancelled", "Cancelled"


U = SignUpStatus
# A waitlisted person moves up to a seat when someone cancels; either may cancel; a
# cancelled sign-up is finished (signing up again makes a new one, at the end of the line).
SIGNUP_TRANSITIONS: dict[str, set[str]] = {
    U.WAITLISTED: {U.CONFIRMED, U.CANCELLED},
    U.CONFIRMED: {U.CANCELLED},
    U.CANCELLED: set(),
}
ACTIVE_SIGNUPS = {U.CONFIRMED, U.WAITLISTED}


class AttendanceKind(models.TextChoices):
    PRESENT = "present", "Present"
    LATE = "late", "Came late"
    PARTIAL = "partial", "Left early"


class RecordedVia(models.TextChoices):
    SCAN = "scan", "Badge scan"
    TICK = "tick", "Ticked on the list"
    API = "api", "API"


class AudienceRole(models.TextChoices):
    TEACHERS = "teachers", "Teachers"
    STAFF = "staff", "Other staff"
    LIBRARIANS = "librarians", "Librarians"
    TECHNICIANS = "technicians", "Technicians"
    ADMINISTRATORS = "administrators", "Administrators"
