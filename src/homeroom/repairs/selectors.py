"""Reads of repairs, parts, vendors and loaners, scoped to the user's sites."""

from django.db.models import Count, F, QuerySet

from homeroom.core.selectors import sites_for
from homeroom.devices.choices import AssignmentKind
from homeroom.devices.models import Assignment, DeviceModel
from homeroom.helpdesk.models import Ticket
from homeroom.repairs.models import Part, RepairOrder, StockMovement, Vendor


def repairs_for(user) -> QuerySet[RepairOrder]:
    if not user.has_perm("repairs.view_repairorder"):
        return RepairOrder.objects.none()
    repairs = RepairOrder.objects.select_related(
        "device",
        "device__model",
        "device__model__manufacturer",
        "site",
        "vendor",
        "person",
    )
    if user.sees_all_sites:
        return repairs
    return repairs.filter(site__in=sites_for(user))


def open_repairs(user) -> QuerySet[RepairOrder]:
    return repairs_for(user).open()


def tickets_to_link(user) -> QuerySet[Ticket]:
    """Tickets a repair or loaner may be opened from: those at the user's sites."""
    if not (user.has_perm("repairs.add_repairorder") or user.has_perm("repairs.add_loaner")):
        return Ticket.objects.none()
    tickets = Ticket.objects.select_related("site", "device", "affected_person")
    if user.sees_all_sites:
        return tickets
    return tickets.filter(site__in=sites_for(user))


def repaired_models(user) -> QuerySet[DeviceModel]:
    """Device models that have had a repair at the user's sites (for the model filter)."""
    return DeviceModel.objects.filter(
        pk__in=repairs_for(user).values("device__model")
    ).select_related("manufacturer")


def parts_for(user) -> QuerySet[Part]:
    if not user.has_perm("repairs.view_part"):
        return Part.objects.none()
    parts = Part.objects.select_related("site")
    if user.sees_all_sites:
        return parts
    return parts.filter(site__in=sites_for(user))


def low_stock(parts: QuerySet[Part]) -> QuerySet[Part]:
    """Parts below their reorder point."""
    return parts.filter(is_active=True, quantity_on_hand__lt=F("reorder_point"))


def movements_for(user, part: Part) -> QuerySet[StockMovement]:
    return (
        StockMovement.objects.filter(part__in=parts_for(user).filter(pk=part.pk))
        .select_related("repair", "by")
        .order_by("-at", "-pk")
    )


def vendors_for(user) -> QuerySet[Vendor]:
    """Vendors serve the whole district: everyone who may see vendors sees them all."""
    if not user.has_perm("repairs.view_vendor"):
        return Vendor.objects.none()
    return Vendor.objects.annotate(repair_count=Count("repairs"))


def loaners_out(user) -> QuerySet[Assignment]:
    """Loaner check-outs still open at the user's sites, the longest overdue first."""
    if not user.has_perm("repairs.view_loaner"):
        return Assignment.objects.none()
    loans = Assignment.objects.filter(kind=AssignmentKind.LOANER, checked_in_at__isnull=True)
    if not user.sees_all_sites:
        loans = loans.filter(device__site__in=sites_for(user))
    return loans.select_related(
        "device", "device__site", "person", "loaner", "loaner__repair"
    ).order_by(F("due_at").asc(nulls_last=True), "pk")
