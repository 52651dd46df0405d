from ninja import Query, Router

from homeroom.core.access import requires
from homeroom.reports import selectors
from homeroom.reports.schemas import HelpdeskMetricsOut, MetricsQuery

router = Router(tags=["Reports"])


def _counts(pairs) -> list[dict]:
    return [{"label": label, "count": count} for label, count in pairs]


@router.get("/reports/helpdesk", response=HelpdeskMetricsOut)
@requires("reports.view_helpdesk_metrics")
def helpdesk_metrics(request, query: Query[MetricsQuery]):
    """The help-desk metrics page as JSON: counts from the daily rollups for the period at
    your sites (or the one site asked for), and the live backlog."""
    scope = selectors.scope_for(request.auth, site_id=query.site)
    metrics = selectors.helpdesk_metrics(scope, selectors.period_for(query.period))
    backlog = metrics.pop("backlog")
    period = metrics.pop("period")
    return {
        **metrics,
        "period": period.key,
        "first_day": period.first,
        "last_day": period.last,
        "site_ids": scope.site_ids,
        "refreshed_at": selectors.refreshed_at(),
        "backlog": {
            "total": backlog.total,
            "by_status": _counts(backlog.by_status),
            "by_age": _counts(backlog.by_age),
        },
        "by_issue_type": _counts(metrics["by_issue_type"]),
        "by_site": _counts(metrics["by_site"]),
    }
