from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from homeroom.core import audit
from homeroom.core.access import PUBLIC, SIGNED_IN, access
from homeroom.core.choices import AuditVerb
from homeroom.core.filters import filter_from_query
from homeroom.core.lists import paginate
from homeroom.core.roles import ROLES
from homeroom.core.selectors import audit_events_for, sites_for
from homeroom.people import services
from homeroom.people.filters import UserFilter
from homeroom.people.forms import PasswordLinkForm, TokenForm, UserCreateForm, UserEditForm
from homeroom.people.selectors import users_for


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("people:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            actor=self.request.user, obj=self.request.user, verb=AuditVerb.PASSWORD_CHANGED
        )
        messages.success(self.request, "Your password has been changed.")
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            actor=form.user,
            obj=form.user,
            verb=AuditVerb.PASSWORD_CHANGED,
            message="Set with an emailed link",
        )
        return response


login = access(PUBLIC)(auth_views.LoginView.as_view(redirect_authenticated_user=True))
logout = access(PUBLIC)(auth_views.LogoutView.as_view())
password_change = access(SIGNED_IN)(PasswordChangeView.as_view())
password_reset = access(PUBLIC)(auth_views.PasswordResetView.as_view(form_class=PasswordLinkForm))
password_reset_done = access(PUBLIC)(auth_views.PasswordResetDoneView.as_view())
password_reset_confirm = access(PUBLIC)(PasswordResetConfirmView.as_view())
password_reset_complete = access(PUBLIC)(auth_views.PasswordResetCompleteView.as_view())


def send_password_link(request, user) -> None:
    form = PasswordLinkForm({"email": user.email})
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
        },
    )


@access(SIGNED_IN)
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        token, key = services.token_create(
            actor=request.user, user=request.user, name=form.cleaned_data["name"]
        )
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
    user_filter, problems = filter_from_query(UserFilter, request.GET)
    for problem in problems:
        messages.warning(request, problem)
    users = user_filter.filter(users_for(request.user))
    context = {"page": paginate(request, users), "filter": user_filter, "roles": ROLES}
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
            "tokens": account.api_tokens.all(),
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
    form = UserEditForm(request.POST or None, instance=account, sites=sites_for(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if account == request.user and not data["is_active"]:
            form.add_error("is_active", "You cannot turn off your own account.")
        else:
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
