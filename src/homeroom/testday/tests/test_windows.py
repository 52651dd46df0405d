"""Testing windows: planned by the test coordinator at their schools, listed with one
filter, exported, on Today and in the search."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import pinned_queries
from homeroom.testday import services
from homeroom.testday.models import AssessmentPlatform, grades_label, grades_of
from homeroom.testday.models import TestingWindow as Window


def test_grades_are_read_from_ranges_and_lists():
    assert grades_of("3-8") == ["3", "4", "5", "6", "7", "8"]
    assert grades_of("k-2, 05 10") == ["K", "1", "2", "5", "10"]
    assert grades_of("3\N{EN DASH}5") == ["3", "4", "5"]
    assert grades_label(grades_of("K-2, 5, 9-12")) == "K\N{EN DASH}2, 5, 9\N{EN DASH}12"
    for bad in ("13", "8-3", "grade 3", "0"):
        with pytest.raises(ValueError):
            grades_of(bad)


def test_the_coordinator_plans_a_window_on_the_page(
    frozen, sites, coordinator, testnav, client_as, users
):
    client = client_as(coordinator)
    form = client.get("/testday/windows/new/")
    assert form.status_code == 200
    # Only the coordinator's own schools are offered.
    assert sites[0].name in form.text and sites[1].name not in form.text
    data = {
        "assessment": "State math grades 3-8, spring 2027",
        "content_area": "Mathematics",
        "platform": testnav.pk,
        "starts_on": "2027-04-19",
        "ends_on": "2027-04-30",
        "sites": [sites[0].pk],
        "grades": "3-5, 8",
        "coordinators": [coordinator.pk],
    }
    refused = client.post(
        "/testday/windows/new/", {**data, "grades": "3-14", "ends_on": "2027-04-01"}
    )
    assert "“3-14” is not a grade" in refused.text
    assert "The window must end on or after its first day." in refused.text
    elsewhere = client.post("/testday/windows/new/", {**data, "sites": [sites[1].pk]})
    assert elsewhere.status_code == 200 and not Window.objects.exists()
    made = client.post("/testday/windows/new/", data)
    assert made.status_code == 302
    window = Window.objects.get()
    assert window.grades == ["3", "4", "5", "8"] and window.grades_label == "3\N{EN DASH}5, 8"
    page = client.get(made.url).text
    assert "State math grades 3-8, spring 2027" in page and "Coming up" in page
    assert AuditEvent.objects.filter(object_id=window.pk, verb="created").exists()
    # The district admin sees its history.
    history = client_as(users[roles.DISTRICT_ADMIN]).get(made.url).text
    assert "Planned State math grades 3-8" in history


def test_windows_are_refused_outside_the_actors_schools_and_roles(
    frozen, sites, coordinator, tech, testnav, make_window
):
    with pytest.raises(PermissionDenied):
        make_window(sites=[sites[0], sites[1]])
    with pytest.raises(PermissionDenied):
        make_window(actor=tech)
    with pytest.raises(ValidationError):
        make_window(sites=[])
    retired = AssessmentPlatform.objects.get(name="DRC INSIGHT")
    services.platform_update(actor=coordinator, platform=retired, is_active=False)
    with pytest.raises(ValidationError):
        make_window(platform=retired)
    assert not Window.objects.exists()


def test_a_window_at_another_school_cannot_be_changed(
    frozen, sites, users, coordinator, make_window, client_as
):
    admin = users[roles.DISTRICT_ADMIN]
    both = make_window(actor=admin, sites=[sites[0], sites[1]])
    client = client_as(coordinator)
    # The coordinator sees it (it tests at their school) but cannot change it.
    assert "Change the window" not in client.get(both.get_absolute_url()).text
    assert client.get(f"/testday/windows/{both.pk}/edit/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.window_update(actor=coordinator, window=both, notes="Moved")
    only_south = make_window(actor=admin, sites=[sites[1]])
    assert client.get(only_south.get_absolute_url()).status_code == 404


def test_the_coordinator_changes_a_window(frozen, sites, coordinator, make_window, client_as):
    window = make_window()
    client = client_as(coordinator)
    url = f"/testday/windows/{window.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200 and 'value="3-8"' in page.text
    done = client.post(
        url,
        {
            "assessment": window.assessment,
            "platform": window.platform_id,
            "starts_on": "2027-04-12",
            "ends_on": "2027-04-26",
            "sites": [sites[0].pk],
            "grades": "3-8",
        },
    )
    assert done.status_code == 302
    window.refresh_from_db()
    assert window.ends_on == datetime.date(2027, 4, 26)
    event = AuditEvent.objects.get(object_id=window.pk, verb="updated")
    assert set(event.changes) == {"ends_on", "content_area"}


def test_the_window_list_filters_exports_and_costs_the_same(
    frozen, sites, users, make_window, client_as, coordinator
):
    make_window(assessment="State ELA spring")
    make_window(
        assessment="Fall benchmark",
        starts_on=frozen - datetime.timedelta(days=150),
        platform=AssessmentPlatform.objects.get(name="NWEA MAP Growth"),
    )
    make_window(assessment="=HYPERLINK(1)", starts_on=frozen + datetime.timedelta(days=30))
    make_window(actor=users[roles.DISTRICT_ADMIN], assessment="South only", sites=[sites[1]])
    client = client_as(coordinator)

    def titles(query=""):
        page = client.get(f"/testday/?{query}")
        assert page.status_code == 200
        return [w.assessment for w in page.context["page"].object_list]

    assert titles() == ["State ELA spring", "=HYPERLINK(1)"]
    assert titles("phase=closed") == ["Fall benchmark"]
    assert titles("phase=upcoming") == ["=HYPERLINK(1)"]
    assert titles("q=ela") == ["State ELA spring"]
    assert titles("phase=nonsense") == titles()
    admin = client_as(users[roles.DISTRICT_ADMIN])
    south = admin.get(f"/testday/?site={sites[1].pk}")
    assert [w.assessment for w in south.context["page"].object_list] == ["South only"]
    partial = client.get("/testday/?phase=open", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="window-table">')
    exported = client.get("/testday/?phase=upcoming&export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Assessment" and rows[1][0] == "'=HYPERLINK(1)"
    client.get("/testday/")
    with pinned_queries(12) as first:
        client.get("/testday/")
    for n in range(4):
        make_window(assessment=f"More {n}", sites=[sites[0]])
    with pinned_queries(len(first.captured_queries)):
        client.get("/testday/")


def test_today_and_search_show_the_open_window(frozen, users, make_window, client_as):
    make_window(assessment="State ELA spring")
    make_window(assessment="Science later", starts_on=frozen + datetime.timedelta(days=40))
    client = client_as(users[roles.TEST_COORDINATOR])
    today = client.get("/").text
    assert "State ELA spring" in today and "Open until Fri 23 Apr" in today
    assert "Science later" not in today
    found = client.get("/search/?q=ela").text
    assert "State ELA spring" in found
    assert "Pearson TestNav" in client.get("/search/?q=testnav").text
    # Teachers see no test-day pages yet, nor its card.
    teacher = client_as(users[roles.TEACHER])
    assert teacher.get("/testday/").status_code == 403
    assert "State ELA spring" not in teacher.get("/").text
