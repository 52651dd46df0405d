from pathlib import Path
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeroom.core.access import PUBLIC, access
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.filters import filtered
from homeroom.core.lists import export_response, paginate, sort
from homeroom.core.registry import registry
from homeroom.core.selectors import audit_events_for, rooms_for, scoped_sites, sites_for
from homeroom.devices.models import Device
from homeroom.devices.selectors import devices_for, find_device
from homeroom.helpdesk import attachments, mail, selectors, services, sla
from homeroom.helpdesk.choices import (
    OPEN_STATUSES,
    TICKET_TRANSITIONS,
    Priority,
    Satisfaction,
    TicketSource,
    TicketStatus,
)
from homeroom.helpdesk.filters import TicketFilter
from homeroom.helpdesk.forms import (
    ArticleForm,
    AssignForm,
    BulkForm,
    CommentForm,
    EscalateForm,
    StatusForm,
    TicketForm,
    TicketUpdateForm,
)
from homeroom.helpdesk.models import Article, CannedResponse, IssueType, Ticket
from homeroom.helpdesk.rules import FILES_TICKETS, READS_ARTICLES, WORKS_TICKETS
from homeroom.people.choices import PersonKind
from homeroom.people.models import Person, User
from homeroom.people.selectors import people_for

ABOUT_LENGTH = 80
QUEUE_VIEWS = {
    "open": "All open",
    "mine": "Mine",
    "unassigned": "Unassigned",
    "breaching": "Breaching soon",
    "breached": "Overdue",
    "all": "Everything",
}
QUEUE_SORTS = {
    "priority": ("priority", "created_at"),
    "created": "created_at",
    "updated": "updated_at",
    "number": "pk",
}
EXPORT_HEADER = [
    "number",
    "subject",
    "site",
    "status",
    "priority",
    "assignee",
    "requester",
    "filed",
    "due",
    "first response",
    "resolved",
]


