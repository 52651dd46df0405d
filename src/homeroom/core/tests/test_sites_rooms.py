import pytest

from homeroom.core.models import AuditEvent, Room, Site
from homeroom.core.testing import pinned_queries


@pytest.fixture
def admin(users, client_as):
    return client_as(users["District admin"])


@pytest.fixture
def tech(users, client_as):
    return client_as(users["Technician"])


def test_admin_adds_a_site_and_it_is_audited(admin):
    response = admin.post(
        "/sites/new/",
        {
            "name": "West Middle",
            "code": "WMS",
            "type": "middle",
            "address": "1 Elm St",
            "is_active": "on",
        },
    )
    site = Site.objects.get(code="WMS")
    assert response.status_code == 302 and response["Location"] == f"/sites/{site.pk}/"
    event = AuditEvent.objects.get(object_id=site.pk, content_type__model="site")
    assert (event.verb, event.interface, event.actor_name) == ("created", "web", "district_admin")
    page = admin.get(f"/sites/{site.pk}/").content.decode()
    assert "West Middle" in page and "History" in page and "district_admin" in page


def test_a_bad_site_form_explains_and_changes_nothing(admin, sites):
    events_before = AuditEvent.objects.count()
    response = admin.post("/sites/new/", {"name": "", "code": sites[0].code, "type": "castle"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Site with this Code already exists." in page
    assert "Select a valid choice" in page
    assert Site.objects.count() == 2
    assert AuditEvent.objects.count() == events_before


def test_editing_a_site_records_old_and_new_values(admin, sites):
    admin.post(
        f"/sites/{sites[0].pk}/edit/",
        {
            "name": "North Elementary",
            "code": "NES",
            "type": "k12",
            "phone": "555-0101",
            "is_active": "on",
        },
    )
    event = AuditEvent.objects.get(object_id=sites[0].pk, verb="updated")
    assert event.changes == {"type": ["elementary", "k12"], "phone": ["", "555-0101"]}


def test_a_limited_technician_sees_only_their_sites(tech, sites):
    south = sites[1]
    assert tech.get(f"/sites/{south.pk}/").status_code == 404
    assert tech.get(f"/rooms/{south.rooms.first().pk}/").status_code == 404
    listing = tech.get("/rooms/").content.decode()
    assert "North Elementary" in listing and "South High" not in listing
    form = tech.get("/rooms/new/").content.decode()
    assert "South High" not in form


def test_a_technician_cannot_add_a_room_at_a_site_they_do_not_work_at(tech, sites):
    response = tech.post(
        "/rooms/new/", {"site": sites[1].pk, "number": "999", "kind": "lab", "is_active": "on"}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Room.objects.filter(number="999").exists()


def test_a_technician_adds_and_renames_a_room(tech, sites):
    tech.post(
        "/rooms/new/", {"site": sites[0].pk, "number": "204", "kind": "lab", "is_active": "on"}
    )
    room = Room.objects.get(site=sites[0], number="204")
    tech.post(
        f"/rooms/{room.pk}/edit/",
        {
            "site": sites[0].pk,
            "number": "204",
            "name": "STEM lab",
            "kind": "lab",
            "is_active": "on",
        },
    )
    page = tech.get(f"/rooms/{room.pk}/").content.decode()
    assert "STEM lab" in page
    verbs = list(
        AuditEvent.objects.filter(object_id=room.pk, content_type__model="room").values_list(
            "verb", flat=True
        )
    )
    assert verbs == ["updated", "created"]


def test_room_numbers_are_unique_within_a_site(admin, sites):
    response = admin.post(
        "/rooms/new/",
        {"site": sites[0].pk, "number": "101", "kind": "classroom", "is_active": "on"},
    )
    assert "There is a problem" in response.content.decode()
    assert Room.objects.filter(site=sites[0], number="101").count() == 1


def test_room_filters_sorting_and_export_show_the_same_rows(admin, sites):
    page = admin.get("/rooms/", {"kind": "library"}).content.decode()
    assert page.count('data-label="Room"') == 2
    page = admin.get("/rooms/", {"kind": "library", "site": sites[1].pk}).content.decode()
    assert page.count('data-label="Room"') == 1
    response = admin.get("/rooms/", {"kind": "library", "export": "csv"})
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert rows[0] == "site,number,name,kind,floor,in use"
    assert sorted(rows[1:]) == ["NES,LIB,,Library,,yes", "SHS,LIB,,Library,,yes"]
    descending = admin.get("/rooms/", {"site": sites[0].pk, "sort": "-number"}).content.decode()
    assert descending.index(">LIB<") < descending.index(">101<")


def test_a_bad_filter_value_is_ignored_with_a_message(admin):
    response = admin.get("/rooms/", {"kind": "spaceship", "site": "abc"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ignored the filter “kind”" in page and "Ignored the filter “site”" in page


def test_htmx_gets_only_the_table(admin):
    response = admin.get("/rooms/", {"kind": "library"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="room-table">')
    assert "<html" not in page


def test_the_site_switcher_narrows_lists_to_one_site(admin, sites):
    admin.post("/site/", {"site": sites[1].pk, "next": "/rooms/"})
    page = admin.get("/rooms/").content.decode()
    assert "South High" in page and "North Elementary</td>" not in page
    admin.post("/site/", {"site": "", "next": "/rooms/"})
    page = admin.get("/rooms/").content.decode()
    assert "North Elementary" in page and "South High" in page


def test_the_site_switcher_refuses_a_site_the_user_does_not_work_at(tech, sites):
    response = tech.post(
        "/site/", {"site": sites[1].pk, "next": "https://elsewhere.example/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "You do not work at that site." in response.content.decode()


@pytest.mark.parametrize("extra_rooms", [0, 40])
def test_list_pages_run_a_fixed_number_of_queries(admin, sites, extra_rooms):
    Room.objects.bulk_create(Room(site=sites[n % 2], number=f"X{n}") for n in range(extra_rooms))
    admin.get("/")  # the first request warms the content-type cache
    for url, expected in [("/rooms/", 9), ("/sites/", 8), ("/activity/", 8), ("/", 46)]:
        with pinned_queries(expected):
            assert admin.get(url).status_code == 200


def test_global_search_finds_sites_and_rooms_the_user_may_see(tech, sites):
    page = tech.get("/search/", {"q": "LIB"}).content.decode()
    assert "North Elementary" in page and "South High" not in page
    partial = tech.get("/search/", {"q": "north"}, headers={"HX-Request": "true"}).content
    assert b"<html" not in partial and b"North Elementary" in partial
    assert "Type at least two characters" in tech.get("/search/", {"q": "N"}).content.decode()


def test_today_shows_cards_for_the_role(users, client_as, sites):
    admin_page = client_as(users["District admin"]).get("/").content.decode()
    assert "Rooms in use per site" in admin_page and "Recent changes" in admin_page
    student_page = client_as(users["Student"]).get("/").content.decode()
    assert "Good to see you" in student_page
    assert "Rooms in use per site" not in student_page and "Recent changes" not in student_page
