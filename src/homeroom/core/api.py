from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from ninja import PatchDict, Query, Router, Status
from ninja.pagination import paginate

from homeroom.core import selectors, services
from homeroom.core.access import requires
from homeroom.core.calendar import BusinessCalendar, calendar_for
from homeroom.core.filters import ClosedDayFilter, RoomFilter
from homeroom.core.pagination import Pages
from homeroom.core.schemas import (
    WEEKDAYS,
    CalendarOut,
    ClosedDayIn,
    ClosedDayOut,
    HoursIn,
    Id,
    RoomIn,
    RoomOut,
    SiteIn,
    SiteOut,
)

router = Router(tags=["Sites and rooms"])


@router.get("/sites", response=list[SiteOut])
@requires("core.view_site")
@paginate(Pages)
def list_sites(request):
    return selectors.sites_for(request.auth)


@router.get("/sites/{site_id}", response=SiteOut)
@requires("core.view_site")
def get_site(request, site_id: Id):
    return get_object_or_404(selectors.sites_for(request.auth), pk=site_id)


@router.post("/sites", response={201: SiteOut})
@requires("core.add_site")
def create_site(request, payload: SiteIn):
    return Status(201, services.site_create(actor=request.auth, **payload.dict()))


@router.patch("/sites/{site_id}", response=SiteOut)
@requires("core.change_site")
def update_site(request, site_id: Id, payload: PatchDict[SiteIn]):
    site = get_object_or_404(selectors.sites_for(request.auth), pk=site_id)
    return services.site_update(actor=request.auth, site=site, **payload)


@router.get("/rooms", response=list[RoomOut])
@requires("core.view_room")
@paginate(Pages)
def list_rooms(request, filters: Query[RoomFilter]):
    return filters.filter(selectors.rooms_for(request.auth))


@router.get("/rooms/{room_id}", response=RoomOut)
@requires("core.view_room")
def get_room(request, room_id: Id):
    return get_object_or_404(selectors.rooms_for(request.auth), pk=room_id)


@router.post("/rooms", response={201: RoomOut})
@requires("core.add_room")
def create_room(request, payload: RoomIn):
    data = payload.dict()
    site = get_object_or_404(selectors.sites_for(request.auth), pk=data.pop("site_id"))
    return Status(201, services.room_create(actor=request.auth, site=site, **data))


@router.patch("/rooms/{room_id}", response=RoomOut)
@requires("core.change_room")
def update_room(request, room_id: Id, payload: PatchDict[RoomIn]):
    room = get_object_or_404(selectors.rooms_for(request.auth), pk=room_id)
    data = dict(payload)
    if "site_id" in data:
        data["site"] = get_object_or_404(selectors.sites_for(request.auth), pk=data.pop("site_id"))
    return services.room_update(actor=request.auth, room=room, **data)


def calendar_out(site_id: int | None, calendar: BusinessCalendar) -> dict:
    return {
        "site_id": site_id,
        "uses_district_hours": calendar.uses_district_hours,
        "school_days": [WEEKDAYS[day] for day in sorted(calendar.weekdays)],
        "opens_at": calendar.opens_at,
        "closes_at": calendar.closes_at,
        "description": calendar.hours_label,
    }


def set_hours(request, site, payload: HoursIn) -> dict:
    if site is not None and payload.use_district_hours:
        services.school_hours_clear(actor=request.auth, site=site)
    else:
        if payload.opens_at is None or payload.closes_at is None:
            raise ValidationError("Give opens_at and closes_at, e.g. 07:30 and 16:00.")
        services.school_hours_set(
            actor=request.auth,
            site=site,
            school_days=[WEEKDAYS.index(day) for day in payload.school_days],
            opens_at=payload.opens_at,
            closes_at=payload.closes_at,
        )
    return calendar_out(site.pk if site else None, calendar_for(site))


@router.get("/calendar", response=CalendarOut, tags=["School calendar"])
@requires("core.view_site")
def get_district_calendar(request):
    """The district's default school days and hours."""
    return calendar_out(None, calendar_for(None))


@router.put("/calendar", response=CalendarOut, tags=["School calendar"])
@requires("core.change_site")
def update_district_calendar(request, payload: HoursIn):
    return set_hours(request, None, payload)


@router.get("/sites/{site_id}/calendar", response=CalendarOut, tags=["School calendar"])
@requires("core.view_site")
def get_site_calendar(request, site_id: Id):
    """The school days and hours the site's help desk clock runs on."""
    site = get_object_or_404(selectors.sites_for(request.auth), pk=site_id)
    return calendar_out(site.pk, calendar_for(site))


@router.put("/sites/{site_id}/calendar", response=CalendarOut, tags=["School calendar"])
@requires("core.change_site")
def update_site_calendar(request, site_id: Id, payload: HoursIn):
    site = get_object_or_404(selectors.sites_for(request.auth), pk=site_id)
    return set_hours(request, site, payload)


@router.get("/closed-days", response=list[ClosedDayOut], tags=["School calendar"])
@requires("core.view_site")
@paginate(Pages)
def list_closed_days(request, filters: Query[ClosedDayFilter]):
    return filters.filter(selectors.closed_days_for(request.auth))


@router.post("/closed-days", response={201: ClosedDayOut}, tags=["School calendar"])
@requires("core.change_site")
def add_closed_day(request, payload: ClosedDayIn):
    data = payload.dict()
    site_id = data.pop("site_id")
    site = get_object_or_404(selectors.sites_for(request.auth), pk=site_id) if site_id else None
    return Status(201, services.closed_day_add(actor=request.auth, site=site, **data))


@router.delete("/closed-days/{closed_day_id}", response={204: None}, tags=["School calendar"])
@requires("core.change_site")
def delete_closed_day(request, closed_day_id: Id):
    closed_day = get_object_or_404(selectors.closed_days_for(request.auth), pk=closed_day_id)
    services.closed_day_remove(actor=request.auth, closed_day=closed_day)
    return Status(204, None)


# The import lifecycle's routes (/imports…) live in their own module, on this router.
from homeroom.core import import_api  # noqa: E402, F401
