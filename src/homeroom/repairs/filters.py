"""The repair and parts lists' filters, shared by the pages and the API."""

from typing import Annotated

from django.db.models import F, Q
from ninja import FilterLookup, FilterSchema

from homeroom.core.schemas import Id
from homeroom.repairs.choices import OPEN_STATUSES, PartKind, RepairKind, RepairStatus


class RepairFilter(FilterSchema):
    site: Annotated[Id | None, FilterLookup("site_id")] = None
    status: RepairStatus | None = None
    open: bool | None = None
    kind: RepairKind | None = None
    vendor: Annotated[Id | None, FilterLookup("vendor_id")] = None
    model: Annotated[Id | None, FilterLookup("device__model_id")] = None
    device: Annotated[Id | None, FilterLookup("device_id")] = None
    q: str | None = None

    def filter_open(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        is_open = Q(status__in=OPEN_STATUSES)
        return is_open if value else ~is_open

    def filter_q(self, value: str | None) -> Q:
        """An asset tag, serial number, RMA number or repair number (R-000123)."""
        if not value:
            return Q()
        value = value.strip()
        number = value.upper().removeprefix("R-")
        found = (
            Q(device__asset_tag__iexact=value)
            | Q(device__serial_number__iexact=value)
            | Q(rma_number__iexact=value)
        )
        return found | Q(pk=int(number)) if number.isdigit() else found


class PartFilter(FilterSchema):
    site: Annotated[Id | None, FilterLookup("site_id")] = None
    kind: PartKind | None = None
    model: Annotated[Id | None, FilterLookup("compatible_models")] = None
    low: bool | None = None
    q: Annotated[str | None, FilterLookup(["name__icontains", "part_number__iexact"])] = None

    def filter_low(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        below = Q(quantity_on_hand__lt=F("reorder_point"))
        return below if value else ~below
