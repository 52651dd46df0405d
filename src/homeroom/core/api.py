from django.shortcuts import get_object_or_404
from ninja import PatchDict, Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from homeroom.core import selectors, services
from homeroom.core.access import requires
from homeroom.core.filters import RoomFilter
from homeroom.core.schemas import RoomIn, RoomOut, SiteIn, SiteOut

router = Router(tags=["Sites and rooms"])


@router.get("/sites", response=list[SiteOut])
@requires("core.view_site")
@paginate(PageNumberPagination)
def list_sites(request):
    return selectors.sites_for(request.auth)


@router.get("/sites/{site_id}", response=SiteOut)
@requires("core.view_site")
def get_site(request, site_id: int):
    return get_object_or_404(selectors.sites_for(request.auth), pk=site_id)


@router.post("/sites", response={201: SiteOut})
@requires("core.add_site")
def create_site(request, payload: SiteIn):
    return Status(201, services.site_create(actor=request.auth, **payload.dict()))


@router.patch("/sites/{site_id}", response=SiteOut)
@requires("core.change_site")
def update_site(request, site_id: int, payload: PatchDict[SiteIn]):
    site = get_object_or_404(selectors.sites_for(request.auth), pk=site_id)
    return services.site_update(actor=request.auth, site=site, **payload)


@router.get("/rooms", response=list[RoomOut])
@requires("core.view_room")
@paginate(PageNumberPagination)
def list_rooms(request, filters: Query[RoomFilter]):
    return filters.filter(selectors.rooms_for(request.auth))


@router.get("/rooms/{room_id}", response=RoomOut)
@requires("core.view_room")
def get_room(request, room_id: int):
    return get_object_or_404(selectors.rooms_for(request.auth), pk=room_id)


@router.post("/rooms", response={201: RoomOut})
@requires("core.add_room")
def create_room(request, payload: RoomIn):
    data = payload.dict()
    site = get_object_or_404(selectors.sites_for(request.auth), pk=data.pop("site_id"))
    return Status(201, services.room_create(actor=request.auth, site=site, **data))


@router.patch("/rooms/{room_id}", response=RoomOut)
@requires("core.change_room")
def update_room(request, room_id: int, payload: PatchDict[RoomIn]):
    room = get_object_or_404(selectors.rooms_for(request.auth), pk=room_id)
    data = dict(payload)
    if "site_id" in data:
        data["site"] = get_object_or_404(selectors.sites_for(request.auth), pk=data.pop("site_id"))
    return services.room_update(actor=request.auth, room=room, **data)