def technicians_at(site_ids) -> "list[User]":
    """Accounts that work tickets at any of these sites, for assignment pickers."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename="work_ticket")
            | Q(user_permissions__codename="work_ticket")
        )
        .filter(Q(sites__in=site_ids) | Q(sites__isnull=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


# Self-service and filing ------------------------------------------------------------------


def _device_from(request, value):
    """The device a link names: any the user may see, or for people who do not browse the
    fleet (teachers following a “Report a problem” link), one at their sites."""
    if not (value and str(value).isdigit()):
        return None
    if request.user.has_perm("devices.view_device"):
        return devices_for(request.user).filter(pk=value).first()
    return (
        Device.objects.filter(pk=value, site__in=sites_for(request.user))
        .select_related("site", "model")
        .first()
    )


def _person_from(request, value):
    if value and str(value).isdigit():
        return people_for(request.user).filter(pk=value).first()
    return None


def _students_to_name(user):
    """The students a teacher may say a ticket is for: those of their own classes. None
    for roles that see every student at their sites (that list is the whole school; they
    file from the person's page) and for those who teach no one."""
    if user.has_perm("people.view_all_students") or not user.has_perm("people.view_person"):
        return None
    students = people_for(user).filter(kind=PersonKind.STUDENT, is_active=True)
    return students.order_by("family_name", "given_name", "pk") if students.exists() else None


@access(FILES_TICKETS)
def get_help(request):
    """Step one: pick the problem. With an issue picked, its troubleshooting steps come
    first, with “This fixed it” and “I still need help”."""
    device = _device_from(request, request.GET.get("device"))
    category = device.model.category if device else ""
    groups = selectors.issue_groups(category)
    issue = None
    issue_id = request.GET.get("issue", "")
    if issue_id.isdigit():
        issue = selectors.issue_types().filter(pk=issue_id).first()
    articles = []
    if issue is not None:
        articles = list(selectors.articles_for(request.user).filter(issue_types=issue))
    carry = {key: request.GET[key] for key in ("device", "person") if request.GET.get(key)}
    if about := _about(request.GET):
        carry["about"] = about
    return render(
        request,
        "helpdesk/get_help.html",
        {
            "groups": groups,
            "issue": issue,
            "articles": articles,
            "device": device,
            "carry": carry,
            "carry_query": urlencode(carry),
        },
    )


def _about(params) -> str:
    """What the problem is with, when another page names it (e.g. the app of My apps'
    "Trouble signing in?"): it goes into the ticket's subject."""
    return " ".join(params.get("about", "").split())[:ABOUT_LENGTH]


@access(FILES_TICKETS)
@require_POST
def self_service_fixed(request):
    issue_id = request.POST.get("issue", "")
    issue = selectors.issue_types().filter(pk=issue_id).first() if issue_id.isdigit() else None
    if issue is None:
        messages.error(request, "Pick the problem first.")
        return redirect("helpdesk:get_help")
    article_id = request.POST.get("article", "")
    article = (
        selectors.articles_for(request.user).filter(pk=article_id).first()
        if article_id.isdigit()
        else None
    )
    site = (
        request.current_site
        or sites_for(request.user).filter(pk__in=_own_site_ids(request)).first()
    )
    try:
        services.deflection_record(actor=request.user, issue_type=issue, article=article, site=site)
    except Conflict as error:
        messages.error(request, str(error))
        return redirect(f"{reverse('helpdesk:get_help')}?issue={issue.pk}")
    messages.success(request, "Glad that fixed it. No ticket was needed.")
    return redirect("helpdesk:get_help")


def _own_site_ids(request) -> list[int]:
    person = Person.objects.filter(user=request.user).only("primary_site").first()
    if person is not None and person.primary_site_id:
        return [person.primary_site_id]
    return list(request.user.sites.values_list("pk", flat=True)[:1])


@access(FILES_TICKETS)
def ticket_new(request):
    """File a ticket: from the help form, a device or person page (prefilled), or by a
    technician on someone's behalf."""
    technician = request.user.has_perm("helpdesk.work_ticket")
    params = request.POST if request.method == "POST" else request.GET
    device = _device_from(request, params.get("device"))
    person = _person_from(request, params.get("person"))
    sites = sites_for(request.user).filter(is_active=True)
    groups = selectors.issue_groups(device.model.category if device else "")
    initial = {"impact": 3, "urgency": 2}
    issue_id = request.GET.get("issue", "")
    issue = selectors.issue_types().filter(pk=issue_id).first() if issue_id.isdigit() else None
    if issue is not None:
        about = _about(request.GET)
        initial.update(
            issue_type=issue.pk,
            subject=f"{issue.name}: {about}" if about and about not in issue.name else issue.name,
            impact=issue.default_impact,
            urgency=issue.default_urgency,
        )
    if device is not None:
        initial.update(site=device.site_id, room=device.home_room_id, asset_tag=device.asset_tag)
    elif person is not None and person.primary_site_id:
        initial["site"] = person.primary_site_id
    elif request.current_site is not None:
        initial["site"] = request.current_site.pk
    elif own := _own_site_ids(request):
        initial["site"] = own[0]
    if person is not None:
        initial["person"] = person.pk
    students = None if technician else _students_to_name(request.user)
    form = TicketForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        groups=groups,
        sites=sites,
        rooms=rooms_for(request.user).filter(is_active=True, site__in=sites),
        technician=technician,
        students=students,
    )
    if request.method == "POST" and form.is_valid():
        if students is not None:
            person = form.cleaned_data["person"]
        ticket = _file_from_form(request, form, technician=technician, person=person)
        if ticket is not None:
            messages.success(request, f"Ticket #{ticket.pk} filed. We will email you updates.")
            return redirect(ticket)
    return render(
        request,
        "helpdesk/ticket_new.html",
        {"form": form, "device": device, "person": person, "technician": technician},
    )


