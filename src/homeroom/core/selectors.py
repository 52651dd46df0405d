"""Reads of core records, always scoped to what the user may see."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from homeroom.core.choices import AuditInterface, AuditVerb
from homeroom.core.models import AuditEvent, ClosedDay, Room, SchoolHours, Site


def sites_for(user) -> QuerySet[Site]:
    """The sites a user works at: all of them unless their account is limited to some."""
    if not user.is_authenticated:
        return Site.objects.none()
    if user.sees_all_sites:
        return Site.objects.all()
    return Site.objects.filter(pk__in=user.sites.values("pk"))


def scoped_sites(request) -> QuerySet[Site]:
    """The user's sites narrowed to the one picked in the site switcher, if any."""
    sites = sites_for(request.user)
    if request.current_site is not None:
        sites = sites.filter(pk=request.current_site.pk)
    return sites


def site_list(request) -> QuerySet[Site]:
    return (
        scoped_sites(request)
        .annotate(room_count=Count("rooms", filter=Q(rooms__is_active=True)))
        .order_by("name")
    )


def rooms_for(user) -> QuerySet[Room]:
    rooms = Room.objects.select_related("site")
    if user.is_authenticated and user.sees_all_sites:
        return rooms
    return rooms.filter(site__in=sites_for(user))


def audit_events_for(user, obj) -> QuerySet[AuditEvent]:
    """The timeline of one object, for users allowed to read the audit trail."""
    if not user.has_perm("core.view_auditevent"):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("content_type")


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    """Every event at the user's sites, plus site-less events for users who see all sites."""
    if not user.has_perm("core.view_auditevent"):
        return AuditEvent.objects.none()
    events = AuditEvent.objects.select_related("content_type")
    if user.sees_all_sites:
        return events
    return events.filter(site__in=sites_for(user))


def recent_changes(user, limit: int = 8) -> list[AuditEvent]:
    """The latest changes people made, without the per-record events of imports: an import
    shows up once, as the import itself. One short index range per interface, so the fifty
    thousand events of a roster import are never walked through."""
    events = audit_events_visible_to(user)
    latest = [*events.filter(interface=AuditInterface.IMPORT, verb=AuditVerb.APPLIED)[:limit]]
    for interface in AuditInterface.values:
        if interface != AuditInterface.IMPORT:
            latest += events.filter(interface=interface)[:limit]
    return sorted(latest, key=lambda event: (event.at, event.pk), reverse=True)[:limit]


def closed_days_for(user) -> QuerySet[ClosedDay]:
    """Closed days of the whole district and of the user's sites."""
    closed = ClosedDay.objects.select_related("site")
    if user.is_authenticated and user.sees_all_sites:
        return closed
    return closed.filter(Q(site__isnull=True) | Q(site__in=sites_for(user)))


def closed_days_of_site(site: Site | None) -> QuerySet[ClosedDay]:
    """The closed days that apply to one site (its own and the district's); with None, the
    district's only."""
    if site is None:
        return ClosedDay.objects.filter(site__isnull=True)
    return ClosedDay.objects.filter(Q(site__isnull=True) | Q(site=site)).select_related("site")


def school_hours_of(site: Site | None) -> SchoolHours | None:
    """The site's own hours, or with None the district default; None when not set."""
    return SchoolHours.objects.filter(site=site).first()


def sites_with_own_hours(user) -> QuerySet[SchoolHours]:
    return SchoolHours.objects.filter(site__in=sites_for(user)).select_related("site")
