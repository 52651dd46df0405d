import datetime

from ninja import Field, Schema

from homeroom.core.schemas import Id
from homeroom.software.choices import (
    Agreement,
    Answer,
    Category,
    Consent,
    DataElement,
    GradeBand,
    ModelSource,
    Platform,
    RequestStatus,
    Rostering,
    SignIn,
    Wcag,
)


class ToolOut(Schema):
    id: int
    name: str
    vendor: str
    website: str
    category: str
    description: str
    uses_ai: bool
    grade_bands: list[str]
    subjects: str
    sign_in: list[str]
    rostering: list[str]
    platforms: list[str]
    extension_ids: list[str]
    sign_in_help: str
    owner_id: int | None
    champion_id: int | None
    all_schools: bool
    site_ids: list[int]
    decision: str
    conditions: str

    @staticmethod
    def resolve_site_ids(obj) -> list[int]:
        return sorted(site.pk for site in obj.sites.all())


class ToolIn(Schema):
    name: str = Field(min_length=1, max_length=120)
    category: Category
    vendor: str = Field("", max_length=120)
    website: str = Field("", max_length=300)
    description: str = Field("", max_length=5000)
    uses_ai: bool = False
    grade_bands: list[GradeBand] = Field(default_factory=list, max_length=10)
    subjects: str = Field("", max_length=200)
    sign_in: list[SignIn] = Field(default_factory=list, max_length=10)
    rostering: list[Rostering] = Field(default_factory=list, max_length=10)
    platforms: list[Platform] = Field(default_factory=list, max_length=10)
    extension_ids: list[str] = Field(default_factory=list, max_length=50)
    sign_in_help: str = Field("", max_length=2000)
    all_schools: bool = False
    site_ids: list[Id] = Field(default_factory=list, max_length=500)


class ToolPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=120)
    category: Category | None = None
    vendor: str | None = Field(None, max_length=120)
    website: str | None = Field(None, max_length=300)
    description: str | None = Field(None, max_length=5000)
    uses_ai: bool | None = None
    grade_bands: list[GradeBand] | None = Field(None, max_length=10)
    subjects: str | None = Field(None, max_length=200)
    sign_in: list[SignIn] | None = Field(None, max_length=10)
    rostering: list[Rostering] | None = Field(None, max_length=10)
    platforms: list[Platform] | None = Field(None, max_length=10)
    extension_ids: list[str] | None = Field(None, max_length=50)
    sign_in_help: str | None = Field(None, max_length=2000)
    site_ids: list[Id] | None = Field(
        None, max_length=500, description="The schools that use it (replaces them)."
    )


class ReviewOut(Schema):
    id: int
    tool_id: int
    terms_version: str
    terms_url: str
    status: str
    data_elements: list[str]
    agreement: str
    agreement_url: str
    agreement_signed_on: datetime.date | None
    agreement_expires_on: datetime.date | None
    under_13: str
    consent: str
    third_party_consent: str
    retention_policy: str
    ferpa_school_official: str
    sells_data: str
    targeted_ads: str
    third_party_sharing: str
    deletion_on_request: str
    breach_notification: str
    generative_ai: str
    trains_on_student_data: str
    human_review: str
    minimum_age: int | None
    content_filtering: str
    ai_opt_out: str
    model_source: str
    vpat: str
    wcag: str
    sso: str
    mfa: str
    encryption: str
    notes: str
    conditions: str
    reasons: str
    reviewer_id: int | None
    decided_on: datetime.date | None
    rereview_on: datetime.date | None


class ReviewStartIn(Schema):
    terms_version: str = Field(min_length=1, max_length=100)
    terms_url: str = Field("", max_length=500)


class ReviewPatch(Schema):
    terms_version: str | None = Field(None, min_length=1, max_length=100)
    terms_url: str | None = Field(None, max_length=500)
    data_elements: list[DataElement] | None = Field(None, max_length=30)
    agreement: Agreement | None = None
    agreement_url: str | None = Field(None, max_length=500)
    agreement_signed_on: datetime.date | None = None
    agreement_expires_on: datetime.date | None = None
    under_13: Answer | None = None
    consent: Consent | None = None
    third_party_consent: Answer | None = None
    retention_policy: Answer | None = None
    ferpa_school_official: Answer | None = None
    sells_data: Answer | None = None
    targeted_ads: Answer | None = None
    third_party_sharing: Answer | None = None
    deletion_on_request: Answer | None = None
    breach_notification: Answer | None = None
    generative_ai: Answer | None = None
    trains_on_student_data: Answer | None = None
    human_review: Answer | None = None
    minimum_age: int | None = Field(None, ge=0, le=21)
    content_filtering: Answer | None = None
    ai_opt_out: Answer | None = None
    model_source: ModelSource | None = None
    vpat: Answer | None = None
    wcag: Wcag | None = None
    sso: Answer | None = None
    mfa: Answer | None = None
    encryption: Answer | None = None
    notes: str | None = Field(None, max_length=5000)


class DecisionIn(Schema):
    status: str = Field(description="approved, conditions or denied.")
    conditions: str = Field("", max_length=300)
    reasons: str = Field("", max_length=5000)
    rereview_on: datetime.date | None = None


class RequestOut(Schema):
    id: int
    tool_id: int | None
    tool_name: str
    website: str
    purpose: str
    classes: str
    students: int
    site_id: int
    requested_by_id: int
    status: str
    status_note: str
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class RequestIn(Schema):
    tool_name: str = Field(min_length=1, max_length=120)
    purpose: str = Field(min_length=1, max_length=5000)
    students: int = Field(ge=1, le=100_000)
    website: str = Field("", max_length=300)
    classes: str = Field("", max_length=200)
    site_id: Id | None = Field(None, description="The school; the caller's own when left out.")


class RequestStatusIn(Schema):
    status: RequestStatus
    note: str = Field("", max_length=300)


class PublicToolOut(Schema):
    """An approved tool as families see it: no names of staff or students."""

    name: str
    vendor: str
    website: str
    category: str
    uses_ai: bool
    grade_bands: list[str]
    conditions: str
    data_elements: list[str]
    agreement: str
    agreement_expires_on: datetime.date | None


class ClosedDetail(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class PublicListClosed(Schema):
    """The API's error shape, answered with 404 while the district does not publish."""

    error: ClosedDetail


class ProvisioningPreviewOut(Schema):
    counts: dict[str, int] = Field(description="Rows per file.")
    problems: list[str]


class ProvisioningDiffPreviewOut(ProvisioningPreviewOut):
    deleted: dict[str, int] = Field(
        default_factory=dict, description="Rows gone since the last export, written as deleted."
    )
    full: bool = Field(
        description="True when the files hold every row (not a diff, or no earlier export)."
    )


class ProvisioningExportIn(Schema):
    format: str = Field(description="canvas, schoology or oneroster.")
    site_id: int | None = Field(default=None, description="A school; the district without it.")
    term_id: int | None = None
    diff: bool = Field(
        default=False, description="Canvas only: just what changed since the last export."
    )


class ProvisioningExportOut(Schema):
    id: int
    format: str = Field(alias="kind")
    site_id: int | None
    term_id: int | None
    diff: bool
    full_instead: bool = Field(description="A diff was asked for but nothing was kept to compare.")
    status: str
    percent: int
    rows_written: int
    counts: dict[str, int]
    problems: list[str]
    error: str
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    download_url: str | None = None

    @staticmethod
    def resolve_download_url(export) -> str | None:
        if export.status != "done" or not export.file_path:
            return None
        return f"/api/v1/software/provisioning-exports/{export.pk}/download"
