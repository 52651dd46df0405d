"""The users pages (/users/…): adding, editing, turning off, filtering and password links."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import PASSWORD, pinned_queries
from homeroom.people import services
from homeroom.people.models import User

USERNAME_CELL = re.compile(r'data-label="Username">([^<]+)<')


@pytest.fixture
def admin(users):
    return users[roles.DISTRICT_ADMIN]


@pytest.fixture
def admin_client(admin, client_as):
    return client_as(admin)


def listed(response) -> set[str]:
    """The usernames in the users table of a page."""
    assert response.status_code == 200
    return set(USERNAME_CELL.findall(response.content.decode()))


def new_user_form(sites, **overrides):
    data = {
        "username": "jdoe",
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jdoe@example.org",
        "role": roles.LIBRARIAN,
        "sites": [sites[1].pk],
        "send_invite": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_form(account, **overrides):
    """The edit form as the page would submit it unchanged (a ticked box is "on")."""
    data = {
        "first_name": account.first_name,
        "last_name": account.last_name,
        "email": account.email,
        "role": account.role_names[0],
        "sites": [site.pk for site in account.sites.all()],
        "is_active": "on" if account.is_active else None,
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_adds_a_user_and_emails_an_invite(admin, admin_client, sites):
    response = admin_client.post("/users/new/", new_user_form(sites))

    account = User.objects.get(username="jdoe")
    assert response.status_code == 302
    assert response["Location"] == f"/users/{account.pk}/"
    assert account.get_full_name() == "Jane Doe"
    assert list(account.groups.values_list("name", flat=True)) == [roles.LIBRARIAN]
    assert list(account.sites.all()) == [sites[1]]
    assert not account.has_usable_password()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["jdoe@example.org"]
    assert "Your username is jdoe" in mail.outbox[0].body
    assert re.search(
        re.escape(settings.SITE_URL) + r"/accounts/password/reset/\S+/\S+/", mail.outbox[0].body
    )
    event = AuditEvent.objects.get(object_id=account.pk, verb="created")
    assert event.interface == "web"
    assert event.actor == admin
    assert event.changes["role"] == [None, roles.LIBRARIAN]
    detail = admin_client.get(response["Location"]).content.decode()
    assert "A link to set a password went to jdoe@example.org" in detail


def test_invited_user_sets_a_password_and_signs_in(admin_client, sites):
    admin_client.post("/users/new/", new_user_form(sites))
    link = re.search(re.escape(settings.SITE_URL) + r"(\S+)", mail.outbox[0].body).group(1)
    browser = Client()
    form_url = browser.get(link)["Location"]
    browser.post(
        form_url, {"new_password1": "ginger meadow 2291", "new_password2": "ginger meadow 2291"}
    )

    response = browser.post(
        "/accounts/login/", {"username": "jdoe", "password": "ginger meadow 2291"}
    )

    assert response.status_code == 302


def test_add_without_invite_sends_nothing(admin_client, sites):
    response = admin_client.post("/users/new/", new_user_form(sites, send_invite=None))

    assert response.status_code == 302
    assert User.objects.filter(username="jdoe").exists()
    assert mail.outbox == []


def test_invite_needs_an_email_address(admin_client, sites):
    before = User.objects.count(), AuditEvent.objects.count()

    response = admin_client.post("/users/new/", new_user_form(sites, email=""))

    assert response.status_code == 200
    assert "Enter an email address to send the link to." in response.content.decode()
    assert (User.objects.count(), AuditEvent.objects.count()) == before
    assert mail.outbox == []


def test_duplicate_username_is_refused(admin_client, sites):
    before = User.objects.count(), AuditEvent.objects.count()

    response = admin_client.post("/users/new/", new_user_form(sites, username="teacher"))

    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert (User.objects.count(), AuditEvent.objects.count()) == before
    assert User.objects.get(username="teacher").email == "teacher@example.org"
    assert mail.outbox == []


def test_edit_changes_role_sites_and_name_and_audits_them(admin, admin_client, users, sites):
    teacher = users[roles.TEACHER]

    response = admin_client.post(
        f"/users/{teacher.pk}/edit/",
        edit_form(
            teacher, first_name="Tess", role=roles.TECHNICIAN, sites=[sites[0].pk, sites[1].pk]
        ),
    )

    assert response.status_code == 302
    teacher = User.objects.get(pk=teacher.pk)
    assert teacher.first_name == "Tess"
    assert teacher.role_names == [roles.TECHNICIAN]
    assert set(teacher.sites.all()) == set(sites)
    event = AuditEvent.objects.get(object_id=teacher.pk, verb="updated")
    assert event.interface == "web"
    assert event.actor == admin
    assert event.changes == {
        "first_name": ["", "Tess"],
        "role": [roles.TEACHER, roles.TECHNICIAN],
        "sites": [[str(sites[0])], sorted([str(sites[0]), str(sites[1])])],
    }


def test_saving_an_unchanged_form_audits_nothing(admin_client, users):
    teacher = users[roles.TEACHER]
    before = AuditEvent.objects.count()

    response = admin_client.post(f"/users/{teacher.pk}/edit/", edit_form(teacher))

    assert response.status_code == 302
    assert AuditEvent.objects.count() == before


def test_turning_an_account_off_is_audited_and_stops_sign_in(admin, admin_client, users):
    teacher = users[roles.TEACHER]

    response = admin_client.post(f"/users/{teacher.pk}/edit/", edit_form(teacher, is_active=None))

    assert response.status_code == 302
    event = AuditEvent.objects.get(object_id=teacher.pk, verb="deactivated")
    assert event.changes == {"is_active": [True, False]}
    assert event.actor == admin
    signing_in = Client().post("/accounts/login/", {"username": "teacher", "password": PASSWORD})
    assert signing_in.status_code == 200
    assert "_auth_user_id" not in signing_in.client.session


def test_turned_off_account_loses_its_open_session(admin_client, users, client_as):
    teacher = users[roles.TEACHER]
    teachers_browser = client_as(teacher)
    assert teachers_browser.get("/").status_code == 200

    admin_client.post(f"/users/{teacher.pk}/edit/", edit_form(teacher, is_active=None))

    assert teachers_browser.get("/").status_code == 302


def test_admin_cannot_turn_off_their_own_account(admin, admin_client):
    response = admin_client.post(
        f"/users/{admin.pk}/edit/", edit_form(admin, is_active=None, sites=[])
    )

    assert response.status_code == 200
    assert "You cannot turn off your own account." in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active
    assert not AuditEvent.objects.filter(object_id=admin.pk).exclude(verb="created").exists()


def test_filters_narrow_the_list(admin, admin_client, users):
    services.user_update(actor=admin, user=users[roles.STUDENT], is_active=False)
    everyone = {user.username for user in users.values()}

    assert listed(admin_client.get("/users/")) == everyone
    assert listed(admin_client.get("/users/?q=LIBRAR")) == {"librarian"}
    assert listed(admin_client.get("/users/?q=technician@example")) == {"technician"}
    assert listed(admin_client.get("/users/?role=Test coordinator")) == {"test_coordinator"}
    assert listed(admin_client.get("/users/?active=false")) == {"student"}
    assert listed(admin_client.get("/users/?active=true")) == everyone - {"student"}
    assert listed(admin_client.get("/users/?active=true&role=Student")) == set()
    assert "No users match these filters." in admin_client.get("/users/?q=zzz").content.decode()


def test_a_bad_filter_value_warns_instead_of_failing(admin_client, users):
    response = admin_client.get("/users/?active=maybe&role=Teacher")

    assert response.status_code == 200
    assert "Ignored the filter “active”: not a valid value." in response.content.decode()
    assert listed(response) == {"teacher"}  # the good filter still applies


def test_htmx_request_gets_only_the_table(admin_client, users):
    response = admin_client.get("/users/?q=teacher", headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert "<form" not in page
    assert page.lstrip().startswith('<div id="user-table">')
    assert listed(response) == {"teacher"}
    assert "<html" in admin_client.get("/users/?q=teacher").content.decode()


# The page's queries, whatever the number of users: session, the admin's account, their
# own and their roles' permissions, their roles (site scoping), the count for pagination,
# the site switcher's sites, the page of users, then one query each for the page's groups
# and sites (prefetched).
USER_LIST_QUERIES = 10


@pytest.mark.parametrize("extra_users", [3, 30])
def test_user_list_query_count_does_not_grow_with_users(admin_client, users, sites, extra_users):
    for n in range(extra_users):
        services.user_create(
            actor=None,
            username=f"extra{n}",
            role=roles.ROLES[n % len(roles.ROLES)],
            sites=[sites[n % 2]],
        )
    admin_client.get("/users/")  # warm caches outside the count (content types)

    with pinned_queries(USER_LIST_QUERIES):
        response = admin_client.get("/users/")

    assert len(listed(response)) == len(users) + extra_users


def test_email_a_password_link(admin_client, users):
    teacher = users[roles.TEACHER]

    response = admin_client.post(f"/users/{teacher.pk}/password-link/")

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["teacher@example.org"]
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert (
        "Sent a link to set a password" in admin_client.get(response["Location"]).content.decode()
    )


def test_password_link_goes_only_to_the_chosen_account(admin_client, users):
    """Two accounts may share an address (a teacher's staff and test-student accounts):
    the button sends a link for the account it is on, not for every account."""
    services.user_create(
        actor=None, username="teacher_test", role=roles.STUDENT, email="teacher@example.org"
    )

    admin_client.post(f"/users/{users[roles.TEACHER].pk}/password-link/")

    assert len(mail.outbox) == 1
    assert "teacher_test" not in mail.outbox[0].body


def test_invite_goes_only_to_the_new_account(admin_client, sites):
    admin_client.post("/users/new/", new_user_form(sites, email="teacher@example.org"))

    assert len(mail.outbox) == 1
    assert "Your username is jdoe" in mail.outbox[0].body


def test_password_link_needs_an_email_and_an_active_account(admin, admin_client, sites):
    no_email = services.user_create(actor=None, username="noemail", role=roles.TEACHER)
    turned_off = services.user_create(
        actor=None, username="off", role=roles.TEACHER, email="off@example.org"
    )
    services.user_update(actor=admin, user=turned_off, is_active=False)

    first = admin_client.post(f"/users/{no_email.pk}/password-link/", follow=True)
    second = admin_client.post(f"/users/{turned_off.pk}/password-link/", follow=True)

    assert "has no email address" in first.content.decode()
    assert "cannot sign in" in second.content.decode()
    assert mail.outbox == []


def test_password_link_is_post_only(admin_client, users):
    response = admin_client.get(f"/users/{users[roles.TEACHER].pk}/password-link/")

    assert response.status_code == 405
    assert mail.outbox == []


@pytest.mark.parametrize("role", [role for role in roles.ROLES if role != roles.DISTRICT_ADMIN])
def test_other_roles_cannot_manage_users(users, client_as, role, sites):
    client = client_as(users[role])
    teacher = users[roles.TEACHER]

    assert client.get("/users/").status_code == 403
    assert client.get("/users/new/").status_code == 403
    assert client.post("/users/new/", new_user_form(sites)).status_code == 403
    assert client.post(f"/users/{teacher.pk}/edit/", edit_form(teacher)).status_code == 403
    assert client.post(f"/users/{teacher.pk}/password-link/").status_code == 403
    assert not User.objects.filter(username="jdoe").exists()
    assert mail.outbox == []
