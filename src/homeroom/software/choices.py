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


class DataElement(models.TextChoices):
    """The student data a tool collects, as the NDPA's Exhibit B groups it."""

    APP_METADATA = "app_metadata", "Application technology metadata"
    APP_USE = "app_use", "Application use statistics"
    ASSESSMENT = "assessment", "Assessment results"
    ATTENDANCE = "attendance", "Attendance"
    COMMUNICATIONS = "communications", "Communications (emails, messages, chat)"
    CONDUCT = "conduct", "Conduct or behaviour"
    DEMOGRAPHICS = "demographics", "Demographics (birth date, gender, ethnicity, language)"
    ENROLLMENT = "enrollment", "Enrollment (school, grade, classes)"
    PARENT_CONTACT = "parent_contact", "Parent or guardian contact information"
    PARENT_ID = "parent_id", "Parent or guardian ids"
    PARENT_NAME = "parent_name", "Parent or guardian name"
    SCHEDULE = "schedule", "Schedule (courses, teachers)"
    SPECIAL_INDICATORS = "special_indicators", "Special indicators (IEP, 504, English learner…)"
    STUDENT_CONTACT = "student_contact", "Student contact information (email, address, phone)"
    IDENTIFIERS = "identifiers", "Student identifiers (student id, state id, app username)"
    NAME = "name", "Student name"
    IN_APP_PERFORMANCE = "in_app_performance", "Student in-app performance"
    PROGRAM_MEMBERSHIP = "program_membership", "Program membership (gifted, sports…)"
    SURVEY = "survey", "Student survey responses"
    STUDENT_WORK = "student_work", "Student work (essays, projects, recordings)"
    TRANSCRIPT = "transcript", "Transcript (grades, credits)"
    TRANSPORTATION = "transportation", "Transportation"
    OTHER = "other", "Other"


class Agreement(models.TextChoices):
    NDPA = "ndpa", "National Data Privacy Agreement (NDPA)"
    STATE_DPA = "state_dpa", "The state's data privacy agreement"
    OTHER_DPA = "other_dpa", "Another signed agreement"
    NONE = "none", "No agreement"


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known yet"


class Consent(models.TextChoices):
    SCHOOL = "school", "The school may consent for parents (educational use only)"
    PARENT = "parent", "Parents must consent themselves"
    NOT_NEEDED = "not_needed", "Not needed (no children under 13)"
    UNKNOWN = "unknown", "Not known yet"


class ModelSource(models.TextChoices):
    OWN = "own", "The vendor's own model"
    THIRD_PARTY = "third_party", "A third party's model (e.g. OpenAI, Google, Anthropic)"
    BOTH = "both", "Both"
    UNKNOWN = "unknown", "Not known yet"
    NOT_AI = "not_ai", "No AI"


class Wcag(models.TextChoices):
    AA = "aa", "WCAG 2.x AA"
    A = "a", "WCAG 2.x A only"
    PARTIAL = "partial", "Partly conformant"
    NONE = "none", "No statement"
    UNKNOWN = "unknown", "Not known yet"


class ReviewStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In review"
    APPROVED = "approved", "Approved"
    CONDITIONS = "conditions", "Approved with conditions"
    DENIED = "denied", "Denied"
    EXPIRED = "expired", "Expired"


R = ReviewStatus
# A review is decided once; an approval expires (its agreement or its re-review date has
# passed). New terms, or a second look, start a new review.
REVIEW_TRANSITIONS: dict[str, set[str]] = {
    R.IN_PROGRESS: {R.APPROVED, R.CONDITIONS, R.DENIED},
    R.APPROVED: {R.EXPIRED},
    R.CONDITIONS: {R.EXPIRED},
    R.DENIED: set(),
    R.EXPIRED: set(),
}
DECIDED = {R.APPROVED, R.CONDITIONS, R.DENIED}


class RequestStatus(models.TextChoices):
    NEW = "new", "New"
    IN_REVIEW = "in_review", "In review"
    WAITING_VENDOR = "waiting_vendor", "Waiting on the vendor"
    DECIDED = "decided", "Decided"
    WITHDRAWN = "withdrawn", "Withdrawn"


Q_ = RequestStatus
REQUEST_TRANSITIONS: dict[str, set[str]] = {
    Q_.NEW: {Q_.IN_REVIEW, Q_.WAITING_VENDOR, Q_.DECIDED, Q_.WITHDRAWN},
    Q_.IN_REVIEW: {Q_.WAITING_VENDOR, Q_.DECIDED, Q_.WITHDRAWN},
    Q_.WAITING_VENDOR: {Q_.IN_REVIEW, Q_.DECIDED, Q_.WITHDRAWN},
    Q_.DECIDED: set(),
    Q_.WITHDRAWN: set(),
}
OPEN_REQUESTS = {Q_.NEW, Q_.IN_REVIEW, Q_.WAITING_VENDOR}


class ExportStatus(models.TextChoices):
    """A provisioning export's lifecycle: queued for the worker, running, then done (its zip
    kept for a while) or failed."""

    QUEUED = "queued", "Waiting for the worker"
    RUNNING = "running", "Writing the files"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Failed"


EXPORT_TRANSITIONS = {
    ExportStatus.QUEUED: {ExportStatus.RUNNING, ExportStatus.FAILED},
    ExportStatus.RUNNING: {ExportStatus.DONE, ExportStatus.FAILED},
    ExportStatus.DONE: set(),
    ExportStatus.FAILED: set(),
}
