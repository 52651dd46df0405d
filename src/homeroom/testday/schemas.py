import datetime

from ninja import Field, Schema
from pydantic import AwareDatetime

from homeroom.core.schemas import Id
from homeroom.testday.choices import IncidentKind, PlatformKind, SessionStatus


class PlatformOut(Schema):
    id: int
    name: str
    kind: PlatformKind
    school_year: str
    chromeos_min: int | None
    chromeos_runs_from: int | None
    chromeos_excluded: list[int] = Field(alias="excluded_majors")
    chromeos_lts: list[int] = Field(alias="lts_majors")
    ipados_min: str
    windows_min: str
    macos_min: str
    must_be_managed: bool
    kiosk_app_id: str
    cache_name: str
    cache_host: str
    cache_port: int | None
    testing_org_unit: str
    sources: dict[str, str] = Field(description="Where each figure comes from, by figure.")
    is_active: bool


class WindowOut(Schema):
    id: int
    assessment: str
    content_area: str
    platform_id: int
    platform: str
    starts_on: datetime.date
    ends_on: datetime.date
    site_ids: list[int]
    grades: list[str]

    @staticmethod
    def resolve_platform(obj) -> str:
        return obj.platform.name

    @staticmethod
    def resolve_site_ids(obj) -> list[int]:
        return sorted(site.pk for site in obj.sites.all())


class SchoolReadinessOut(Schema):
    site_id: int
    site: str
    status: str = Field(description="green, amber, red, or grey without devices.")
    total: int
    ready: int
    warning: int
    not_ready: int
    spares: int = Field(description="Ready devices in stock or in the loaner pool.")
    reasons: dict[str, int] = Field(description="How many devices each reason applies to.")


class StudentOut(Schema):
    id: int
    person_id: int
    person: str
    absent: bool
    device_id: int | None
    device: str | None
    accommodations: list[str] | None = Field(
        None, description="Only for the coordinator and the session's administrators."
    )


class TestingSessionOut(Schema):
    id: int
    window_id: int
    title: str
    site_id: int
    room_id: int
    room: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    kind: str
    make_up_for_id: int | None
    status: str
    administrator_ids: list[int]
    proctor_ids: list[int]


class TestingSessionDetailOut(TestingSessionOut):
    students: list[StudentOut]


class BindIn(Schema):
    student_id: Id = Field(description="The student's place in the session (students[].id).")
    device: str = Field(min_length=1, max_length=128, description="Asset tag or serial.")


class IncidentIn(Schema):
    kind: IncidentKind
    student_id: Id | None = None
    device: str = Field("", max_length=128, description="Asset tag or serial; else the student's.")
    noticed_at: AwareDatetime | None = None
    description: str = Field("", max_length=5000)
    action_taken: str = Field("", max_length=5000)
    resolved: bool = False
    testing_resumed: bool | None = None
    open_ticket: bool = False


class IncidentOut(Schema):
    id: int
    session_id: int
    student_id: int | None
    device_id: int | None
    kind: IncidentKind
    noticed_at: datetime.datetime
    description: str
    action_taken: str
    resolved_at: datetime.datetime | None
    testing_resumed: bool | None
    escalated_at: datetime.datetime | None
    ticket_id: int | None


class SessionStatusIn(Schema):
    status: SessionStatus


class ResolveIn(Schema):
    action_taken: str = Field("", max_length=5000)
    testing_resumed: bool | None = None


class SwapIn(Schema):
    student_id: Id = Field(description="The student's place in the session (students[].id).")
    device: str = Field(min_length=1, max_length=128, description="The spare: asset tag or serial.")
    incident_id: Id | None = Field(None, description="The incident the swap answers, if any.")
    open_ticket: bool = Field(True, description="Open a help-desk ticket for the failed device.")


class SwapOut(Schema):
    id: int
    student_id: int
    from_device_id: int
    to_device_id: int
    incident_id: int | None
    swapped_at: datetime.datetime
