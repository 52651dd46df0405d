from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from homeroom.core.access import PUBLIC, SIGNED_IN, access
from homeroom.core.filters import filtered
from homeroom.core.import_views import moved, moved_run_page
from homeroom.core.lists import csv_response, paginate, sort
from homeroom.core.middleware import client_ip
from homeroom.core.registry import registry
from homeroom.core.roles import ROLES
from homeroom.core.selectors import audit_events_for, scoped_sites, sites_for
from homeroom.people import selectors, services
from homeroom.people.choices import GRADE_CHOICES, ClassType, PersonKind
from homeroom.people.filters import ClassFilter, PersonFilter, UserFilter
from homeroom.people.forms import (
    PasswordLinkForm,
    TokenForm,
    UserCreateForm,
    UserEditForm,
)
from homeroom.people.models import Enrollment
from homeroom.people.oneroster.format import KIND
from homeroom.people.selectors import users_for


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("people:profile")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        revoked = self.request.user.api_tokens.active().count()
        services.user_password_changed(actor=self.request.user, user=self.request.user)
        messages.success(self.request, "Your password has been changed.")
        if revoked:
            messages.warning(
                self.request,
                f"Your API tokens ({revoked}) were revoked with the old password; "
                "make new ones for the scripts that need them.",
            )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    @transaction.atomic
    def form_valid(self, form):
        response = super().form_valid(form)
        # A new password from the emailed link is the way out of a sign-in lockout.
        axes_reset(username=form.user.get_username())
        services.user_password_changed(
            actor=form.user, user=form.user, how="Set with an emailed link"
        )
        return response


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordLinkForm

    def form_valid(self, form):
        allowed = services.password_link_request(
            email=form.cleaned_data["email"], ip_address=client_ip(self.request)
        )
        if not allowed:
            # The same answer whether or not an account uses the address.
            form.add_error(
                None,
                "Too many links were asked for this address or from this network in the last "
                "hour. Wait an hour and try again, or ask your district admin to send one.",
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


login = access(PUBLIC)(auth_views.LoginView.as_view(redirect_authenticated_user=True))
logout = access(PUBLIC)(auth_views.LogoutView.as_view())
password_change = access(SIGNED_IN)(PasswordChangeView.as_view())
password_reset = access(PUBLIC)(PasswordResetView.as_view())
password_reset_done = access(PUBLIC)(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = access(PUBLIC)(PasswordResetConfirmView.as_view())
password_reset_complete = access(PUBLIC)(auth_views.PasswordResetCompleteView.as_view())


def send_password_link(request, user) -> None:
    form = PasswordLinkForm({"email": user.email}, account=user)
    form.is_valid()
    form.save(
        request=request,
        use_https=request.is_secure(),
        email_template_name="registration/password_set_email.txt",
        subject_template_name="registration/password_set_subject.txt",
    )


@access(SIGNED_IN)
def profile(request):
    tokens = request.user.api_tokens.all()
    new_key = request.session.pop("new_api_token", None)
    return render(
        request,
        "people/profile.html",
        {
            "tokens": tokens,
            "token_form": TokenForm(),
            "new_key": new_key,
            "may_create_tokens": services.may_create_api_tokens(request.user),
        },
    )


@access(SIGNED_IN)
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = services.token_create(
                actor=request.user, user=request.user, name=form.cleaned_data["name"]
            )
        except PermissionDenied as refused:
            messages.error(request, str(refused))
            return redirect("people:profile")
        request.session["new_api_token"] = {"name": token.name, "key": key}
        messages.success(request, f"Created the API token “{token.name}”. Copy it now.")
    else:
        messages.error(request, "Give the token a name so you can recognise it later.")
    return redirect("people:profile")


@access(SIGNED_IN)
@require_POST
def token_revoke(request, pk: int):
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"Revoked the API token “{token.name}”. Scripts using it stop now.")
    return redirect("people:profile")


@access("people.view_user")
def user_list(request):
    user_filter, users = filtered(request, UserFilter, users_for(request.user))
    context = {
        "page": paginate(request, users),
        "filter": user_filter,
        "roles": [(role, role) for role in ROLES],
    }
    template = "people/user_list.html#table" if request.htmx else "people/user_list.html"
    return render(request, template, context)


@access("people.view_user")
def user_detail(request, pk: int):
    account = get_object_or_404(users_for(request.user), pk=pk)
    return render(
        request,
        "people/user_detail.html",
        {
            "account": account,
            "events": audit_events_for(request.user, account)[:50],
            "active_tokens": account.api_tokens.active().count(),
        },
    )


@access("people.add_user")
def user_create(request):
    form = UserCreateForm(request.POST or None, sites=sites_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        account = services.user_create(
            actor=request.user,
            username=data["username"],
            role=data["role"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            sites=data["sites"],
        )
        if data["send_invite"]:
            send_password_link(request, account)
            messages.success(
                request, f"Added {account}. A link to set a password went to {account.email}."
            )
        else:
            messages.success(request, f"Added {account}. Send a password link when ready.")
        return redirect(account)
    return render(request, "people/user_form.html", {"form": form})


@access("people.change_user")
def user_edit(request, pk: int):
    account = get_object_or_404(users_for(request.user), pk=pk)
    form = UserEditForm(
        request.POST or None, instance=account, sites=sites_for(request.user), editor=request.user
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.user_update(
            actor=request.user,
            user=account,
            role=data["role"],
            sites=data["sites"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            is_active=data["is_active"],
        )
        messages.success(request, f"Saved {account}.")
        return redirect(account)
    return render(request, "people/user_form.html", {"form": form, "account": account})


@access("people.change_user")
@require_POST
def user_send_password_link(request, pk: int):
    account = get_object_or_404(users_for(request.user), pk=pk)
    if not account.email:
        messages.error(request, f"{account} has no email address. Add one first.")
    elif not account.is_active:
        messages.error(request, f"{account} cannot sign in. Turn their account on first.")
    else:
        send_password_link(request, account)
        messages.success(request, f"Sent a link to set a password to {account.email}.")
    return redirect(account)


PERSON_SORTS = {
    "name": ("family_name", "given_name"),
    "grade": "grade",
    "site": "primary_site__name",
    "kind": "kind",
}


@access("people.view_person")
def person_list(request):
    person_filter, people = filtered(
        request, PersonFilter, selectors.people_for(request.user), site_field="primary_site"
    )
    people, current_sort = sort(request, people, PERSON_SORTS, "name")
    show_ids = request.user.has_perm("people.view_student_ids")
    if request.GET.get("export") == "csv":
        header = [
            "family name",
            "given name",
            "kind",
            "grade",
            "site",
            "homeroom",
            "username",
            "email",
            "status",
        ] + (["local id", "state id"] if show_ids else [])
        return csv_response(
            "people.csv",
            header,
            (
                [
                    p.family_name,
                    p.given_name,
                    p.get_kind_display(),
                    p.grade,
                    p.primary_site.name if p.primary_site else "",
                    p.homeroom or "",
                    p.username,
                    p.email,
                    "active" if p.is_active else "inactive",
                ]
                + ([p.identifier, p.state_id] if show_ids else [])
                for p in people.iterator(chunk_size=2000)
            ),
        )
    context = {
        "page": paginate(request, people),
        "filter": person_filter,
        "sort": current_sort,
        "sites": scoped_sites(request),
        "kinds": PersonKind.choices,
        "grades": GRADE_CHOICES,
        "show_ids": show_ids,
    }
    template = "people/person_list.html#table" if request.htmx else "people/person_list.html"
    return render(request, template, context)


@access("people.view_person")
def person_detail(request, pk: int):
    person = get_object_or_404(selectors.people_for(request.user), pk=pk)
    sections = [
        (section.template, section.context(request, person))
        for section in registry.person_sections
        if section.rule.allows(request.user)
    ]
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "enrollments": selectors.person_enrollments(person),
            "sections": sections,
            "show_ids": request.user.has_perm("people.view_student_ids"),
            "events": audit_events_for(request.user, person)[:50],
        },
    )


@access("people.view_schoolclass")
def class_list(request):
    class_filter, classes = filtered(
        request, ClassFilter, selectors.classes_for(request.user), site_field="site"
    )
    classes = classes.prefetch_related(
        Prefetch(
            "enrollments",
            to_attr="teachers",
            queryset=Enrollment.objects.filter(
                is_active=True, role__in=selectors.TEACHING_ROLES
            ).select_related("person"),
        )
    )
    classes, current_sort = sort(request, classes, CLASS_SORTS, "title")
    page = paginate(request, classes)
    counts = selectors.student_counts([school_class.pk for school_class in page.object_list])
    for school_class in page.object_list:
        school_class.student_count = counts.get(school_class.pk, 0)
    context = {
        "page": page,
        "filter": class_filter,
        "sort": current_sort,
        "sites": scoped_sites(request),
        "types": ClassType.choices,
    }
    template = "people/class_list.html#table" if request.htmx else "people/class_list.html"
    return render(request, template, context)


CLASS_SORTS = {"title": "title", "site": "site__name"}


@access("people.view_schoolclass")
def class_detail(request, pk: int):
    school_class = get_object_or_404(selectors.classes_for(request.user), pk=pk)
    roster = selectors.class_roster(school_class)
    if not request.user.has_perm("people.view_all_students"):
        roster = roster.filter(person__in=selectors.people_for(request.user).values("pk"))
    return render(
        request,
        "people/class_detail.html",
        {
            "school_class": school_class,
            "roster": roster,
            "terms": school_class.terms.all(),
            "show_ids": request.user.has_perm("people.view_student_ids"),
        },
    )


# The roster imports' old addresses under /roster/imports/, sent on to core's import pages.
@access("people.view_rosterimport")
def import_list(request):
    return redirect(f"{reverse('core:import_run_list')}?kind={KIND}")


@access("people.add_rosterimport")
def import_create(request):
    return moved(request, reverse("core:import_run_create", args=[KIND]))


def _run_page(page: str):
    return moved_run_page(
        page,
        kinds=(KIND,),
        old_id="roster_import_id",
        view="people.view_rosterimport",
        use="people.add_rosterimport",
    )


import_detail = _run_page("detail")
import_errors = _run_page("problems")
import_apply = _run_page("apply")
import_check_again = _run_page("recheck")
