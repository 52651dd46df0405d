"""What the Repairs module adds to the navigation, Today and the global search."""

from django.db.models import Count

from homeroom.core.access import Rule
from homeroom.core.registry import (
    DashboardCard,
    NavItem,
    PersonSection,
    SearchProvider,
    SearchResult,
    registry,
)
from homeroom.devices.registrations import DEVICES
from homeroom.repairs import selectors
from homeroom.repairs.choices import RepairStatus
from homeroom.repairs.filters import RepairFilter

LOW_PARTS_ON_CARD = 5
REPAIRS_ON_PERSON_PAGE = 10


def repairs_card(request):
    """Open repairs and the parts to reorder, at the user's sites (or the one picked)."""
    repairs = selectors.open_repairs(request.user)
    parts = selectors.low_stock(selectors.parts_for(request.user))
    if request.current_site is not None:
        repairs = repairs.filter(site=request.current_site)
        parts = parts.filter(site=request.current_site)
    by_status = dict(repairs.order_by().values_list("status").annotate(n=Count("pk")))
    low = list(parts.order_by("quantity_on_hand", "name")[:LOW_PARTS_ON_CARD])
    return {
        "open": sum(by_status.values()),
        "shipped": by_status.get(RepairStatus.SHIPPED, 0),
        "low": low,
        "low_count": parts.count() if len(low) == LOW_PARTS_ON_CARD else len(low),
    }


def person_repairs(request, person):
    repairs = (
        selectors.repairs_for(request.user)
        .filter(person=person)
        .prefetch_related("loaners__assignment__device")[:REPAIRS_ON_PERSON_PAGE]
    )
    return {"repairs": repairs, "person": person}


def search_repairs(request, query: str, limit: int):
    """A repair number (R-000123) or an RMA number."""
    if len(query.strip()) < 3:
        return []
    repairs = RepairFilter(q=query).filter(selectors.repairs_for(request.user))
    return [
        SearchResult(
            f"{repair.number} · {repair.device.asset_tag}",
            repair.get_absolute_url(),
            f"{repair.device.model} · {repair.site.name}",
            repair.get_status_display(),
        )
        for repair in repairs[:limit]
    ]


registry.add_nav(
    NavItem("Repairs", "repairs:repair_list", Rule("repairs.view_repairorder"), DEVICES, order=210)
)
registry.add_nav(
    NavItem("Loaners", "repairs:loaner_list", Rule("repairs.view_loaner"), DEVICES, order=212)
)
registry.add_nav(
    NavItem("Parts stock", "repairs:part_list", Rule("repairs.view_part"), DEVICES, order=215)
)
registry.add_nav(
    NavItem("Vendors", "repairs:vendor_list", Rule("repairs.view_vendor"), DEVICES, order=218)
)
registry.add_card(
    DashboardCard(
        "repairs/cards/repairs.html", repairs_card, Rule("repairs.view_repairorder"), order=210
    )
)
registry.add_search(
    SearchProvider("Repairs", search_repairs, Rule("repairs.view_repairorder"), order=210)
)
registry.add_person_section(
    PersonSection(
        "repairs/sections/person_repairs.html",
        person_repairs,
        Rule("repairs.view_repairorder"),
        order=120,
    )
)
