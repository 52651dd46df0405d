from decimal import Decimal

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.charts import bar_chart
from homeroom.core.lists import export_response
from homeroom.reports import selectors
from homeroom.reports.registrations import VIEW_METRICS
from homeroom.reports.tasks import STALE_AFTER, queue_refresh


def _site_choice(request) -> int | None:
    value = request.GET.get("site", "")
    if value.isdigit():
        return int(value)
    if value:
        messages.warning(request, "Ignored the filter “site”: not a valid value.")
    return None


def _charts(metrics: dict) -> dict:
    repairs = metrics["repairs"]
    repair_rate = bar_chart(
        [(entry["model"], entry["rate"] or 0) for entry in repairs],
        title="Repairs per 100 devices, by model",
        unit="repairs per 100 devices",
    )
    # Rates do not add up: the total is the rate over every model together.
    devices = sum(entry["devices"] for entry in repairs)
    opened = sum(entry["opened"] for entry in repairs)
    repair_rate["total"] = round(opened * 100 / devices, 1) if devices else 0
    return {
        "issue_types": bar_chart(
            metrics["by_issue_type"], title="Tickets by issue type", unit="tickets"
        ),
        "sites": bar_chart(metrics["by_site"], title="Tickets by site", unit="tickets"),
        "backlog_age": bar_chart(
            metrics["backlog"].by_age, title="Open tickets by age", unit="tickets"
        ),
        "backlog_status": bar_chart(
            metrics["backlog"].by_status, title="Open tickets by status", unit="tickets"
        ),
        "repair_rate": repair_rate,
        "repair_cost": bar_chart(
            # In cents' Decimal, so the chart's total adds up to the cent.
            [(entry["model"], Decimal(str(entry["cost"]))) for entry in repairs],
            title="Repair cost by model",
            unit="dollars",
        ),
    }


EXPORTS = {
    "issue_types": (["issue type", "tickets"], lambda m: m["by_issue_type"]),
    "sites": (["site", "tickets"], lambda m: m["by_site"]),
    "backlog": (
        ["open tickets", "count"],
        lambda m: [*m["backlog"].by_status, *m["backlog"].by_age],
    ),
    "repairs": (
        ["device model", "devices", "repairs opened", "per 100 devices", "completed", "cost"],
        lambda m: [
            [e["model"], e["devices"], e["opened"], e["rate"], e["completed"], e["cost"]]
            for e in m["repairs"]
        ],
    ),
}


@access(VIEW_METRICS)
def helpdesk_metrics(request):
    """Help-desk and repair metrics for a period at the user's sites, from the daily
    rollups; `export=<table>` downloads the numbers behind one chart."""
    period = selectors.period_for(request.GET.get("period", selectors.DEFAULT_PERIOD))
    site_id = _site_choice(request)
    scope = selectors.scope_for(request.user, current_site=request.current_site, site_id=site_id)
    metrics = selectors.helpdesk_metrics(scope, period)
    export = request.GET.get("export", "")
    if export in EXPORTS:
        header, rows = EXPORTS[export]
        return export_response(
            request, f"helpdesk-{export}-{period.first}-{period.last}", header, rows(metrics)
        )
    state, refreshing = queue_refresh()
    return render(
        request,
        "reports/helpdesk_metrics.html",
        {
            "m": metrics,
            "charts": _charts(metrics),
            "period": period,
            "periods": list(selectors.PERIODS.items()),
            "sites": scope.choices,
            "site_id": site_id,
            "refreshing": refreshing,
            "refreshed_at": state.refreshed_at,
            "stale_after_minutes": int(STALE_AFTER.total_seconds() // 60),
        },
    )


@access(VIEW_METRICS)
@require_POST
def helpdesk_refresh(request):
    if queue_refresh(force=True)[1]:
        messages.success(request, "Refreshing the metrics; reload in a minute to see them.")
    else:
        messages.success(request, "The metrics are fresh or a refresh is already on its way.")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/reports/") else "reports:helpdesk_metrics")
