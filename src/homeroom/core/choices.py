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


class ImportRunStatus(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded, waiting for its options"
    CHECKING = "checking", "Checking"
    CHECKED = "checked", "Checked, ready to apply"
    REJECTED = "rejected", "Has problems, nothing changed"
    APPLYING = "applying", "Applying"
    APPLIED = "applied", "Applied"
    FAILED = "failed", "Failed, nothing changed"


IR = ImportRunStatus
# The one lifecycle of every import. A run waits as "uploaded" only while its format needs a
# step first (matching columns); checking again is open to a checked, refused or failed run;
# applying checks the file again and may still refuse it; an applied run is finished.
IMPORT_RUN_TRANSITIONS: dict[str, set[str]] = {
    IR.UPLOADED: {IR.CHECKING, IR.FAILED},
    # Checking may go on to applying in the same reading: the command line does that.
    IR.CHECKING: {IR.CHECKED, IR.REJECTED, IR.FAILED, IR.APPLYING},
    IR.CHECKED: {IR.APPLYING, IR.CHECKING},
    IR.REJECTED: {IR.CHECKING},
    IR.APPLYING: {IR.APPLIED, IR.REJECTED, IR.FAILED},
    IR.APPLIED: set(),
    IR.FAILED: {IR.CHECKING},
}
IMPORT_RUN_RUNNING = {IR.CHECKING, IR.APPLYING}