def _file_from_form(request, form, *, technician: bool, person):
    data = form.cleaned_data
    device = None
    if data["asset_tag"]:
        device = find_device(request.user, data["asset_tag"]) if technician else None
        if device is None:
            device = _device_for_requester(request, data["asset_tag"])
        if device is None:
            form.add_error("asset_tag", f"No device has the tag or serial “{data['asset_tag']}”.")
            return None
    requester = None
    if technician and data.get("on_behalf_of"):
        who = data["on_behalf_of"].strip()
        requester = User.objects.filter(Q(username__iexact=who) | Q(email__iexact=who)).first()
        if requester is None:
            form.add_error("on_behalf_of", f"No account has the username or email “{who}”.")
            return None
    issue = None
    if data["issue_type"]:
        issue = selectors.issue_types().filter(pk=data["issue_type"]).first()
    if technician:
        source = TicketSource.TECHNICIAN
    elif request.GET.get("device") or request.POST.get("device"):
        source = TicketSource.DEVICE_PAGE
    elif person is not None and request.GET.get("person"):
        source = TicketSource.PERSON_PAGE
    else:
        source = TicketSource.FORM
    try:
        return services.ticket_create(
            actor=request.user,
            site=data["site"],
            room=data["room"],
            device=device,
            subject=data["subject"],
            description=data["description"],
            requester=requester,
            affected_person=person,
            issue_type=issue,
            impact=data["impact"],
            urgency=data["urgency"],
            source=source,
            photos=data["photos"],
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                field = "person" if field == "affected_person" else field
                form.add_error(field if field in form.fields else None, problems)
        else:
            form.add_error("photos" if request.FILES else None, error.messages)
    except Conflict as error:
        form.add_error(None, str(error))
    return None


def _device_for_requester(request, scan: str):
    """Requesters do not browse the fleet; a tag they type must be an exact asset tag or
    serial at one of their sites."""
    scan = scan.strip()
    return (
        Device.objects.filter(Q(asset_tag__iexact=scan) | Q(serial_number__iexact=scan))
        .filter(site__in=sites_for(request.user))
        .select_related("site", "model")
        .first()
    )


@access(FILES_TICKETS)
def my_tickets(request):
    tickets = selectors.own_tickets(request.user)
    show = request.GET.get("show", "open")
    if show == "open":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    return render(
        request,
        "helpdesk/my_tickets.html",
        {"page": paginate(request, tickets.order_by("-created_at", "-pk")), "show": show},
    )


# The technician's queue -------------------------------------------------------------------


def queue_tickets(request):
    ticket_filter, tickets = filtered(
        request, TicketFilter, selectors.queue_for(request.user), site_field="site"
    )
    view = request.GET.get("view", "open")
    if view not in QUEUE_VIEWS:
        view = "open"
    now = timezone.now()
    if view != "all":
        tickets = tickets.filter(status__in=OPEN_STATUSES)
    if view == "mine":
        tickets = tickets.filter(assignee=request.user)
    elif view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif view == "breaching":
        tickets = tickets.filter(selectors.is_due_soon(now))
    elif view == "breached":
        tickets = tickets.filter(selectors.is_breached(now))
    # Open tickets are a small part of the table and read soonest-due first; everything
    # reads newest first, straight from the created_at index.
    key = request.GET.get("sort", "-created" if view == "all" else "due")
    if key.lstrip("-") == "due":
        due = F("resolution_due_at")
        order = due.desc(nulls_last=True) if key.startswith("-") else due.asc(nulls_last=True)
        tickets = tickets.order_by(order, "pk")
    else:
        tickets, key = sort(request, tickets, QUEUE_SORTS, "-created")
    return ticket_filter, tickets, view, key, now


@access(WORKS_TICKETS)
def queue(request):
    ticket_filter, tickets, view, current_sort, now = queue_tickets(request)
    if request.GET.get("export") in {"csv", "xlsx"}:
        return export_response(
            request,
            "tickets",
            EXPORT_HEADER,
            (
                [
                    t.pk,
                    t.subject,
                    t.site.name,
                    t.get_status_display(),
                    t.get_priority_display(),
                    str(t.assignee or ""),
                    str(t.requester or ""),
                    t.created_at.isoformat(),
                    t.resolution_due_at.isoformat() if t.resolution_due_at else "",
                    t.first_response_at.isoformat() if t.first_response_at else "",
                    t.resolved_at.isoformat() if t.resolved_at else "",
                ]
                for t in tickets.iterator(chunk_size=2000)
            ),
        )
    page = paginate(request, tickets)
    for ticket in page.object_list:
        ticket.sla = sla.sla_state(ticket, now)
    sites = scoped_sites(request)
    context = {
        "page": page,
        "filter": ticket_filter,
        "view": view,
        "views": QUEUE_VIEWS,
        "sort": current_sort,
        "sites": sites,
        "statuses": TicketStatus.choices,
        "priorities": Priority.choices,
        "bulk_form": BulkForm(technicians=technicians_at(sites.values("pk"))),
    }
    template = "helpdesk/queue.html#table" if request.htmx else "helpdesk/queue.html"
    return render(request, template, context)


@access(WORKS_TICKETS)
@require_POST
def queue_bulk(request):
    back = f"{reverse('helpdesk:queue')}?{request.GET.urlencode()}"
    sites = sites_for(request.user)
    form = BulkForm(request.POST, technicians=technicians_at(sites.values("pk")))
    ticked = [pk for pk in request.POST.getlist("ticket") if pk.isdigit()]
    if not ticked:
        messages.error(request, "Tick the tickets to change first.")
        return redirect(back)
    if not form.is_valid():
        messages.error(request, " ".join(form.non_field_errors()) or "Check the bulk choices.")
        return redirect(back)
    tickets = list(selectors.queue_for(request.user).filter(pk__in=ticked).order_by("pk"))
    data = form.cleaned_data
    result = services.tickets_bulk_change(
        actor=request.user,
        tickets=tickets,
        status=data["status"],
        assignee=data["assignee"],
        unassign=data["unassign"],
    )
    if result.changed:
        messages.success(request, f"Changed {result.changed} ticket{'s' * (result.changed != 1)}.")
    for problem in result.problems:
        messages.error(request, problem)
    return redirect(back)


# One ticket -------------------------------------------------------------------------------


def _ticket(request, pk: int) -> Ticket:
    return get_object_or_404(selectors.tickets_for(request.user), pk=pk)


def _allowed_moves(request, ticket: Ticket) -> list[str]:
    if services.works_at(request.user, ticket.site):
        return sorted(TICKET_TRANSITIONS[TicketStatus(ticket.status)])
    # A ticket just filed is not offered for closing: nobody has looked at it yet.
    if ticket.requester_id != request.user.pk or ticket.status == TicketStatus.NEW:
        return []
    return [
        target
        for current, target in services.REQUESTER_MOVES
        if current == ticket.status and target in TICKET_TRANSITIONS[TicketStatus(ticket.status)]
    ]


def _may_see_person(request, ticket: Ticket, worker: bool) -> bool:
    """Who a ticket is for shows only to those who may see that person: the technicians,
    the person themselves, and e.g. a teacher for a student in their classes (not someone
    merely watching the ticket)."""
    person = ticket.affected_person
    if person is None:
        return False
    if worker or (person.user_id is not None and person.user_id == request.user.pk):
        return True
    return people_for(request.user).filter(pk=person.pk).exists()


@access(FILES_TICKETS)
def ticket_detail(request, pk: int):
    ticket = _ticket(request, pk)
    worker = services.works_at(request.user, ticket.site)
    comments = list(selectors.comments_for(request.user, ticket))
    watchers = list(ticket.watchers.all())
    moves = _allowed_moves(request, ticket)
    attached = [
        a
        for a in selectors.attachments_for(request.user).filter(ticket=ticket, comment__isnull=True)
    ]
    context = {
        "ticket": ticket,
        "worker": worker,
        "show_person": _may_see_person(request, ticket, worker),
        "sla": sla.sla_state(ticket, timezone.now()),
        "comments": comments,
        "attachments": attached,
        "watchers": watchers,
        "watching": any(w.pk == request.user.pk for w in watchers),
        "comment_form": CommentForm(technician=worker),
        "canned": list(CannedResponse.objects.filter(is_active=True)) if worker else [],
        "status_form": StatusForm(allowed=moves) if moves else None,
    }
    if worker:
        context.update(
            assign_form=AssignForm(
                initial={"assignee": ticket.assignee_id},
                technicians=technicians_at([ticket.site_id]),
            ),
            update_form=TicketUpdateForm(
                initial={
                    "issue_type": ticket.issue_type_id,
                    "impact": ticket.impact,
                    "urgency": ticket.urgency,
                },
                groups=selectors.issue_groups(
                    ticket.device.model.category if ticket.device else ""
                ),
            ),
            escalate_form=EscalateForm(initial={"external_reference": ticket.external_reference}),
            device_tickets=selectors.tickets_for(request.user)
            .filter(device=ticket.device_id)
            .exclude(pk=ticket.pk)[:8]
            if ticket.device_id
            else [],
            device_assignments=ticket.device.assignments.select_related("person", "room", "cart")[
                :5
            ]
            if ticket.device_id
            else [],
            person_tickets=selectors.tickets_for(request.user)
            .filter(affected_person=ticket.affected_person_id)
            .exclude(pk=ticket.pk)[:8]
            if ticket.affected_person_id
            else [],
            requester_tickets=selectors.tickets_for(request.user)
            .filter(requester=ticket.requester_id)
            .exclude(pk=ticket.pk)[:5]
            if ticket.requester_id
            else [],
            events=audit_events_for(request.user, ticket)[:30],
        )
    return render(request, "helpdesk/ticket_detail.html", context)


@access(FILES_TICKETS)
@require_POST
def ticket_reply(request, pk: int):
    ticket = _ticket(request, pk)
    worker = services.works_at(request.user, ticket.site)
    form = CommentForm(request.POST, request.FILES, technician=worker)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(ticket)
    data = form.cleaned_data
    body = data["body"]
    canned_id = request.POST.get("canned", "")
    if worker and canned_id.isdigit():
        canned = CannedResponse.objects.filter(pk=canned_id, is_active=True).first()
        if canned is not None:
            body = f"{canned.body}\n\n{body}".strip()
    try:
        services.comment_add(
            actor=request.user,
            ticket=ticket,
            body=body,
            is_internal=data.get("is_internal") or False,
            time_spent_minutes=data.get("time_spent_minutes") or 0,
            photos=data["photos"],
        )
    except (ValidationError, Conflict) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, "Note added." if data.get("is_internal") else "Reply sent.")
    return redirect(ticket)


