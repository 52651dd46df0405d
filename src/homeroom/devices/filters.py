"""The device list's filter, shared by the page and the API."""

import datetime
from typing import Annotated

from django.db.models import Q
from ninja import Field, FilterLookup, FilterSchema

from homeroom.core.schemas import Id
from homeroom.devices.choices import DeviceCategory, DeviceStatus, FundingSource


class DeviceFilter(FilterSchema):
    site: Annotated[Id | None, FilterLookup("site_id")] = None
    status: DeviceStatus | None = None
    category: Annotated[DeviceCategory | None, FilterLookup("model__category")] = None
    model: Annotated[Id | None, FilterLookup("model_id")] = None
    assigned: bool | None = None
    auto_update_year: Annotated[
        int | None,
        Field(
            ge=datetime.MINYEAR + 1,
            le=datetime.MAXYEAR,
            description="The school year, by the calendar year it ends in (2027: July 2026 "
            "to June 2027), in which Google stops updating the model.",
        ),
    ] = None
    org_unit: Annotated[str | None, FilterLookup("org_unit_path__startswith")] = None
    funding_source: FundingSource | None = None
    q: str | None = None

    def filter_assigned(self, value: bool | None) -> Q:
        if value is None:
            return Q()
        checked_out = Q(pk__in=_open_device_ids())
        return checked_out if value else ~checked_out

    def filter_auto_update_year(self, value: int | None) -> Q:
        """The school year (July to June) in which Google stops updating the model."""
        if value is None:
            return Q()
        start = datetime.date(value - 1, 7, 1)
        return Q(
            model__auto_update_through__gte=start,
            model__auto_update_through__lt=start.replace(year=value),
        )

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        value = value.strip()
        return (
            Q(asset_tag__iexact=value)
            | Q(serial_number__iexact=value)
            | Q(asset_tag__istartswith=value)
        )


def _open_device_ids():
    from homeroom.devices.models import Assignment

    return Assignment.objects.filter(checked_in_at__isnull=True).values("device_id")
