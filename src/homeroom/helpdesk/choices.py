from django.db import models


class TicketStatus(models.TextChoices):
    NEW = "new", "New"
    TRIAGED = "triaged", "Triaged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_ON_REQUESTER = "waiting_on_requester", "Waiting on requester"
    WAITING_ON_VENDOR = "waiting_on_vendor", "Waiting on vendor"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"


S = TicketStatus
# Which statuses may follow which. Resolved goes back to in progress when the requester
# reopens it within the reopen window; closed is the end.
TICKET_TRANSITIONS: dict[str, set[str]] = {
    S.NEW: {S.TRIAGED, S.IN_PROGRESS, S.WAITING_ON_REQUESTER, S.RESOLVED, S.CLOSED},
    S.TRIAGED: {S.IN_PROGRESS, S.WAITING_ON_REQUESTER, S.WAITING_ON_VENDOR, S.RESOLVED},
    S.IN_PROGRESS: {S.WAITING_ON_REQUESTER, S.WAITING_ON_VENDOR, S.RESOLVED},
    S.WAITING_ON_REQUESTER: {S.IN_PROGRESS, S.RESOLVED, S.CLOSED},
    S.WAITING_ON_VENDOR: {S.IN_PROGRESS, S.RESOLVED},
    S.RESOLVED: {S.IN_PROGRESS, S.CLOSED},
    S.CLOSED: set(),
}
OPEN_STATUSES = [S.NEW, S.TRIAGED, S.IN_PROGRESS, S.WAITING_ON_REQUESTER, S.WAITING_ON_VENDOR]
# The SLA clock stops while the ticket waits on someone else.
PAUSED_STATUSES = {S.WAITING_ON_REQUESTER, S.WAITING_ON_VENDOR}
DONE_STATUSES = {S.RESOLVED, S.CLOSED}


class Level(models.IntegerChoices):
    """Impact (how many people it stops) and urgency (how soon it hurts)."""

    HIGH = 1, "High"
    MEDIUM = 2, "Medium"
    LOW = 3, "Low"


class Priority(models.IntegerChoices):
    CRITICAL = 1, "Critical"
    HIGH = 2, "High"
    MEDIUM = 3, "Medium"
    LOW = 4, "Low"


# Priority from impact x urgency (ITIL's usual matrix).
PRIORITY_MATRIX: dict[tuple[int, int], int] = {
    (Level.HIGH, Level.HIGH): Priority.CRITICAL,
    (Level.HIGH, Level.MEDIUM): Priority.HIGH,
    (Level.HIGH, Level.LOW): Priority.MEDIUM,
    (Level.MEDIUM, Level.HIGH): Priority.HIGH,
    (Level.MEDIUM, Level.MEDIUM): Priority.MEDIUM,
    (Level.MEDIUM, Level.LOW): Priority.LOW,
    (Level.LOW, Level.HIGH): Priority.MEDIUM,
    (Level.LOW, Level.MEDIUM): Priority.LOW,
    (Level.LOW, Level.LOW): Priority.LOW,
}


def priority_for(impact: int, urgency: int) -> int:
    return PRIORITY_MATRIX[(Level(impact), Level(urgency))]


class TicketSource(models.TextChoices):
    FORM = "form", "Help form"
    DEVICE_PAGE = "device_page", "Device page"
    PERSON_PAGE = "person_page", "Person page"
    TECHNICIAN = "technician", "Filed by a technician"
    API = "api", "API"


class Audience(models.TextChoices):
    """Who an article is written for; staff see student articles, technicians see all."""

    STUDENT = "student", "Students"
    TEACHER = "teacher", "Teachers and staff"
    TECHNICIAN = "technician", "Technicians"


class Satisfaction(models.IntegerChoices):
    UNHAPPY = 1, "Not happy"
    OKAY = 2, "Okay"
    HAPPY = 3, "Happy"