@access(FILES_TICKETS)
@require_POST
def ticket_status(request, pk: int):
    ticket = _ticket(request, pk)
    form = StatusForm(request.POST, allowed=list(TicketStatus.values))
    if not form.is_valid():
        messages.error(request, "Pick a status.")
        return redirect(ticket)
    try:
        ticket = services.ticket_set_status(
            actor=request.user,
            ticket=ticket,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, Conflict) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Ticket #{ticket.pk} is now {ticket.get_status_display()}.")
    return redirect(ticket)


@access(WORKS_TICKETS)
@require_POST
def ticket_assign(request, pk: int):
    ticket = _ticket(request, pk)
    form = AssignForm(request.POST, technicians=technicians_at([ticket.site_id]))
    if not form.is_valid():
        messages.error(request, "Pick a technician who works at this site.")
        return redirect(ticket)
    assignee = form.cleaned_data["assignee"]
    try:
        services.ticket_assign(actor=request.user, ticket=ticket, assignee=assignee)
    except (ValidationError, Conflict) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Assigned to {assignee}." if assignee else "Unassigned.")
    return redirect(ticket)


@access(WORKS_TICKETS)
@require_POST
def ticket_update(request, pk: int):
    ticket = _ticket(request, pk)
    groups = selectors.issue_groups(ticket.device.model.category if ticket.device else "")
    form = TicketUpdateForm(request.POST, groups=groups)
    if not form.is_valid():
        messages.error(request, "Check the issue, impact and urgency.")
        return redirect(ticket)
    data = form.cleaned_data
    issue = IssueType.objects.filter(pk=data["issue_type"]).first() if data["issue_type"] else None
    try:
        ticket = services.ticket_update(
            actor=request.user,
            ticket=ticket,
            issue_type=issue,
            impact=data["impact"],
            urgency=data["urgency"],
        )
    except (ValidationError, Conflict) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Saved. Priority: {ticket.get_priority_display()}.")
    return redirect(ticket)


