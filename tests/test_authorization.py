"""Walks every URL pattern as anonymous and as each role.

Fails when a pattern declares no access rule, when a role reaches a page its permissions do
not allow, when an allowed role is turned away, or when anonymous gets anything but the
login page (pages) or a 401 in the API's error shape (API).
"""

import importlib
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from homeroom.core import roles
from homeroom.core.access import PUBLIC, Rule
from homeroom.core.import_formats import formats
from homeroom.core.models import ImportRun, Room, Site
from homeroom.core.tests.tiny_format import registered as tiny_format_registered
from homeroom.people import services as people_services
from homeroom.people.models import Enrollment, Person, SchoolClass

ADMIN_RULE = Rule(permission="admin site")
ONEROSTER_SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared/samples/oneroster/roster-hub-1.1-bulk"
)
REGEX_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
CONVERTER = re.compile(r"<(?:[^>:]+:)?(\w+)>")
ADMIN_PUBLIC = {"login", "logout"}


@pytest.fixture(autouse=True)
def tiny_import_format():
    """The test suite's own import format joins the registered ones, so the walk covers the
    import pages of a kind that core knows nothing of."""
    with tiny_format_registered():
        yield


def walk(resolver, prefix="", namespace=None):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry, prefix + str(entry.pattern), entry.namespace or namespace)
        else:
            yield prefix + str(entry.pattern), namespace, entry


