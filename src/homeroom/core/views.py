from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from homeroom.core import selectors, services
from homeroom.core.access import PUBLIC, SIGNED_IN, access
from homeroom.core.choices import AuditInterface, AuditVerb, RoomKind
from homeroom.core.filters import AuditFilter, RoomFilter, filtered
from homeroom.core.forms import RoomForm, SiteForm
from homeroom.core.lists import csv_response, paginate, sort
from homeroom.core.middleware import SESSION_SITE_KEY
from homeroom.core.registry import registry

SEARCH_LIMIT = 8


@access(SIGNED_IN)
def today(request):
    cards = []
    for card in registry.cards:
        if card.rule.allows(request.user):
            context = card.context(request)
            if context is not None:
                cards.append((card.template, context))
    return render(request, "core/today.html", {"cards": cards})


@access(SIGNED_IN)
def search(request):
    query = request.GET.get("q", "").strip()
    groups = []
    if len(query) >= 2:
        for provider in registry.search:
            if provider.rule.allows(request.user):
                results = provider.search(request, query, SEARCH_LIMIT)
                if results:
                    groups.append((provider.label, results))
    template = "core/search.html#results" if request.htmx else "core/search.html"
    return render(request, template, {"query": query, "groups": groups})


@access(SIGNED_IN)
@require_POST
def switch_site(request):
    site_id = request.POST.get("site", "")
    if site_id:
        site = selectors.sites_for(request.user).filter(pk=site_id).first()
        if site is None:
            messages.error(request, "You do not work at that site.")
        else:
            request.session[SESSION_SITE_KEY] = site.pk
            messages.success(request, f"Showing {site.name} only.")
    else:
        request.session.pop(SESSION_SITE_KEY, None)
        messages.success(request, "Showing all your sites.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("core:today")
    return redirect(back)


@access(PUBLIC)
def health(request):
    return render(request, "core/health.txt", content_type="text/plain")


@access("core.view_site")
def site_list(request):
    page = paginate(request, selectors.site_list(request))
    return render(request, "core/site_list.html", {"page": page})


@access("core.view_site")
def site_detail(request, pk: int):
    site = get_object_or_404(selectors.sites_for(request.user), pk=pk)
    rooms = site.rooms.order_by("number")
    events = selectors.audit_events_for(request.user, site)[:50]
    return render(
        request, "core/site_detail.html", {"site": site, "rooms": rooms, "events": events}
    )


@access("core.add_site")
def site_create(request):
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        site = services.site_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"Added {site.name}.")
        return redirect(site)
    return render(request, "core/site_form.html", {"form": form})


@access("core.change_site")
def site_edit(request, pk: int):
    site = get_object_or_404(selectors.sites_for(request.user), pk=pk)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        services.site_update(actor=request.user, site=site, **form.cleaned_data)
        messages.success(request, f"Saved {site.name}.")
        return redirect(site)
    return render(request, "core/site_form.html", {"form": form, "site": site})


ROOM_SORTS = {"number": "number", "site": ("site__name", "number"), "kind": ("kind", "number")}


@access("core.view_room")
def room_list(request):
    room_filter, rooms = filtered(
        request, RoomFilter, selectors.rooms_for(request.user), site_field="site"
    )
    rooms, current_sort = sort(request, rooms, ROOM_SORTS, "site")
    if request.GET.get("export") == "csv":
        return csv_response(
            "rooms.csv",
            ["site", "number", "name", "kind", "floor", "in use"],
            (
                (
                    r.site.code,
                    r.number,
                    r.name,
                    r.get_kind_display(),
                    r.floor,
                    "yes" if r.is_active else "no",
                )
                for r in rooms.iterator(chunk_size=2000)
            ),
        )
    context = {
        "page": paginate(request, rooms),
        "filter": room_filter,
        "sort": current_sort,
        "sites": selectors.scoped_sites(request),
        "kinds": RoomKind.choices,
    }
    template = "core/room_list.html#table" if request.htmx else "core/room_list.html"
    return render(request, template, context)


@access("core.view_room")
def room_detail(request, pk: int):
    room = get_object_or_404(selectors.rooms_for(request.user), pk=pk)
    events = selectors.audit_events_for(request.user, room)[:50]
    return render(request, "core/room_detail.html", {"room": room, "events": events})


@access("core.add_room")
def room_create(request):
    sites = selectors.sites_for(request.user)
    form = RoomForm(
        request.POST or None,
        sites=sites,
        initial={"site": request.GET.get("site") or request.current_site},
    )
    if request.method == "POST" and form.is_valid():
        room = services.room_create(actor=request.user, **form.cleaned_data)
        messages.success(request, f"Added room {room} at {room.site}.")
        return redirect(room)
    return render(request, "core/room_form.html", {"form": form})


@access("core.change_room")
def room_edit(request, pk: int):
    room = get_object_or_404(selectors.rooms_for(request.user), pk=pk)
    form = RoomForm(request.POST or None, instance=room, sites=selectors.sites_for(request.user))
    if request.method == "POST" and form.is_valid():
        services.room_update(actor=request.user, room=room, **form.cleaned_data)
        messages.success(request, f"Saved room {room}.")
        return redirect(room)
    return render(request, "core/room_form.html", {"form": form, "room": room})


@access("core.view_auditevent")
def activity(request):
    audit_filter, events = filtered(
        request, AuditFilter, selectors.audit_events_visible_to(request.user)
    )
    context = {
        "page": paginate(request, events),
        "filter": audit_filter,
        "interfaces": AuditInterface.choices,
        "verbs": AuditVerb.choices,
    }
    template = "core/activity.html#table" if request.htmx else "core/activity.html"
    return render(request, template, context)