@access(WORKS_TICKETS)
@require_POST
def ticket_escalate(request, pk: int):
    ticket = _ticket(request, pk)
    form = EscalateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give district IT's ticket number.")
        return redirect(ticket)
    try:
        services.ticket_escalate(
            actor=request.user,
            ticket=ticket,
            external_reference=form.cleaned_data["external_reference"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, Conflict) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, "Escalated to district IT.")
    return redirect(ticket)


@access(FILES_TICKETS)
@require_POST
def ticket_watch(request, pk: int):
    ticket = _ticket(request, pk)
    watching = request.POST.get("watch") == "1"
    who = request.POST.get("who", "").strip()
    if who:
        return _add_watcher(request, ticket, who, watching=watching)
    services.ticket_watch(actor=request.user, ticket=ticket, user=request.user, watching=watching)
    messages.success(request, "Watching this ticket." if watching else "Stopped watching.")
    if not watching and not selectors.tickets_for(request.user).filter(pk=ticket.pk).exists():
        return redirect("helpdesk:my_tickets")
    return redirect(ticket)


def _add_watcher(request, ticket: Ticket, who: str, *, watching: bool):
    """A technician names a watcher by username or email. The answer is the same whether
    or not such an account exists, so the form tells nobody which ones do; only accounts
    at the ticket's site (or district-wide ones) are looked up."""
    if not services.works_at(request.user, ticket.site):
        raise PermissionDenied("Only technicians can add watchers.")
    user = (
        User.objects.filter(is_active=True)
        .filter(Q(sites=ticket.site) | Q(sites__isnull=True))
        .filter(Q(username__iexact=who) | Q(email__iexact=who))
        .order_by("pk")
        .first()
    )
    if user is not None:
        services.ticket_watch(actor=request.user, ticket=ticket, user=user, watching=watching)
    change = "now get" if watching else "no longer get"
    messages.success(
        request,
        f"If “{who}” is the username or email of someone at {ticket.site}, they {change} "
        "this ticket's replies.",
    )
    return redirect(ticket)


