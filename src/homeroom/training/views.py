import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from homeroom.core.access import access
from homeroom.core.charts import bar_chart
from homeroom.core.exceptions import Conflict, problem_text
from homeroom.core.filters import filtered
from homeroom.core.forms import form_errors
from homeroom.core.lists import csv_response, paginate
from homeroom.core.models import Site
from homeroom.core.selectors import rooms_for, sites_for
from homeroom.people.models import User
from homeroom.training import documents, selectors, services
from homeroom.training.choices import (
    COACHING_TRANSITIONS,
    AttendanceKind,
    CoachingStatus,
    SessionStatus,
    SignUpStatus,
    Topic,
)
from homeroom.training.filters import CoachingFilter, SessionFilter
from homeroom.training.forms import (
    AttendanceRowForm,
    CoachingLogForm,
    CoachingRequestForm,
    FeedbackForm,
    GuidesForm,
    ScanForm,
    ScheduleForm,
    SessionForm,
)
from homeroom.training.models import Attendance, CoachingLog

VIEW = "training.view_trainingsession"


def _session(request, pk: int):
    return get_object_or_404(selectors.with_counts(selectors.sessions_for(request.user)), pk=pk)


@access(VIEW)
def catalog(request):
    """Upcoming sessions (or, with dates, those in the dates), with one filter form."""
    session_filter, sessions = filtered(
        request, SessionFilter, selectors.with_counts(selectors.sessions_for(request.user))
    )
    if session_filter.on_or_after is None and session_filter.on_or_before is None:
        sessions = selectors.upcoming(sessions)
    sessions = sessions.order_by("starts_at", "pk")
    context = {
        "page": paginate(request, sessions),
        "filter": session_filter,
        "topics": Topic.choices,
        "sites": Site.objects.filter(is_active=True).order_by("name"),
    }
    template = "training/catalog.html#table" if request.htmx else "training/catalog.html"
    return render(request, template, context)


@access(VIEW)
def session_detail(request, pk: int):
    session = _session(request, pk)
    person = selectors.person_of(request.user)
    mine = selectors.signup_of(session, person)
    runs = selectors.can_run(request.user, session)
    confirmed, waiting = selectors.seats(session) if runs else ([], [])
    now = timezone.now()
    return render(
        request,
        "training/session_detail.html",
        {
            "session": session,
            "person": person,
            "mine": mine,
            "position": selectors.waitlist_position(mine)
            if mine and mine.status == SignUpStatus.WAITLISTED
            else 0,
            "runs": runs,
            "confirmed": confirmed,
            "waiting": waiting,
            "open_for_signup": session.status == SessionStatus.SCHEDULED
            and session.starts_at > now,
            "is_full": session.seats_taken >= session.capacity,
            "results": selectors.feedback_summary(session) if runs else None,
            "attended": person is not None and session.attendances.filter(person=person).first(),
            "gave_feedback": person is not None and session.feedback.filter(person=person).exists(),
            "series": selectors.series_of(request.user, session),
            "guides": session.guides.filter(is_published=True).order_by("title"),
        },
    )


@access("training.add_signup")
@require_POST
def signup(request, pk: int):
    session = _session(request, pk)
    try:
        made = services.signup_create(actor=request.user, session=session)
    except (ValidationError, Conflict, PermissionDenied) as error:
        messages.error(request, problem_text(error))
    else:
        if made.status == SignUpStatus.CONFIRMED:
            messages.success(request, f"You have a seat at {session}. We sent you an email.")
        else:
            position = selectors.waitlist_position(made)
            messages.info(
                request,
                f"{session} is full: you are number {position} on the waitlist. We will "
                "email you if a seat opens up.",
            )
    return redirect(session)


@access(VIEW)
@require_POST
def cancel_signup(request, pk: int):
    """Cancel one's own sign-up, or (for someone running the session) the one posted."""
    session = _session(request, pk)
    signup_id = request.POST.get("signup", "")
    if signup_id.isdigit() and selectors.can_run(request.user, session):
        chosen = selectors.live_signups(session).filter(pk=signup_id).first()
    else:
        chosen = selectors.signup_of(session, selectors.person_of(request.user))
    if chosen is None:
        messages.info(request, "There is no sign-up to cancel.")
        return redirect(session)
    try:
        services.signup_cancel(actor=request.user, signup=chosen)
    except (ValidationError, Conflict, PermissionDenied) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Cancelled {chosen.person}'s place at {session}.")
    return redirect(session)


