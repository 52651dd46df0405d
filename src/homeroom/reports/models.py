"""Daily rollups behind the metrics pages. A day's rows are rebuilt whole by
`services.rollups_refresh`, so any set of days and sites is summed from a few hundred rows
instead of scanning every ticket. Days are the district's local dates."""

from django.db import models


class TicketDay(models.Model):
    """One site's help desk on one day. Each count belongs to the day its event happened:
    filed on `created_at`, responded on `first_response_at`, resolved on `resolved_at`,
    closed on `closed_at`, rated on `satisfaction_at`. Response and resolution times are
    histograms of business minutes over `services.BUCKET_EDGES`."""

    day = models.DateField()
    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, related_name="+")
    created = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    response_met = models.PositiveIntegerField(default=0)
    response_breached = models.PositiveIntegerField(default=0)
    resolution_met = models.PositiveIntegerField(default=0)
    resolution_breached = models.PositiveIntegerField(default=0)
    # Resolved, never reopened, with at most one public comment on the ticket.
    first_contact = models.PositiveIntegerField(default=0)
    satisfaction_1 = models.PositiveIntegerField(default=0)
    satisfaction_2 = models.PositiveIntegerField(default=0)
    satisfaction_3 = models.PositiveIntegerField(default=0)
    response_minutes = models.JSONField(default=list)
    resolution_minutes = models.JSONField(default=list)

    class Meta:
        ordering = ["day", "site"]
        permissions = [("view_helpdesk_metrics", "Can see the help-desk metrics of their sites")]
        constraints = [
            models.UniqueConstraint(fields=["day", "site"], name="ticket_day_unique"),
        ]
        indexes = [models.Index(fields=["site", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.site_id}: {self.created} filed"


class IssueTypeDay(models.Model):
    """Tickets filed on one day at one site about one issue type (None: no type given)."""

    day = models.DateField()
    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, related_name="+")
    issue_type = models.ForeignKey(
        "helpdesk.IssueType", null=True, on_delete=models.CASCADE, related_name="+"
    )
    created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "site"]
        indexes = [models.Index(fields=["day", "site"]), models.Index(fields=["site", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.site_id} {self.issue_type_id}: {self.created}"


class IssueTypeMonth(models.Model):
    """The same counts per calendar month (`month` is its first day), summed from the days
    at each refresh: a district files tickets of most types at most sites on most days, so
    a school year of days would be tens of thousands of rows; its months are a few
    hundred."""

    month = models.DateField()
    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, related_name="+")
    issue_type = models.ForeignKey(
        "helpdesk.IssueType", null=True, on_delete=models.CASCADE, related_name="+"
    )
    created = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "site"]
        indexes = [models.Index(fields=["month", "site"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.site_id} {self.issue_type_id}: {self.created}"


class DeflectionDay(models.Model):
    """Self-service fixes on one day at one site (None: the person had no site)."""

    day = models.DateField()
    site = models.ForeignKey("core.Site", null=True, on_delete=models.CASCADE, related_name="+")
    deflections = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "site"]
        indexes = [models.Index(fields=["day", "site"]), models.Index(fields=["site", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.site_id}: {self.deflections} deflections"


class RepairDay(models.Model):
    """Repairs of one device model at one site on one day: opened that day, and completed
    that day with what they cost (costs are final only at completion)."""

    day = models.DateField()
    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, related_name="+")
    device_model = models.ForeignKey(
        "devices.DeviceModel", on_delete=models.CASCADE, related_name="+"
    )
    opened = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=12, decimal_places=2, default=0)

    class Meta:
        ordering = ["day", "site"]
        indexes = [models.Index(fields=["day", "site"]), models.Index(fields=["site", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.site_id} {self.device_model_id}: {self.opened} opened"


class FleetCount(models.Model):
    """Devices in service (not retired or disposed) per model and site, counted at each
    refresh: the denominator of the repair rate."""

    site = models.ForeignKey("core.Site", on_delete=models.CASCADE, related_name="+")
    device_model = models.ForeignKey(
        "devices.DeviceModel", on_delete=models.CASCADE, related_name="+"
    )
    devices = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["site", "device_model"]
        constraints = [
            models.UniqueConstraint(fields=["site", "device_model"], name="fleet_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.site_id} {self.device_model_id}: {self.devices}"


class RollupState(models.Model):
    """When the rollups were last rebuilt and when a rebuild was last queued: one row
    (pk 1)."""

    refreshed_at = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Rollups as of {self.refreshed_at}"
