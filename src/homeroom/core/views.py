import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from homeroom.core import selectors, services
from homeroom.core.access import PUBLIC, SIGNED_IN, access
from homeroom.core.calendar import calendar_for, calendars_for, district_zone
from homeroom.core.choices import AuditInterface, AuditVerb, RoomKind
from homeroom.core.filters import AuditFilter, RoomFilter, filtered
from homeroom.core.forms import (
    ClosedDayForm,
    RoomForm,
    SchoolHoursForm,
    SiteForm,
)
from homeroom.core.lists import csv_response, paginate, sort
from homeroom.core.middleware import SESSION_SITE_KEY
from homeroom.core.registry import registry

SEARCH_LIMIT = 8


@access(SIGNED_IN)
def today(request):
    roles = set(request.user.role_names)
    cards = []
    for card in sorted(registry.cards, key=lambda card: not (card.leads & roles)):
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
    today = datetime.datetime.now(district_zone()).date()
    context = {
        "site": site,
        "rooms": rooms,
        "events": events,
        "calendar": calendar_for(site),
        "closed_days": selectors.closed_days_of_site(site).filter(ends_on__gte=today)[:12],
    }
    return render(request, "core/site_detail.html", context)


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
    sections = registry.sections_for("core.room", request, room)
    return render(
        request, "core/room_detail.html", {"room": room, "events": events, "sections": sections}
    )


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


def school_year_of(day: datetime.date) -> int:
    """School years run from July to June and are named by the year they start in."""
    return day.year if day.month >= 7 else day.year - 1


@access("core.view_site")
def district_calendar(request):
    today = datetime.datetime.now(district_zone()).date()
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = school_year_of(today)
    year = min(max(year, 2000), 2100)
    first, last = datetime.date(year, 7, 1), datetime.date(year + 1, 6, 30)
    closed_days = selectors.closed_days_for(request.user).filter(
        starts_on__lte=last, ends_on__gte=first
    )
    calendar = calendar_for(None)
    context = {
        "year": year,
        "first": first,
        "last": last,
        "calendar": calendar,
        "school_days": calendar.school_day_count(first, last),
        "page": paginate(request, closed_days, per_page=100),
        "own_hours": selectors.sites_with_own_hours(request.user),
    }
    return render(request, "core/calendar.html", context)


def save_or_explain(form, write):
    """Run a service write and return what it returns; on a validation or permission error,
    put the error on the form and return None."""
    try:
        return write()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
    except PermissionDenied as error:
        form.add_error(None, str(error))
    return None


def hours_form(request, site):
    calendars = calendars_for([None] if site is None else [None, site.pk])
    calendar = calendars[None if site is None else site.pk]
    initial = {
        "school_days": sorted(calendar.weekdays),
        "opens_at": calendar.opens_at,
        "closes_at": calendar.closes_at,
    }
    own_hours = site is not None and not calendar.uses_district_hours
    district_hours = calendars[None].hours_label if own_hours else None
    form = SchoolHoursForm(request.POST or None, initial=initial, district_hours=district_hours)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("use_district_hours"):
            saved = save_or_explain(
                form, lambda: services.school_hours_clear(actor=request.user, site=site)
            )
        else:
            saved = save_or_explain(
                form,
                lambda: services.school_hours_set(
                    actor=request.user,
                    site=site,
                    school_days=data["school_days"],
                    opens_at=data["opens_at"],
                    closes_at=data["closes_at"],
                ),
            )
        if saved is not None:
            messages.success(request, f"Saved the school hours of {site or 'the district'}.")
            return redirect(site.get_absolute_url() if site else reverse("core:district_calendar"))
    follows_district = site is not None and calendar.uses_district_hours
    context = {"form": form, "site": site, "follows_district": follows_district}
    return render(request, "core/hours_form.html", context)


@access("core.change_site")
def site_hours_edit(request, pk: int):
    return hours_form(request, get_object_or_404(selectors.sites_for(request.user), pk=pk))


@access("core.change_site")
def district_hours_edit(request):
    return hours_form(request, None)


def back_to(site) -> str:
    return site.get_absolute_url() if site else reverse("core:district_calendar")


@access("core.change_site")
def closed_day_create(request):
    sites = selectors.sites_for(request.user)
    chosen = request.GET.get("site", "")
    site = sites.filter(pk=chosen).first() if chosen.isdigit() else None
    form = ClosedDayForm(request.POST or None, sites=sites, initial={"site": site})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        site = data["site"]
        added = save_or_explain(
            form,
            lambda: services.closed_day_add(
                actor=request.user,
                site=site,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                reason=data["reason"],
            ),
        )
        if added is not None:
            messages.success(request, f"{site or 'The district'} is closed: {data['reason']}.")
            return redirect(back_to(site))
    return render(request, "core/closed_day_form.html", {"form": form, "site": site})


@access("core.change_site")
@require_POST
def closed_day_delete(request, pk: int):
    closed_day = get_object_or_404(selectors.closed_days_for(request.user), pk=pk)
    try:
        services.closed_day_remove(actor=request.user, closed_day=closed_day)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Removed {closed_day}; the help desk clock runs those days.")
    return redirect(back_to(closed_day.site))


@access("core.change_site")
def closed_days_import(request):
    """The calendar's import moved onto the import lifecycle (with a preview)."""
    return redirect("core:import_run_create", "closed-days")