def api_operations(callback):
    """The Django Ninja operations behind one API path: [(methods, view function)]."""
    for cell in getattr(callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return [(op.methods, op.view_func) for op in operations]
    return None


def declared_rules(route: str, namespace: str | None, pattern: URLPattern):
    """[(method, rule)] for a pattern, or [] when it declares nothing."""
    if namespace == "admin":
        return [("GET", PUBLIC if pattern.name in ADMIN_PUBLIC else ADMIN_RULE)]
    operations = api_operations(pattern.callback) if namespace == "api" else None
    if operations is not None:
        return [
            (method, getattr(view, "access_rule", None))
            for methods, view in operations
            for method in methods
        ]
    return [("GET", getattr(pattern.callback, "access_rule", None))]


def all_patterns():
    return list(walk(get_resolver()))


class Samples:
    """Existing objects to fill URL parameters with; all at the site limited roles work at.

    Each app adds its own in `homeroom.<app>.tests.walk`: a `samples(base)` function that
    creates objects at `base.site` and returns a `WalkSamples`."""

    def __init__(self, sites, users):
        self.site = sites[0]
        self.room = Room.objects.filter(site=self.site).first()
        self.user = users[roles.TEACHER]
        self.token, _ = people_services.token_create(actor=None, user=self.user, name="walk")
        self.counter = 0
        # The teacher teaches one class at the site, so every role that may see people and
        # classes may see these.
        self.person = Person.objects.create(
            kind="teacher",
            given_name="Tess",
            family_name="Walker",
            primary_site=self.site,
            user=self.user,
        )
        self.school_class = SchoolClass.objects.create(title="Walk class", site=self.site)
        Enrollment.objects.create(
            person=self.person, school_class=self.school_class, site=self.site, role="teacher"
        )
        # A roster run copied from before the move keeps its old id, which the old addresses use.
        self.roster_import = ImportRun.objects.create(
            kind="oneroster", file_name="walk.zip", file_sha256="0" * 64, status="checked"
        )
        self.roster_import.details = {"roster_import_id": self.roster_import.pk}
        self.roster_import.save(update_fields=["details"])
        self.walk_user = AnonymousUser()  # the role walking, for samples that depend on it
        self.by_url_name = {}
        self.by_key = {}
        self.bodies = {}
        for config in apps.get_app_configs():
            try:
                walk_module = importlib.import_module(f"{config.name}.tests.walk")
            except ModuleNotFoundError:
                continue
            added = walk_module.samples(self)
            self.by_url_name.update(added.by_url_name)
            self.by_key.update(added.by_key)
            self.bodies.update(added.bodies)

    def kwargs(self, route: str, namespace: str | None, name: str | None, kind=None) -> dict:
        values = {}
        for pattern in (REGEX_GROUP, CONVERTER):
            for match in pattern.finditer(route):
                values[match.group(1)] = self.value(match.group(1), route, namespace, name, kind)
        return values

    def value(self, key, route, namespace, name, kind=None):
        if kind is not None and key == "kind":
            return kind
        if kind is not None and key == "run_id":
            return self.new_import_run(kind)
        if namespace == "admin":
            if key == "app_label":
                return "core"
            if key == "url":
                return "core/site"
            if key == "content_type_id":
                return ContentType.objects.get_for_model(Site).pk
            if key in {"object_id", "id"}:
                if "/r/" in route:
                    return self.site.pk
                app_label, model_name = route.split("/")[1:3]
                model = ContentType.objects.get_by_natural_key(app_label, model_name)
                instance = model.model_class().objects.order_by("pk").first()
                return instance.pk if instance else 1
        by_url_name = {
            "core:site_detail": self.site.pk,
            "core:site_edit": self.site.pk,
            "core:room_detail": self.room.pk,
            "core:room_edit": self.room.pk,
            "people:user_detail": self.user.pk,
            "people:user_edit": self.user.pk,
            "people:user_send_password_link": self.user.pk,
            "people:token_revoke": self.token.pk,
            "people:person_detail": self.person.pk,
            "people:class_detail": self.school_class.pk,
            "people:import_detail": self.roster_import.pk,
            "people:import_errors": self.roster_import.pk,
            "people:import_apply": self.roster_import.pk,
            "people:import_check_again": self.roster_import.pk,
            **self.by_url_name,
        }
        qualified = f"{namespace}:{name}" if namespace else name
        if qualified in by_url_name:
            return fresh(by_url_name[qualified])
        by_key = {
            "site_id": self.site.pk,
            "room_id": self.room.pk,
            "person_id": self.person.pk,
            "class_id": self.school_class.pk,
            "import_id": self.roster_import.pk,
            "uidb64": "MQ",
            "token": "set-password",
            **self.by_key,
        }
        if key in by_key:
            return fresh(by_key[key])
        raise AssertionError(f"No sample value for <{key}> in {route} ({qualified})")

    def payload(self, method: str, view) -> dict:
        """A valid body for API writes, so permission checks are reached past validation."""
        if method in {"GET", "PATCH"}:
            return {}
        self.counter += 1
        bodies = {
            "create_site": {"name": f"Walk site {self.counter}", "code": f"walk{self.counter}"},
            "create_room": {"site_id": self.site.pk, "number": f"W{self.counter}"},
            **self.bodies,
        }
        assert view.__name__ in bodies, f"No sample body for API operation {view.__name__}"
        return fresh(bodies[view.__name__])


def fresh(value):
    """A sample value; a callable makes a new one for each URL (e.g. a device to delete)."""
    return value() if callable(value) else value


def to_url(route: str, kwargs: dict) -> str:
    def replace(match):
        return str(kwargs[match.group(1)])

    url = CONVERTER.sub(replace, REGEX_GROUP.sub(replace, route))
    return "/" + url.replace("^", "").replace("$", "")


def allowed(rule: Rule, user) -> bool:
    if rule is ADMIN_RULE:
        return user.is_authenticated and admin.site.has_permission(_Request(user))
    return rule.allows(user)


class _Request:
    def __init__(self, user):
        self.user = user


def zipped_sample() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(ONEROSTER_SAMPLE.glob("*.csv")):
            archive.write(path, path.name)
    return SimpleUploadedFile("roster.zip", buffer.getvalue(), "application/zip")


def request(client: Client, method: str, url: str, body: dict | None):
    if method == "GET":
        return client.get(url)
    if body and any(isinstance(value, SimpleUploadedFile) for value in body.values()):
        return client.post(url, body)
    return client.generic(method, url, json.dumps(body or {}), content_type="application/json")


def test_every_url_pattern_declares_who_may_use_it():
    undeclared = []
    for route, namespace, pattern in all_patterns():
        rules = declared_rules(route, namespace, pattern)
        if not rules or any(rule is None for _, rule in rules):
            undeclared.append(f"{namespace or ''}:{pattern.name or route}")
    assert undeclared == [], f"URL patterns without an access rule: {undeclared}"


@pytest.mark.parametrize("role", [None, *roles.ROLES], ids=lambda r: r or "anonymous")
def test_walk_every_url_as_role(role, sites, users, api_client_as):
    samples = Samples(sites, users)
    user = users[role] if role else AnonymousUser()
    page_client = Client()
    if role:
        page_client.force_login(user)
    api_client = api_client_as(user) if role else Client()
    problems = []
    walked = 0
    samples.walk_user = user
    for route, namespace, pattern, kind in per_kind(all_patterns()):
        kwargs = samples.kwargs(route, namespace, pattern.name, kind)
        url = to_url(route, kwargs)
        for method, rule in declared_rules(route, namespace, pattern):
            rule = rule.for_kind(kind) if kind is not None else rule
            walked += 1
            is_api = namespace == "api" and rule is not None and not rule.public
            client = api_client if is_api else page_client
            body = samples.payload(method, pattern_view(pattern, method)) if is_api else None
            response = request(client, method, url, body)
            problem = judge(response, rule, user, is_api, namespace) or one_current_page(response)
            if problem:
                problems.append(f"{method} {url}: {problem}")
    assert walked >= len(all_patterns())
    assert problems == [], "\n".join(problems)


def per_kind(patterns):
    """Each pattern once; the import pages whose URL names a kind (their rule says which
    of the kind's rules applies) once per registered import format."""
    for route, namespace, pattern in patterns:
        rules = declared_rules(route, namespace, pattern)
        if "<slug:kind>" in route and all(hasattr(rule, "for_kind") for _, rule in rules):
            for kind in formats():
                yield route, namespace, pattern, kind
        else:
            yield route, namespace, pattern, None


def pattern_view(pattern, method):
    for methods, view in api_operations(pattern.callback):
        if method in methods:
            return view
    raise AssertionError(method)


def judge(response, rule: Rule, user, is_api: bool, namespace) -> str:
    status = response.status_code
    location = response.get("Location", "")
    if is_api:
        if not user.is_authenticated:
            body = response.json()
            if status != 401 or set(body.get("error", {})) != {"code", "message", "fields"}:
                return f"anonymous API call got {status} {body}, not a 401 error"
            return ""
        if not allowed(rule, user):
            return "" if status == 403 else f"reached a forbidden API operation ({status})"
        return "" if status < 400 else f"allowed API call failed with {status}"
    login = "/admin/login/" if namespace == "admin" else "/accounts/login/"
    sent_to_login = status == 302 and location.startswith(login)
    if rule.public:
        return "" if status < 500 else f"public page failed with {status}"
    if not user.is_authenticated:
        return "" if sent_to_login else f"anonymous got {status} {location}, not the login page"
    if not allowed(rule, user):
        denied = status == 403 or (namespace == "admin" and sent_to_login)
        return "" if denied else f"reached a page its role must not ({status})"
    if sent_to_login or (status == 403 and namespace != "admin"):
        # In the Django admin a 403 on an allowed page is a model's own rule (no deleting).
        return f"an allowed role was turned away ({status})"
    return "" if status < 400 or status in {403, 405} else f"allowed page failed with {status}"


class NavReader(HTMLParser):
    """The module navigation of a page: its workspaces as (label, URL, [(page, URL)]), and
    the labels of the links marked as the current page."""

    def __init__(self):
        super().__init__()
        self.workspaces, self.current = [], []
        self.lists = 0  # lists open inside the navigation: 1 in workspaces, 2 in pages
        self.in_nav = False
        self.link = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("id") == "nav":
            self.in_nav = True
        elif self.in_nav and tag == "ul":
            self.lists += 1
        elif self.in_nav and tag == "a":
            self.link = [attrs["href"], attrs.get("aria-current") == "page", ""]

    def handle_data(self, data):
        if self.link is not None:
            self.link[2] += data

    def handle_endtag(self, tag):
        if self.in_nav and tag == "ul":
            self.lists -= 1
        elif tag == "nav":
            self.in_nav = False
        elif tag == "a" and self.link is not None:
            href, is_current, label = self.link[0], self.link[1], self.link[2].strip()
            if is_current:
                self.current.append(label)
            if self.lists == 1:
                self.workspaces.append((label, href, []))
            else:
                self.workspaces[-1][2].append((label, href))
            self.link = None


def read_nav(response) -> NavReader:
    reader = NavReader()
    reader.feed(response.content.decode())
    return reader


def one_current_page(response) -> str:
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return ""
    current = read_nav(response).current
    return f"the navigation marks {current} as current" if len(current) > 1 else ""


# Each role's workspaces, in the order of the navigation. A workspace of one page shows as
# that page (the student's Knowledge base and My fees).
WORKSPACES = {
    roles.DISTRICT_ADMIN: [
        "Today",
        "Help desk",
        "Devices",
        "Fees",
        "Apps",
        "Test day",
        "Training",
        "Classrooms",
        "People",
        "Library",
        "District",
    ],
    roles.TECHNICIAN: [
        "Today",
        "Help desk",
        "Devices",
        "Fees",
        "Apps",
        "Test day",
        "Training",
        "Classrooms",
        "People",
        "Find a book",
        "District",
    ],
    roles.TEACHER: [
        "Today",
        "Help desk",
        "Apps",
        "Test day",
        "Training",
        "Classrooms",
        "People",
        "Find a book",
        "District",
    ],
    roles.LIBRARIAN: [
        "Today",
        "Help desk",
        "Fees",
        "Apps",
        "Training",
        "Classrooms",
        "People",
        "Library",
        "District",
    ],
    roles.TEST_COORDINATOR: [
        "Today",
        "Help desk",
        "Apps",
        "Test day",
        "Training",
        "Classrooms",
        "People",
        "Find a book",
        "District",
    ],
    roles.STUDENT: ["Today", "Knowledge base", "My fees", "My apps", "Find a book"],
}


@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_sees_its_workspaces_and_may_use_every_page_in_them(role, users, client_as):
    client = client_as(users[role])
    today = read_nav(client.get("/"))
    assert [label for label, _, _ in today.workspaces] == WORKSPACES[role]
    assert today.current == ["Today"]
    for label, url, _ in today.workspaces[1:]:
        opened = read_nav(client.get(url))
        pages = {name: pages for name, _, pages in opened.workspaces}[label]
        # The workspace opens at its first page, which is then the one current page.
        assert opened.current == [pages[0][0] if pages else label], f"{role}: {label}"
        for page, page_url in pages:
            assert client.get(page_url).status_code == 200, f"{role}: {label}, {page}"


def test_the_longest_matching_page_is_the_current_one(users, client_as):
    client = client_as(users[roles.TECHNICIAN])
    assert read_nav(client.get("/devices/imports/")).current == ["Device imports"]
    assert read_nav(client.get("/devices/")).current == ["Devices"]
    assert read_nav(client.get("/repairs/loaners/")).current == ["Loaners"]
    assert read_nav(client.get("/profile/")).current == []


SENSITIVE_PAGES = {
    "/users/": {roles.DISTRICT_ADMIN},
    "/users/new/": {roles.DISTRICT_ADMIN},
    "/activity/": {roles.DISTRICT_ADMIN, roles.TECHNICIAN},
    "/sites/new/": {roles.DISTRICT_ADMIN},
    "/rooms/new/": {roles.DISTRICT_ADMIN, roles.TECHNICIAN},
    "/admin/": {roles.DISTRICT_ADMIN},
    "/roster/imports/": {roles.DISTRICT_ADMIN},
    "/roster/imports/new/": {roles.DISTRICT_ADMIN},
    "/imports/oneroster/new/": {roles.DISTRICT_ADMIN},
    "/people/": set(roles.ROLES) - {roles.STUDENT},
    "/classes/": set(roles.ROLES) - {roles.STUDENT},
}


@pytest.mark.parametrize("role", roles.ROLES)
def test_a_roster_import_as_each_role(
    role, sites, users, client_as, api_client_as, django_capture_on_commit_callbacks
):
    """A roster file changes people at every school: only district admins import one, on
    the page, in the API and with the command line's --as."""
    user = users[role]
    with django_capture_on_commit_callbacks(execute=True):
        page = client_as(user).post("/imports/oneroster/new/", {"file": zipped_sample()})
        api = api_client_as(user).post(
            "/api/v1/imports/oneroster", {"file": zipped_sample(), "dry_run": "false"}
        )
    err = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command(
            "import", "oneroster", str(ONEROSTER_SAMPLE), "--as", user.username, stderr=err
        )
    may = role == roles.DISTRICT_ADMIN
    assert (page.status_code, api.status_code, exited.value.code) == (
        (302, 202, 0) if may else (403, 403, 2)
    )
    assert ImportRun.objects.filter(kind="oneroster").count() == (3 if may else 0)
    assert Person.objects.filter(sourced_id__isnull=False).count() == (20 if may else 0)
    if not may:
        assert "Only a district admin can import a roster" in err.getvalue()


@pytest.mark.parametrize("url", SENSITIVE_PAGES)
def test_only_the_intended_roles_reach_sensitive_pages(url, users, client_as):
    reached = {
        role
        for role, user in users.items()
        # the roster's old addresses redirect to core's import pages
        if client_as(user).get(url, follow=url.startswith("/roster/")).status_code == 200
    }
    assert reached == SENSITIVE_PAGES[url]


def test_students_hold_no_staff_permission(users):
    """A student may search the library's catalog, and nothing else the staff do."""
    student = users[roles.STUDENT]
    assert student.get_all_permissions() == {"library.search_catalog"}
