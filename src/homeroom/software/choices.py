from django.db import models


class Category(models.TextChoices):
    LMS = "lms", "Learning platform (LMS)"
    ASSESSMENT = "assessment", "Assessment"
    CONTENT = "content", "Content and curriculum"
    CREATION = "creation", "Creation"
    COMMUNICATION = "communication", "Communication"
    AI_ASSISTANT = "ai_assistant", "AI assistant"
    BROWSER_EXTENSION = "browser_extension", "Browser extension"
    LIBRARY_DATABASE = "library_database", "Library database"
    PRODUCTIVITY = "productivity", "Productivity"
    OTHER = "other", "Other"


class GradeBand(models.TextChoices):
    K2 = "k2", "K\N{EN DASH}2"
    G35 = "3_5", "3\N{EN DASH}5"
    G68 = "6_8", "6\N{EN DASH}8"
    G912 = "9_12", "9\N{EN DASH}12"
    STAFF = "staff", "Staff only"


class SignIn(models.TextChoices):
    GOOGLE = "google", "Sign in with Google"
    MICROSOFT = "microsoft", "Sign in with Microsoft"
    CLEVER = "clever", "Clever"
    CLASSLINK = "classlink", "ClassLink"
    VENDOR = "vendor", "The vendor's own accounts"


class Rostering(models.TextChoices):
    ONEROSTER = "oneroster", "OneRoster"
    CLEVER = "clever", "Clever"
    CLASSLINK = "classlink", "ClassLink"
    GOOGLE_CLASSROOM = "google_classroom", "Google Classroom"
    MANUAL = "manual", "Manual (CSV or by hand)"
    NONE = "none", "None"


class Platform(models.TextChoices):
    WEB = "web", "Web"
    CHROMEOS = "chromeos", "ChromeOS"
    IPAD = "ipad", "iPad"
    WINDOWS = "windows", "Windows"
    MACOS = "macos", "macOS"
    ANDROID = "android", "Android"


class Decision(models.TextChoices):
    """A tool's standing, kept from its latest review."""

    NOT_REVIEWED = "not_reviewed", "Not reviewed"
    APPROVED = "approved", "Approved"
    CONDITIONS = "conditions", "Approved with conditions"
    DENIED = "denied", "Denied"
    EXPIRED = "expired", "Expired"


# The tools a teacher may use with students, as the decision's badge says.
USABLE = {Decision.APPROVED, Decision.CONDITIONS}
DECISION_BADGES = {
    Decision.NOT_REVIEWED: "grey",
    Decision.APPROVED: "green",
    Decision.CONDITIONS: "amber",
    Decision.DENIED: "red",
    Decision.EXPIRED: "grey",
}


class PaidBy(models.TextChoices):
    DISTRICT = "district", "The district"
    SCHOOL = "school", "The school"
    DEPARTMENT = "department", "A department"
    GRANT = "grant", "A grant"
    FREE = "free", "Free"