@access(VIEW)
def mine(request):
    """My sign-ups (coming and past, with hours) and the sessions I present."""
    person = selectors.person_of(request.user)
    signups = (
        selectors.signups_of_person(person).exclude(status=SignUpStatus.CANCELLED) if person else []
    )
    now = timezone.now()
    coming = [s for s in signups if s.session.ends_at > now]
    presenting = selectors.presented_by(request.user).filter(ends_at__gt=now)
    presented = selectors.presented_by(request.user).filter(ends_at__lte=now).reverse()[:20]
    return render(
        request,
        "training/mine.html",
        {
            "person": person,
            "coming": coming,
            "presenting": presenting,
            "presented": presented,
            "total": selectors.hours_total(person) if person else selectors.ZERO,
            "years": selectors.transcript(person) if person else [],
            "help": selectors.help_of(request.user, person)[:20] if person else [],
        },
    )


@access("training.add_trainingsession")
def session_create(request):
    sites = sites_for(request.user).filter(is_active=True)
    form = SessionForm(
        request.POST or None,
        rooms=rooms_for(request.user).filter(is_active=True).order_by("site__name", "number"),
        presenters=User.objects.filter(is_active=True).order_by("last_name", "first_name"),
        sites=Site.objects.filter(is_active=True).order_by("name"),
        initial={"presenter": request.user.pk, "capacity": 20, "credit_hours": "1.00"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.session_create(
                actor=request.user,
                title=data["title"],
                topic=data["topic"],
                tool_name=data["tool_name"],
                description=data["description"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                room=data["room"],
                online_link=data["online_link"],
                capacity=data["capacity"],
                credit_hours=data["credit_hours"],
                presenter=data["presenter"],
                audience_roles=data["audience_roles"],
                audience_sites=data["audience_sites"],
                audience_grades=data["audience_grades"],
                repeat_weekly=data["repeat_weekly"] or 0,
            )
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Scheduled {session}.")
            return redirect(session)
    return render(request, "training/session_form.html", {"form": form, "sites": sites})


@access("training.change_trainingsession")
@require_POST
def session_cancel(request, pk: int):
    session = _session(request, pk)
    try:
        services.session_set_status(
            actor=request.user, session=session, status=SessionStatus.CANCELLED
        )
    except (Conflict, PermissionDenied) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Cancelled {session}; everyone signed up gets an email.")
    return redirect(session)


def _attendance_rows(session, forms_by_person=None):
    """Everyone with a seat or already recorded, in name order, each with their form."""
    recorded = selectors.attendance_of(session)
    confirmed, _ = selectors.seats(session)
    people = {signup.person_id: signup.person for signup in confirmed}
    for attendance in recorded.values():
        people.setdefault(attendance.person_id, attendance.person)
    rows = []
    for person in sorted(people.values(), key=lambda p: (p.family_name, p.given_name, p.pk)):
        attendance = recorded.get(person.pk)
        form = (forms_by_person or {}).get(person.pk) or AttendanceRowForm(
            prefix=f"p{person.pk}",
            initial={
                "kind": attendance.kind if attendance else "",
                "hours": attendance.hours if attendance else None,
            },
        )
        rows.append({"person": person, "attendance": attendance, "form": form})
    return rows


@access(VIEW)
def attendance(request, pk: int):
    """Take attendance: scan badges at the door, or tick names on the list."""
    session = _session(request, pk)
    if not selectors.can_run(request.user, session):
        messages.info(request, "Only the presenter, or the school's technician, takes attendance.")
        return redirect(session)
    problems = []
    forms_by_person = {}
    if request.method == "POST":
        rows = _attendance_rows(session)
        saved = 0
        for row in rows:
            person = row["person"]
            form = AttendanceRowForm(request.POST, prefix=f"p{person.pk}")
            forms_by_person[person.pk] = form
            if not form.is_valid():
                problems.append(f"{person}: check the hours.")
                continue
            kind, hours = form.cleaned_data["kind"], form.cleaned_data["hours"]
            try:
                if kind:
                    services.attendance_record(
                        actor=request.user, session=session, person=person, kind=kind, hours=hours
                    )
                    saved += 1
                elif row["attendance"] is not None:
                    services.attendance_remove(actor=request.user, attendance=row["attendance"])
            except (ValidationError, Conflict, PermissionDenied) as error:
                form.add_error(None, problem_text(error))
                problems.append(f"{person}: {problem_text(error)}")
        if not problems:
            messages.success(request, f"Saved the attendance: {saved} here.")
            return redirect("training:attendance", pk=session.pk)
    rows = _attendance_rows(session, forms_by_person)
    return render(
        request,
        "training/attendance.html",
        {
            "session": session,
            "rows": rows,
            "form": ScanForm(),
            "problems": problems,
            "kinds": AttendanceKind.choices,
            "here": sum(1 for row in rows if row["attendance"] is not None),
            "result": None,
        },
    )


@access(VIEW)
@require_POST
def attendance_scan(request, pk: int):
    """One badge scan at the door; htmx swaps the result in and keeps the field's focus."""
    session = _session(request, pk)
    if not selectors.can_run(request.user, session):
        messages.info(request, "Only the presenter, or the school's technician, takes attendance.")
        return redirect(session)
    form = ScanForm(request.POST)
    if not form.is_valid():
        result = {"ok": False, "text": "✗ Scan a staff badge first."}
    else:
        try:
            found, new = services.attendance_scan(
                actor=request.user, session=session, code=form.cleaned_data["scan"]
            )
        except (ValidationError, Conflict, PermissionDenied) as error:
            result = {"ok": False, "text": f"✗ {problem_text(error)}"}
        else:
            if new:
                late = " (came late)" if found.kind == AttendanceKind.LATE else ""
                seat = "" if found.signup_id else " — walk-in, not signed up"
                result = {"ok": True, "text": f"✓ {found.person} is here{late}{seat}"}
            else:
                result = {"ok": True, "text": f"✓ {found.person} was already marked here"}
    if request.htmx:
        context = {"session": session, "result": result, "rows": _attendance_rows(session)}
        context["here"] = sum(1 for row in context["rows"] if row["attendance"] is not None)
        return render(request, "training/attendance.html#scan-response", context)
    (messages.success if result["ok"] else messages.error)(request, result["text"])
    return redirect("training:attendance", pk=session.pk)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}.pdf"'
    return response


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())[:60]


@access(VIEW)
def certificate(request, pk: int):
    """The certificate of one attended session, for the person or whoever runs it."""
    record = Attendance.objects.select_related("person", "session", "session__presenter")
    record = record.filter(pk=pk).first()
    if record is None or not selectors.attendance_visible(request.user, record):
        messages.info(request, "That certificate is not one of yours.")
        return redirect("training:mine")
    content = documents.certificate(record)
    return _pdf(content, f"certificate-{_slug(record.session.title)}-{_slug(str(record.person))}")


@access(VIEW)
def sign_in_sheet(request, pk: int):
    session = _session(request, pk)
    if not selectors.can_run(request.user, session):
        messages.info(request, "Only the presenter, or the school's technician, prints the sheet.")
        return redirect(session)
    confirmed, _ = selectors.seats(session)
    people = sorted(
        (signup.person for signup in confirmed), key=lambda p: (p.family_name, p.given_name)
    )
    return _pdf(documents.sign_in_sheet(session, people), f"sign-in-{_slug(session.title)}")


@access(VIEW)
def calendar_file(request, pk: int):
    session = _session(request, pk)
    response = HttpResponse(
        documents.ics(session, stamp=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{_slug(session.title)}.ics"'
    return response


@access(VIEW)
def feedback(request, pk: int):
    session = _session(request, pk)
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_submit(
                actor=request.user,
                session=session,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            messages.info(request, problem_text(error))
            return redirect(session)
        else:
            messages.success(request, "Thank you for your feedback.")
            return redirect(session)
    return render(request, "training/feedback_form.html", {"form": form, "session": session})


EXPORT_HEADER = [
    "person",
    "local id",
    "school",
    "session",
    "topic",
    "date",
    "school year",
    "attendance",
    "hours",
    "presenter",
]


@access("training.view_attendance")
def hours_export(request):
    """Completed hours as CSV for the district's professional-development records: one row
    per person and session, for a school year (`year`, e.g. 2026 for 2026-27) or all."""
    records = selectors.attendances_for(request.user).order_by(
        "session__starts_at", "person__family_name", "pk"
    )
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        zone = timezone.get_current_timezone()
        first = timezone.make_aware(datetime.datetime(int(year), 7, 1), zone)
        last = timezone.make_aware(datetime.datetime(int(year) + 1, 7, 1), zone)
        records = records.filter(session__starts_at__gte=first, session__starts_at__lt=last)

    def rows():
        for record in records.select_related("session__presenter").iterator(chunk_size=2000):
            day = timezone.localtime(record.session.starts_at).date()
            school_year = selectors.school_year_of(day)
            yield [
                str(record.person),
                record.person.identifier,
                record.person.primary_site.name if record.person.primary_site_id else "",
                record.session.title,
                record.session.get_topic_display(),
                day.isoformat(),
                f"{school_year}-{str(school_year + 1)[-2:]}",
                record.get_kind_display(),
                str(record.hours),
                str(record.session.presenter),
            ]

    name = f"training-hours-{year}" if year.isdigit() else "training-hours"
    return csv_response(f"{name}.csv", EXPORT_HEADER, rows())


# Coaching and in-class support.


def _coaching(request, pk: int):
    """The request if the user may see it; None (with a message) otherwise, for people who
    may see coaching but not this one."""
    coaching = selectors.coaching_for(request.user).filter(pk=pk).first()
    if coaching is None:
        messages.info(request, "That request is not one you can see.")
    return coaching


@access("training.view_coachingrequest")
def coaching_list(request):
    """Coaches: the requests at their schools, open ones first by default. Everyone else:
    the help they asked for."""
    coach = selectors.can_coach(request.user)
    if "status" not in request.GET and coach:
        request.GET = request.GET.copy()
        request.GET["status"] = "open"
    coaching_filter, requests = filtered(
        request, CoachingFilter, selectors.coaching_for(request.user), site_field="site"
    )
    requests = requests.order_by("-created_at", "-pk")
    context = {
        "page": paginate(request, requests),
        "filter": coaching_filter,
        "coach": coach,
        "statuses": [("open", "Open"), *CoachingStatus.choices],
        "sites": sites_for(request.user).filter(is_active=True).order_by("name"),
    }
    template = (
        "training/coaching_list.html#table" if request.htmx else "training/coaching_list.html"
    )
    return render(request, template, context)


@access("training.add_coachingrequest")
def coaching_new(request):
    """Ask for help in class: the tool, the room, the time and what would help."""
    person = selectors.person_of(request.user)
    rooms = rooms_for(request.user).filter(is_active=True).select_related("site")
    if person is not None and person.primary_site_id:
        rooms = rooms.order_by(
            Case(When(site_id=person.primary_site_id, then=0), default=1), "site__name", "number"
        )
    else:
        rooms = rooms.order_by("site__name", "number")
    form = CoachingRequestForm(request.POST or None, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.coaching_request_create(
                actor=request.user,
                tool_name=data["tool_name"],
                topic=data["topic"],
                room=data["room"],
                wanted_at=data["wanted_at"],
                details=data["details"],
                kind=data["kind"],
            )
        except ValidationError as error:
            form_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, "We have your request. A coach will accept it and tell you the time."
            )
            return redirect(made)
    return render(request, "training/coaching_form.html", {"form": form, "person": person})


@access("training.view_coachingrequest")
def coaching_detail(request, pk: int):
    coaching = _coaching(request, pk)
    if coaching is None:
        return redirect("training:coaching_list")
    coach = selectors.can_coach(request.user, coaching.site)
    return render(
        request,
        "training/coaching_detail.html",
        {
            "coaching": coaching,
            "coach": coach,
            "asker": services._is_asker(request.user, coaching),
            "logs": selectors.coaching_logs(coaching),
            "guides": coaching.guides.order_by("title"),
            "moves": COACHING_TRANSITIONS[coaching.status],
            "today": timezone.localdate(),
        },
    )


@access("training.view_coachingrequest")
@require_POST
def coaching_status(request, pk: int):
    """Accept, decline or cancel (the service says who may)."""
    coaching = _coaching(request, pk)
    if coaching is None:
        return redirect("training:coaching_list")
    status = request.POST.get("status", "")
    try:
        services.coaching_set_status(
            actor=request.user, coaching=coaching, status=status, note=request.POST.get("note", "")
        )
    except (ValidationError, Conflict, PermissionDenied) as error:
        messages.error(request, problem_text(error))
    else:
        done = {
            CoachingStatus.ACCEPTED: "Accepted: you are the coach. Schedule the visit next.",
            CoachingStatus.DECLINED: "Declined the request.",
            CoachingStatus.CANCELLED: "Cancelled the request.",
        }
        messages.success(request, done.get(status, "Saved."))
    return redirect(coaching)


@access("training.change_coachingrequest")
def coaching_schedule(request, pk: int):
    coaching = _coaching(request, pk)
    if coaching is None:
        return redirect("training:coaching_list")
    if not selectors.can_coach(request.user, coaching.site):
        messages.info(request, f"Only a coach at {coaching.site} schedules this visit.")
        return redirect(coaching)
    local = timezone.localtime(coaching.visit_at or coaching.wanted_at)
    coach = coaching.coach if coaching.coach_id else request.user
    form = ScheduleForm(
        request.POST or None,
        coaches=selectors.coaches_at(coaching.site),
        initial={"day": local.date(), "time": local.time(), "coach": coach.pk},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.coaching_schedule(
                actor=request.user,
                coaching=coaching,
                visit_at=data["visit_at"],
                coach=data["coach"],
            )
        except ValidationError as error:
            form_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            messages.error(request, problem_text(error))
            return redirect(coaching)
        else:
            messages.success(request, f"Scheduled. We emailed {coaching.teacher}.")
            return redirect(coaching)
    return render(request, "training/coaching_schedule.html", {"form": form, "coaching": coaching})


@access("training.add_coachinglog")
def coaching_log(request, pk: int):
    """Log a visit: goal, kind of support, what was done, next step, follow-up date."""
    coaching = _coaching(request, pk)
    if coaching is None:
        return redirect("training:coaching_list")
    if not selectors.can_coach(request.user, coaching.site):
        messages.info(request, f"Only a coach at {coaching.site} logs this visit.")
        return redirect(coaching)
    visited = timezone.localtime(coaching.visit_at).date() if coaching.visit_at else None
    today = timezone.localdate()
    form = CoachingLogForm(
        request.POST or None,
        guides=selectors.guide_choices(),
        initial={
            "visited_on": min(visited, today) if visited else today,
            "goal": coaching.details[:300],
            "kind": coaching.kind or None,
            "follow_up_on": today + datetime.timedelta(days=14),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.coaching_log_create(
                actor=request.user,
                coaching=coaching,
                visited_on=data["visited_on"],
                goal=data["goal"],
                kind=data["kind"],
                done=data["done"],
                next_step=data["next_step"],
                follow_up_on=data["follow_up_on"],
                guides=data["guides"],
            )
        except ValidationError as error:
            form_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            messages.error(request, problem_text(error))
            return redirect(coaching)
        else:
            messages.success(request, "Logged the visit.")
            return redirect(coaching)
    return render(request, "training/coaching_log_form.html", {"form": form, "coaching": coaching})


@access("training.change_coachingrequest")
@require_POST
def follow_up_done(request, pk: int):
    log = get_object_or_404(
        CoachingLog.objects.filter(request__in=selectors.coaching_for(request.user)), pk=pk
    )
    try:
        services.follow_up_done(actor=request.user, log=log)
    except (Conflict, PermissionDenied) as error:
        messages.error(request, problem_text(error))
    else:
        messages.success(request, f"Followed up with {log.request.teacher}.")
    if request.POST.get("next") == "today":
        return redirect("core:today")
    return redirect(log.request)


@access(VIEW)
def session_guides(request, pk: int):
    """Link quick guides from the knowledge base to a session."""
    session = _session(request, pk)
    if not selectors.can_run(request.user, session):
        messages.info(request, "Only the presenter, or the school's technician, links guides.")
        return redirect(session)
    form = GuidesForm(
        request.POST or None,
        guides=selectors.guide_choices(),
        initial={"guides": list(session.guides.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.guides_set(
                actor=request.user, obj=session, articles=form.cleaned_data["guides"]
            )
        except ValidationError as error:
            form_errors(form, error)
        except (Conflict, PermissionDenied) as error:
            messages.error(request, problem_text(error))
            return redirect(session)
        else:
            messages.success(request, "Saved the quick guides.")
            return redirect(session)
    return render(request, "training/guides_form.html", {"form": form, "session": session})


REPORT_EXPORTS = {
    "hours_school": (["school", "hours"], lambda r: r["hours_by_school"]),
    "hours_topic": (["topic", "hours"], lambda r: r["hours_by_topic"]),
    "sessions_topic": (["topic", "sessions"], lambda r: r["sessions_by_topic"]),
    "visits_tool": (["tool", "coaching visits"], lambda r: r["visits_by_tool"]),
    "visits_school": (["school", "coaching visits"], lambda r: r["visits_by_school"]),
    "feedback": (["topic", "average rating", "ratings"], lambda r: r["feedback_by_topic"]),
    "overdue": (
        ["follow-up due", "teacher", "school", "tool", "coach", "next step"],
        lambda r: [
            [
                log.follow_up_on.isoformat(),
                str(log.request.teacher),
                log.request.site.name,
                log.request.tool_name,
                log.coach.get_full_name() or log.coach.get_username(),
                log.next_step,
            ]
            for log in r["overdue"]
        ],
    ),
}


@access("training.view_attendance")
def reports(request):
    """Training for a school year at the user's schools: hours, attendance, sessions,
    coaching visits, overdue follow-ups and feedback, as charts with their numbers;
    `export=<table>` downloads one table as CSV."""
    today = timezone.localdate()
    current = selectors.school_year_of(today)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 2000 <= int(year) <= current + 1 else current
    sites = list(sites_for(request.user).filter(is_active=True).order_by("name"))
    site_id = request.GET.get("site", "")
    site = next((s for s in sites if site_id.isdigit() and s.pk == int(site_id)), None)
    if site is None and request.current_site is not None:
        site = request.current_site
    numbers = selectors.report(request.user, year, site=site, today=today)
    export = request.GET.get("export", "")
    if export in REPORT_EXPORTS:
        header, rows = REPORT_EXPORTS[export]
        return csv_response(
            f"training-{export.replace('_', '-')}-{year}.csv",
            header,
            ([str(value) for value in row] for row in rows(numbers)),
        )
    charts = {
        "hours_school": bar_chart(
            numbers["hours_by_school"], title="Hours by school", unit="hours"
        ),
        "hours_topic": bar_chart(numbers["hours_by_topic"], title="Hours by topic", unit="hours"),
        "sessions_topic": bar_chart(
            numbers["sessions_by_topic"], title="Sessions by topic", unit="sessions"
        ),
        "visits_tool": bar_chart(
            numbers["visits_by_tool"], title="Coaching visits by tool", unit="visits"
        ),
        "visits_school": bar_chart(
            numbers["visits_by_school"], title="Coaching visits by school", unit="visits"
        ),
        "feedback": bar_chart(
            [(label, average) for label, average, _ in numbers["feedback_by_topic"]],
            title="Average rating by topic",
            unit="out of 5",
        ),
    }
    # Averages do not add up: the chart's total is the average over every rating.
    charts["feedback"]["total"] = numbers["feedback_average"] or 0
    return render(
        request,
        "training/reports.html",
        {
            "r": numbers,
            "charts": charts,
            "year": year,
            "years": [(y, f"{y}-{str(y + 1)[-2:]}") for y in range(current, current - 5, -1)],
            "sites": sites,
            "site": site,
        },
    )