@access(FILES_TICKETS)
def attachment(request, pk: int):
    """A photo, only for people who may see its ticket (and its note, if internal)."""
    found = get_object_or_404(selectors.attachments_for(request.user), pk=pk)
    path = Path(found.file_path)
    if not path.is_file() or not path.resolve().is_relative_to(attachments.folder().resolve()):
        raise Http404("The photo is missing from the data folder.")
    response = FileResponse(path.open("rb"), content_type=found.content_type)
    response["Content-Disposition"] = f'inline; filename="{found.file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@access(PUBLIC)
def rate(request, token: str, rating: int):
    """The one-click satisfaction link from the resolution email: no sign-in needed, the
    signed token names the ticket, and the first click is the one that counts."""
    ticket_id = mail.ticket_from_rating_token(token)
    if ticket_id is None or rating not in Satisfaction.values:
        return render(request, "helpdesk/rated.html", {"problem": "bad_link"}, status=400)
    try:
        ticket, recorded = services.ticket_rate(ticket_id=ticket_id, rating=rating)
    except Ticket.DoesNotExist:
        return render(request, "helpdesk/rated.html", {"problem": "bad_link"}, status=400)
    except Conflict:
        return render(request, "helpdesk/rated.html", {"problem": "not_resolved"}, status=409)
    return render(
        request,
        "helpdesk/rated.html",
        {"ticket_number": ticket.pk, "recorded": recorded, "rating": Satisfaction(rating).label},
    )


# Knowledge base ---------------------------------------------------------------------------


@access(READS_ARTICLES)
def article_list(request):
    articles = selectors.articles_for(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        articles = selectors.search_articles(articles, query)
    return render(
        request,
        "helpdesk/article_list.html",
        {"page": paginate(request, articles.order_by("title", "pk")), "q": query},
    )


@access(READS_ARTICLES)
def article_detail(request, slug: str):
    article = get_object_or_404(selectors.articles_for(request.user), slug=slug)
    issues = list(article.issue_types.select_related("parent"))
    sections = registry.sections_for("helpdesk.article", request, article)
    return render(
        request,
        "helpdesk/article_detail.html",
        {"article": article, "issues": issues, "sections": sections},
    )


def _article_form(request, article: Article | None):
    return ArticleForm(request.POST or None, instance=article, issue_types=selectors.issue_types())


def _save_article(request, form, article):
    data = form.cleaned_data
    return services.article_save(
        actor=request.user,
        article=article,
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
        audience=data["audience"],
        issue_types=list(data["issue_types"]),
        is_published=data["is_published"],
    )


@access("helpdesk.add_article")
def article_new(request):
    form = _article_form(request, None)
    if request.method == "POST" and form.is_valid():
        article = _save_article(request, form, None)
        messages.success(request, f"Published “{article}”." if article.is_published else "Saved.")
        return redirect(article)
    return render(request, "helpdesk/article_form.html", {"form": form, "article": None})


@access("helpdesk.change_article")
def article_edit(request, slug: str):
    article = get_object_or_404(Article, slug=slug)
    form = _article_form(request, article)
    if request.method == "POST" and form.is_valid():
        article = _save_article(request, form, Article.objects.get(pk=article.pk))
        messages.success(request, f"Saved “{article}”.")
        return redirect(article)
    return render(request, "helpdesk/article_form.html", {"form": form, "article": article})
