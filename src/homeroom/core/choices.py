from django.db import models


class SiteType(models.TextChoices):
    ELEMENTARY = "elementary", "Elementary school"
    MIDDLE = "middle", "Middle school"
    HIGH = "high", "High school"
    K12 = "k12", "K-12 school"
    DISTRICT_OFFICE = "district_office", "District office"
    OTHER = "other", "Other building"


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", "Classroom"
    LAB = "lab", "Computer lab"
    LIBRARY = "library", "Library"
    OFFICE = "office", "Office"
    STORAGE = "storage", "Storage"
    GYM = "gym", "Gym"
    CAFETERIA = "cafeteria", "Cafeteria"
    AUDITORIUM = "auditorium", "Auditorium"
    SERVER = "server", "Server / network closet"
    OTHER = "other", "Other"


class AuditInterface(models.TextChoices):
    WEB = "web", "Web"
    API = "api", "API"
    CLI = "cli", "Command line"
    IMPORT = "import", "Import"
    SYSTEM = "system", "System"


class AuditVerb(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"
    STATUS_CHANGED = "status_changed", "Status changed"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    TOKEN_CREATED = "token_created", "API token created"
    TOKEN_REVOKED = "token_revoked", "API token revoked"
    APPLIED = "applied", "Applied"
    CHECKED_OUT = "checked_out", "Checked out"
    CHECKED_IN = "checked_in", "Checked in"
    DELETED = "deleted", "Deleted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
