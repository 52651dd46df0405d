from datetime import datetime

from ninja import Field, ModelSchema, Schema

from homeroom.helpdesk.choices import Level, TicketStatus
from homeroom.helpdesk.models import Article, Comment, IssueType, Ticket


class TicketOut(ModelSchema):
    site_id: int
    room_id: int | None
    device_id: int | None
    requester_id: int | None
    affected_person_id: int | None
    issue_type_id: int | None
    assignee_id: int | None

    class Meta:
        model = Ticket
        fields = [
            "id",
            "subject",
            "description",
            "source",
            "impact",
            "urgency",
            "priority",
            "status",
            "external_reference",
            "created_at",
            "updated_at",
            "first_response_at",
            "resolved_at",
            "closed_at",
            "response_due_at",
            "resolution_due_at",
            "response_breached",
            "resolution_breached",
            "reopen_count",
            "public_comment_count",
            "satisfaction",
        ]


class TicketIn(Schema):
    site_id: int
    subject: str = Field(min_length=1, max_length=200)
    description: str = ""
    room_id: int | None = None
    device_id: int | None = None
    affected_person_id: int | None = None
    requester_id: int | None = Field(None, description="Technicians: file on someone's behalf.")
    issue_type_id: int | None = None
    impact: Level | None = None
    urgency: Level | None = None


class TicketChangeIn(Schema):
    """Technicians correct what a ticket is about; only the fields sent change."""

    subject: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = None
    issue_type_id: int | None = None
    impact: Level | None = None
    urgency: Level | None = None
    room_id: int | None = None
    device_id: int | None = None
    affected_person_id: int | None = None


class EscalateIn(Schema):
    external_reference: str = Field(min_length=1, max_length=100)
    note: str = ""


class TicketStatusIn(Schema):
    status: TicketStatus
    note: str = ""


class AssignIn(Schema):
    assignee_id: int | None


class CommentOut(ModelSchema):
    author_id: int | None

    class Meta:
        model = Comment
        fields = ["id", "body", "is_internal", "time_spent_minutes", "created_at"]


class CommentIn(Schema):
    body: str = Field(min_length=1)
    is_internal: bool = False
    time_spent_minutes: int = Field(0, ge=0, le=24 * 60)


class IssueTypeOut(ModelSchema):
    parent_id: int | None
    group: str | None = Field(None, alias="parent.name")

    class Meta:
        model = IssueType
        fields = [
            "id",
            "name",
            "device_category",
            "default_impact",
            "default_urgency",
            "physical_damage",
        ]


class ArticleOut(ModelSchema):
    issue_type_ids: list[int]

    class Meta:
        model = Article
        fields = ["id", "title", "slug", "summary", "audience", "body", "body_html", "updated_at"]

    @staticmethod
    def resolve_issue_type_ids(article) -> list[int]:
        return [issue.pk for issue in article.issue_types.all()]


class DeflectionIn(Schema):
    article_id: int | None = None


class DeflectionOut(Schema):
    id: int
    created_at: datetime
