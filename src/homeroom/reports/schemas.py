from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from homeroom.core.schemas import Id


class MetricsQuery(Schema):
    period: Literal["7", "30", "90", "year"] = Field(
        "30", description="Last 7, 30 or 90 days, or this school year (July to June)."
    )
    site: Id | None = Field(None, description="One of your sites; all of them if left out.")


class Count(Schema):
    label: str
    count: int


class Backlog(Schema):
    total: int
    by_status: list[Count]
    by_age: list[Count]


class RepairsByModel(Schema):
    model: str
    devices: int = Field(description="Devices of this model in service at the sites.")
    opened: int = Field(description="Repairs opened in the period.")
    rate: float | None = Field(description="Repairs opened per 100 devices.")
    completed: int
    cost: float = Field(description="What the repairs completed in the period cost.")


class HelpdeskMetricsOut(Schema):
    period: str
    first_day: date
    last_day: date
    site_ids: list[int]
    refreshed_at: datetime | None = Field(description="When the daily counts were rebuilt.")
    backlog: Backlog
    created: int
    resolved: int
    closed: int
    response_met: int
    response_breached: int
    response_met_percent: float | None
    resolution_met: int
    resolution_breached: int
    resolution_met_percent: float | None
    response_median_hours: float | None = Field(
        description="Business hours, read from buckets 25 % wide."
    )
    response_p90_hours: float | None
    resolution_median_hours: float | None
    resolution_p90_hours: float | None
    first_contact: int
    first_contact_percent: float | None
    deflections: int
    deflection_percent: float | None
    satisfaction_count: int
    satisfaction_average: float | None
    satisfaction_counts: list[int] = Field(description="Ratings 1 (not happy), 2 and 3 (happy).")
    by_issue_type: list[Count]
    by_site: list[Count]
    repairs: list[RepairsByModel]
