import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from homeroom.core.schemas import Id
from homeroom.training.choices import AttendanceKind, AudienceRole, SupportKind, Topic
from homeroom.training.models import MAX_HOURS


class SessionOut(Schema):
    id: int
    title: str
    description: str
    topic: Topic
    tool_name: str
    audience_roles: list[str]
    audience_grades: str
    presenter_id: int
    presenter: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    site_id: int | None
    room_id: int | None
    where: str
    online_link: str
    capacity: int
    credit_hours: Decimal
    status: str
    series_id: int | None
    seats_taken: int = Field(0, description="People with a seat.")
    waiting: int = Field(0, description="People on the waitlist.")

    @staticmethod
    def resolve_presenter(obj) -> str:
        return obj.presenter.get_full_name() or obj.presenter.get_username()


class SessionIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    topic: Topic
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    capacity: int = Field(ge=1, le=10000)
    credit_hours: Decimal = Field(ge=Decimal("0.25"), le=MAX_HOURS, decimal_places=2)
    description: str = Field("", max_length=5000)
    tool_name: str = Field("", max_length=100)
    room_id: Id | None = None
    online_link: str = Field("", max_length=500)
    presenter_id: Id | None = Field(None, description="Who presents; the caller when left out.")
    audience_roles: list[AudienceRole] = Field(default_factory=list, max_length=10)
    audience_site_ids: list[Id] = Field(default_factory=list, max_length=500)
    audience_grades: str = Field("", max_length=50)
    repeat_weekly: int = Field(0, ge=0, le=20, description="More weeks of a weekly series.")
    guide_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="Quick guides (knowledge-base articles)."
    )


class SignUpOut(Schema):
    id: int
    session_id: int
    person_id: int
    person: str
    status: str
    signed_up_at: datetime.datetime
    waitlist_position: int | None = Field(None, description="1 for the first person waiting.")


class SignUpIn(Schema):
    person_id: Id | None = Field(
        None,
        description="Whom to sign up (for people who run the session); the caller if left out.",
    )


class AttendanceOut(Schema):
    id: int
    session_id: int
    person_id: int
    person: str
    kind: AttendanceKind
    hours: Decimal
    via: str
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_person(obj) -> str:
        return str(obj.person)


class AttendanceIn(Schema):
    person_id: Id | None = None
    badge: str | None = Field(
        None, max_length=100, description="A scanned staff badge instead of `person_id`."
    )
    kind: AttendanceKind = AttendanceKind.PRESENT
    hours: Decimal | None = Field(
        None, ge=0, le=MAX_HOURS, decimal_places=2, description="Left out: the full credit."
    )


class CertificateOut(Schema):
    attendance_id: int
    session_id: int
    session: str
    date: datetime.date
    school_year: str
    hours: Decimal
    url: str = Field(description="The certificate as a PDF (the same link as on the page).")


class HoursYearOut(Schema):
    school_year: str
    hours: Decimal
    certificates: list[CertificateOut]


class CoachingOut(Schema):
    id: int
    teacher_id: int
    teacher: str
    site_id: int
    room_id: int | None
    tool_name: str
    topic: Topic
    wanted_at: datetime.datetime
    details: str
    kind: str
    status: str
    coach_id: int | None
    visit_at: datetime.datetime | None
    status_note: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_teacher(obj) -> str:
        return str(obj.teacher)


class CoachingIn(Schema):
    tool_name: str = Field(min_length=1, max_length=100)
    details: str = Field(min_length=1, max_length=2000)
    wanted_at: AwareDatetime
    room_id: Id | None = None
    site_id: Id | None = Field(None, description="Without a room: the school (else the teacher's).")
    topic: Topic = Topic.TOOL
    kind: SupportKind | None = None
    teacher_id: Id | None = Field(
        None, description="Coaches: ask on a teacher's behalf. The caller if left out."
    )


class CoachingStatusIn(Schema):
    status: Literal["accepted", "declined", "cancelled"]
    note: str = Field("", max_length=300)


class ScheduleIn(Schema):
    visit_at: AwareDatetime
    coach_id: Id | None = Field(None, description="Who visits; the caller if left out.")


class CoachingLogOut(Schema):
    id: int
    request_id: int
    coach_id: int
    visited_on: datetime.date
    goal: str
    kind: SupportKind
    done: str
    next_step: str
    follow_up_on: datetime.date | None
    follow_up_done_at: datetime.datetime | None


class CoachingLogIn(Schema):
    visited_on: datetime.date
    goal: str = Field(min_length=1, max_length=300)
    kind: SupportKind
    done: str = Field(min_length=1, max_length=4000)
    next_step: str = Field("", max_length=300)
    follow_up_on: datetime.date | None = None
    guide_ids: list[Id] = Field(default_factory=list, max_length=50)
