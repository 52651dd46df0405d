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


class CoachingStatus(models.TextChoices):
    REQUESTED = "requested", "Asked for"
    ACCEPTED = "accepted", "Accepted"
    SCHEDULED = "scheduled", "Visit scheduled"
    COMPLETED = "completed", "Visited"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"


C = CoachingStatus
# A coach accepts a request (and schedules it then or later); a scheduled visit may be
# moved to another time (scheduled → scheduled); logging the visit completes it. The
# teacher may cancel until the visit is logged; a coach may decline a request not yet
# scheduled. Completed, declined and cancelled requests are finished: a later visit of a
# completed request is logged on it without changing its status.
COACHING_TRANSITIONS: dict[str, set[str]] = {
    C.REQUESTED: {C.ACCEPTED, C.SCHEDULED, C.DECLINED, C.CANCELLED},
    C.ACCEPTED: {C.SCHEDULED, C.DECLINED, C.CANCELLED},
    C.SCHEDULED: {C.SCHEDULED, C.COMPLETED, C.CANCELLED},
    C.COMPLETED: set(),
    C.DECLINED: set(),
    C.CANCELLED: set(),
}
OPEN_COACHING = {C.REQUESTED, C.ACCEPTED, C.SCHEDULED}


class SupportKind(models.TextChoices):
    MODELING = "modeling", "Modeling"
    CO_TEACHING = "co_teaching", "Co-teaching"
    SIDE_BY_SIDE = "side_by_side", "Side-by-side"
    OBSERVATION = "observation", "Observation"
