"""School hours and closed days through the pages, the API and the .ics import."""

import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from homeroom.core.calendar import calendar_for
from homeroom.core.choices import ImportRunStatus
from homeroom.core.models import AuditEvent, ClosedDay, ImportRun, SchoolHours, Site
from homeroom.core.testing import pinned_queries, run_queued_tasks

TODAY = datetime.datetime(2026, 11, 24, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen_today(settings):
    settings.TIME_ZONE = "America/Chicago"
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(users, client_as):
    return client_as(users["District admin"])


@pytest.fixture
def tech(users, client_as):
    return client_as(users["Technician"])


def closed(site=None, starts_on=datetime.date(2026, 12, 21), ends_on=None, reason="Winter break"):
    return ClosedDay.objects.create(
        site=site, starts_on=starts_on, ends_on=ends_on or starts_on, reason=reason
    )


def en(text: str) -> str:
    """Pages write ranges with en dashes: en("Mon-Fri") is "Mon\u2013Fri"."""
    return text.replace("-", "\u2013")


def ics(*events: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Riverside USD//School calendar//EN"]
    for event in events:
        lines += ["BEGIN:VEVENT", *event.strip().splitlines(), "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


# Pages


def test_the_site_page_shows_hours_and_coming_closed_days(tech, sites):
    closed(
        reason="Winter break",
        starts_on=datetime.date(2026, 12, 21),
        ends_on=datetime.date(2027, 1, 1),
    )
    closed(site=sites[0], reason="Boiler repair", starts_on=datetime.date(2026, 12, 2))
    closed(site=sites[1], reason="South only", starts_on=datetime.date(2026, 12, 3))
    closed(reason="Long past", starts_on=datetime.date(2026, 9, 7))
    page = tech.get(f"/sites/{sites[0].pk}/").content.decode()
    assert "School hours and closed days" in page
    assert en("Mon-Fri, 7:30 am - 4:00 pm") in page and "District hours" in page
    assert "Winter break" in page and "Boiler repair" in page
    assert "South only" not in page and "Long past" not in page
    assert "Change hours" not in page and "Remove" not in page


def test_the_site_page_runs_a_fixed_number_of_queries(admin, sites):
    admin.get(f"/sites/{sites[0].pk}/")
    for n in range(5):
        closed(site=sites[0], starts_on=datetime.date(2026, 12, 1 + n), reason=f"Day {n}")
        with pinned_queries(12):
            assert admin.get(f"/sites/{sites[0].pk}/").status_code == 200


def test_admin_gives_a_school_its_own_hours_then_back_to_the_district(admin, sites):
    form = admin.get(f"/sites/{sites[0].pk}/hours/").content.decode()
    assert "Use the district hours instead" not in form
    assert "This school follows the district hours now." in form
    response = admin.post(
        f"/sites/{sites[0].pk}/hours/",
        {"school_days": ["0", "1", "2", "3"], "opens_at": "08:15", "closes_at": "15:30"},
    )
    assert response.status_code == 302 and response["Location"] == f"/sites/{sites[0].pk}/"
    calendar = calendar_for(sites[0])
    assert calendar.weekdays == {0, 1, 2, 3} and not calendar.uses_district_hours
    assert calendar.opens_at == datetime.time(8, 15)
    assert calendar_for(sites[1]).uses_district_hours
    event = AuditEvent.objects.get(content_type__model="schoolhours", verb="created")
    assert (event.interface, event.site_id) == ("web", sites[0].pk)
    assert en("Mon-Thu, 8:15 am - 3:30 pm") in admin.get(f"/sites/{sites[0].pk}/").content.decode()

    form = admin.get(f"/sites/{sites[0].pk}/hours/").content.decode()
    assert "Use the district hours instead" in form and en("Mon-Fri, 7:30 am - 4:00 pm") in form
    assert "This school follows the district hours now." not in form
    admin.post(
        f"/sites/{sites[0].pk}/hours/",
        {"use_district_hours": "on", "opens_at": "8:00", "closes_at": "9:00"},
    )
    assert not SchoolHours.objects.filter(site=sites[0]).exists()
    assert AuditEvent.objects.filter(content_type__model="schoolhours", verb="deleted").count() == 1


def test_bad_hours_explain_and_change_nothing(admin, sites):
    response = admin.post(
        f"/sites/{sites[0].pk}/hours/",
        {"school_days": [], "opens_at": "16:00", "closes_at": "07:30"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in page
    assert "Pick at least one school day." in page
    assert "Closing time must be after opening time." in page
    assert not SchoolHours.objects.exists()


def test_admin_changes_the_district_hours(admin, sites):
    admin.post(
        "/calendar/hours/",
        {"school_days": ["0", "1", "2", "3", "4"], "opens_at": "07:00", "closes_at": "15:00"},
    )
    assert calendar_for(sites[1]).opens_at == datetime.time(7)
    assert en("7:00 am - 3:00 pm") in admin.get("/calendar/").content.decode()


def test_admin_adds_and_removes_closed_days(admin, sites):
    response = admin.post(
        "/calendar/closed-days/new/",
        {"site": sites[0].pk, "starts_on": "2026-12-02", "ends_on": "", "reason": "Snow day"},
    )
    assert response["Location"] == f"/sites/{sites[0].pk}/"
    snow = ClosedDay.objects.get(reason="Snow day")
    assert (snow.site, snow.starts_on, snow.ends_on) == (
        sites[0],
        datetime.date(2026, 12, 2),
        datetime.date(2026, 12, 2),
    )
    admin.post(
        "/calendar/closed-days/new/",
        {"site": "", "starts_on": "2026-12-21", "ends_on": "2027-01-01", "reason": "Winter break"},
    )
    winter = ClosedDay.objects.get(reason="Winter break")
    assert winter.site is None and winter.day_count == 12
    assert not calendar_for(sites[1]).is_school_day(datetime.date(2026, 12, 22))
    assert calendar_for(sites[1]).is_school_day(datetime.date(2026, 12, 2))

    response = admin.post(f"/calendar/closed-days/{snow.pk}/delete/", follow=True)
    assert "Removed Snow day" in response.content.decode()
    assert not ClosedDay.objects.filter(pk=snow.pk).exists()
    verbs = list(
        AuditEvent.objects.filter(content_type__model="closedday").values_list("verb", flat=True)
    )
    assert sorted(verbs) == ["created", "created", "deleted"]


def test_a_bad_closed_day_explains_and_changes_nothing(admin, sites):
    assert admin.get("/calendar/closed-days/new/?site=abc").status_code == 200
    preset = admin.get(f"/calendar/closed-days/new/?site={sites[1].pk}").content.decode()
    assert f'<option value="{sites[1].pk}" selected>' in preset
    response = admin.post(
        "/calendar/closed-days/new/",
        {"site": "", "starts_on": "2026-12-21", "ends_on": "2026-12-01", "reason": ""},
    )
    page = response.content.decode()
    assert "The last closed day cannot be before the first." in page
    assert "This field is required." in page
    response = admin.post(
        "/calendar/closed-days/new/",
        {"site": "", "starts_on": "2026-01-01", "ends_on": "2027-06-30", "reason": "Too long"},
    )
    assert "at most 366 days" in response.content.decode()
    assert not ClosedDay.objects.exists()


def test_the_district_calendar_lists_the_school_year(tech, sites):
    closed(reason="Labor Day", starts_on=datetime.date(2026, 9, 7))
    closed(
        reason="Summer break",
        starts_on=datetime.date(2027, 6, 11),
        ends_on=datetime.date(2027, 8, 15),
    )
    closed(site=sites[1], reason="South only", starts_on=datetime.date(2026, 10, 9))
    closed(reason="Last year", starts_on=datetime.date(2026, 5, 25))
    page = tech.get("/calendar/").content.decode()
    assert en("School calendar 2026-2027") in page
    assert "Labor Day" in page and "Summer break" in page
    assert "South only" not in page and "Last year" not in page
    assert "Add a closed day" not in page
    assert "Last year" in tech.get("/calendar/?year=2025").content.decode()
    assert tech.get("/calendar/?year=soon").status_code == 200


@pytest.mark.parametrize("extra", [0, 30])
def test_the_district_calendar_runs_a_fixed_number_of_queries(admin, sites, extra):
    SchoolHours.objects.create(
        site=sites[1], opens_at=datetime.time(7), closes_at=datetime.time(14)
    )
    closed(reason="Thanksgiving", starts_on=datetime.date(2026, 11, 26))
    for n in range(extra):
        closed(site=sites[n % 2], starts_on=datetime.date(2026, 9, 1) + datetime.timedelta(days=n))
    admin.get("/calendar/")
    with pinned_queries(11):
        assert admin.get("/calendar/").status_code == 200


@pytest.mark.parametrize("role", ["Technician", "Teacher", "Librarian"])
def test_only_people_who_change_sites_change_the_calendar(users, client_as, sites, role):
    client = client_as(users[role])
    assert client.get("/calendar/closed-days/new/").status_code == 403
    day = closed()
    assert client.post(f"/calendar/closed-days/{day.pk}/delete/").status_code == 403
    assert (
        client.post(
            f"/sites/{sites[0].pk}/hours/",
            {"school_days": ["0"], "opens_at": "8:00", "closes_at": "9:00"},
        ).status_code
        == 403
    )
    assert ClosedDay.objects.filter(pk=day.pk).exists() and not SchoolHours.objects.exists()


# The .ics import

SCHOOL_YEAR_ICS = ics(
    "UID:labor@riverside\nDTSTART;VALUE=DATE:20260907\nDTEND;VALUE=DATE:20260908\n"
    "SUMMARY:Labor Day",
    "UID:thanks@riverside\nDTSTART;VALUE=DATE:20261125\nDTEND;VALUE=DATE:20261128\n"
    "SUMMARY:Thanksgiving break\\, no school",
    "UID:winter@riverside\nDTSTART;VALUE=DATE:20261221\nDURATION:P2W\nSUMMARY:Winter\n  break",
    "UID:board@riverside\nDTSTART;TZID=America/Chicago:20261208T180000\n"
    "DTEND;TZID=America/Chicago:20261208T200000\nSUMMARY:Board meeting",
    "UID:pd@riverside\nDTSTART:20270215\nSUMMARY:Presidents' Day\n"
    "BEGIN:VALARM\nACTION:DISPLAY\nDESCRIPTION:Tomorrow\nTRIGGER:-P1D\nEND:VALARM",
    "UID:weekly@riverside\nDTSTART;VALUE=DATE:20260911\nRRULE:FREQ=WEEKLY\nSUMMARY:Spirit day",
    "UID:snow@riverside\nDTSTART;VALUE=DATE:20270105\nSTATUS:CANCELLED\nSUMMARY:Snow day",
    'UID:memorial@riverside\nDTSTART;VALUE=DATE:20270531\nSUMMARY;ALTREP="https://riverside.example'
    '/memorial":Memorial Day',
)


def upload(content: bytes, name: str = "calendar.ics") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "text/calendar")


def check_ics(client, content: bytes, site: str = "", name: str = "calendar.ics"):
    """Upload a calendar file on its import page and let the worker check it."""
    client.post("/imports/closed-days/new/", {"file": upload(content, name), "site": site})
    run_queued_tasks()
    return ImportRun.objects.order_by("-pk").first()


def apply(client, run):
    response = client.post(f"/imports/closed-days/{run.pk}/apply/", follow=True)
    run_queued_tasks()
    run.refresh_from_db()
    return response, run


def test_importing_an_ics_file_previews_then_adds_its_all_day_events(admin, sites):
    assert admin.get("/calendar/import/")["Location"] == "/imports/closed-days/new/"
    run = check_ics(admin, SCHOOL_YEAR_ICS)
    assert run.status == ImportRunStatus.CHECKED
    preview = admin.get(run.get_absolute_url()).content.decode()
    assert "Apply these changes" in preview and "Thanksgiving break, no school" in preview
    assert (
        "calendar.ics: left out 1 not all-day events, 1 repeating events, 1 cancelled events"
        in preview
    )
    assert run.counts == {"closed days": {"new": 5, "already in the calendar": 0}}
    assert not ClosedDay.objects.exists()  # nothing is added before Apply

    _, run = apply(admin, run)
    assert run.status == ImportRunStatus.APPLIED
    rows = list(ClosedDay.objects.values_list("site", "starts_on", "ends_on", "reason"))
    assert rows == [
        (None, datetime.date(2026, 9, 7), datetime.date(2026, 9, 7), "Labor Day"),
        (
            None,
            datetime.date(2026, 11, 25),
            datetime.date(2026, 11, 27),
            "Thanksgiving break, no school",
        ),
        (None, datetime.date(2026, 12, 21), datetime.date(2027, 1, 3), "Winter break"),
        (None, datetime.date(2027, 2, 15), datetime.date(2027, 2, 15), "Presidents' Day"),
        (None, datetime.date(2027, 5, 31), datetime.date(2027, 5, 31), "Memorial Day"),
    ]
    assert AuditEvent.objects.filter(content_type__model="closedday", verb="created").count() == 5

    again = check_ics(admin, SCHOOL_YEAR_ICS)
    assert again.counts == {"closed days": {"new": 0, "already in the calendar": 5}}
    assert "Already in the calendar" in admin.get(again.get_absolute_url()).content.decode()
    _, again = apply(admin, again)
    assert again.status == ImportRunStatus.APPLIED
    assert ClosedDay.objects.count() == 5


def test_importing_for_one_school(admin, sites):
    apply(admin, check_ics(admin, SCHOOL_YEAR_ICS, site=sites[1].code))
    assert set(ClosedDay.objects.values_list("site", flat=True)) == {sites[1].pk}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,date\nLabor Day,2026-09-07\n", "calendar.ics:1: file: is not an iCalendar file"),
        (b"\xff\xfeB\x00E\x00", "is not UTF-8 text"),
        (
            ics("DTSTART;VALUE=DATE:20261332\nSUMMARY:Nope"),
            "calendar.ics:5: DTSTART: 20261332 is not a real date",
        ),
        (
            ics("DTSTART;VALUE=DATE:20261201\nDTEND;VALUE=DATE:20261201\nSUMMARY:Zero"),
            "calendar.ics:6: DTEND: 20261201 is not after the start date",
        ),
        (ics("SUMMARY:No start"), "calendar.ics:4: DTSTART: the event has no start date"),
        (
            ics("DTSTART;VALUE=DATE:20260101\nDTEND;VALUE=DATE:20280101\nSUMMARY:Forever"),
            "longer than 366 days",
        ),
        (
            ics("DTSTART;VALUE=DATE:20261201\nDURATION:PT3H\nSUMMARY:Odd"),
            "PT3H is not a number of days",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261201\r\n",
            "ends inside VEVENT",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nEND:VCALENDAR\r\n",
            "END:VCALENDAR where END:VEVENT was expected",
        ),
        (
            b"BEGIN:VCALENDAR\r\nthis is not a property\r\nEND:VCALENDAR\r\n",
            "calendar.ics:2: line: is not NAME:VALUE",
        ),
        (
            ics("DTSTART;TZID=America/Chicago:20261208T180000\nSUMMARY:Timed only"),
            "has no all-day events",
        ),
    ],
)
def test_a_bad_ics_file_explains_and_changes_nothing(admin, sites, content, message):
    run = check_ics(admin, content)
    assert run.status == ImportRunStatus.REJECTED
    page = admin.get(run.get_absolute_url())
    assert page.status_code == 200 and "problem" in page.content.decode()
    assert message in page.content.decode().replace("&#x27;", "'")
    response, run = apply(admin, run)
    assert response.status_code == 200 and run.status == ImportRunStatus.REJECTED
    assert not ClosedDay.objects.exists()
    assert not AuditEvent.objects.filter(content_type__model="closedday").exists()


def test_a_good_event_before_a_bad_one_is_not_imported(admin, sites):
    content = ics(
        "DTSTART;VALUE=DATE:20260907\nSUMMARY:Labor Day",
        "DTSTART;VALUE=DATE:2026-11-26\nSUMMARY:Thanksgiving",
    )
    run = check_ics(admin, content)
    page = admin.get(run.get_absolute_url()).content.decode()
    assert "calendar.ics:9: DTSTART: &#x27;2026-11-26&#x27; is not a date like 20261126" in page
    assert not ClosedDay.objects.exists()


def test_a_technician_may_not_import(tech, sites):
    response = tech.post("/imports/closed-days/new/", {"file": upload(SCHOOL_YEAR_ICS), "site": ""})
    assert response.status_code == 403
    assert tech.get("/calendar/import/").status_code == 403
    assert not ClosedDay.objects.exists() and not ImportRun.objects.exists()


# API


def test_api_reads_and_updates_a_site_calendar(users, api_client_as, sites):
    admin_api = api_client_as(users["District admin"])
    body = admin_api.get(f"/api/v1/sites/{sites[0].pk}/calendar").json()
    assert body == {
        "site_id": sites[0].pk,
        "uses_district_hours": True,
        "school_days": ["monday", "tuesday", "wednesday", "thursday", "friday"],
        "opens_at": "07:30",
        "closes_at": "16:00",
        "description": en("Mon-Fri, 7:30 am - 4:00 pm"),
    }
    response = admin_api.put(
        f"/api/v1/sites/{sites[0].pk}/calendar",
        {
            "school_days": ["monday", "wednesday", "friday"],
            "opens_at": "08:00",
            "closes_at": "14:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["description"] == en("Mon, Wed, Fri, 8:00 am - 2:00 pm")
    assert not response.json()["uses_district_hours"]
    event = AuditEvent.objects.get(content_type__model="schoolhours")
    assert (event.interface, event.verb) == ("api", "created")

    bad = admin_api.put(
        f"/api/v1/sites/{sites[0].pk}/calendar",
        {"school_days": [], "opens_at": "14:00", "closes_at": "08:00"},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert calendar_for(sites[0]).opens_at == datetime.time(8)

    back = admin_api.put(
        f"/api/v1/sites/{sites[0].pk}/calendar",
        {"use_district_hours": True},
        content_type="application/json",
    )
    assert back.json()["uses_district_hours"] is True


def test_api_calendar_permissions(users, api_client_as, sites):
    tech_api = api_client_as(users["Technician"])
    assert tech_api.get(f"/api/v1/sites/{sites[0].pk}/calendar").status_code == 200
    assert tech_api.get(f"/api/v1/sites/{sites[1].pk}/calendar").status_code == 404
    assert tech_api.get("/api/v1/calendar").status_code == 200
    hours = {"school_days": ["monday"], "opens_at": "08:00", "closes_at": "09:00"}
    assert (
        tech_api.put(
            f"/api/v1/sites/{sites[0].pk}/calendar", hours, content_type="application/json"
        ).status_code
        == 403
    )
    assert (
        tech_api.put("/api/v1/calendar", hours, content_type="application/json").status_code == 403
    )
    assert (
        tech_api.post(
            "/api/v1/closed-days",
            {"starts_on": "2026-12-02", "reason": "x"},
            content_type="application/json",
        ).status_code
        == 403
    )
    assert api_client_as(users["Student"]).get("/api/v1/closed-days").status_code == 403
    assert not SchoolHours.objects.exists() and not ClosedDay.objects.exists()


def test_api_lists_adds_and_deletes_closed_days(users, api_client_as, sites):
    admin_api = api_client_as(users["District admin"])
    response = admin_api.post(
        "/api/v1/closed-days",
        {"site_id": sites[0].pk, "starts_on": "2026-12-02", "reason": "Snow day"},
        content_type="application/json",
    )
    assert response.status_code == 201
    snow = response.json()
    assert (snow["site_id"], snow["starts_on"], snow["ends_on"]) == (
        sites[0].pk,
        "2026-12-02",
        "2026-12-02",
    )
    admin_api.post(
        "/api/v1/closed-days",
        {"starts_on": "2026-12-21", "ends_on": "2027-01-01", "reason": "Winter break"},
        content_type="application/json",
    )
    closed(site=sites[1], reason="South only", starts_on=datetime.date(2026, 12, 3))
    tech_api = api_client_as(users["Technician"])
    reasons = [item["reason"] for item in tech_api.get("/api/v1/closed-days").json()["items"]]
    assert reasons == ["Snow day", "Winter break"]
    everything = admin_api.get("/api/v1/closed-days").json()
    assert everything["count"] == 3
    for_south = admin_api.get(f"/api/v1/closed-days?site={sites[1].pk}").json()["items"]
    assert [item["reason"] for item in for_south] == ["South only", "Winter break"]
    december = admin_api.get("/api/v1/closed-days?on_or_after=2027-01-01").json()["items"]
    assert [item["reason"] for item in december] == ["Winter break"]

    bad = admin_api.post(
        "/api/v1/closed-days",
        {"starts_on": "2026-12-21", "ends_on": "2026-12-01", "reason": "Backwards"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "cannot be before the first" in bad.content.decode()

    assert admin_api.delete(f"/api/v1/closed-days/{snow['id']}").status_code == 204
    assert not ClosedDay.objects.filter(pk=snow["id"]).exists()
    assert admin_api.delete(f"/api/v1/closed-days/{snow['id']}").status_code == 404


# Demo


def test_the_demo_district_has_school_hours_and_holidays(db):
    call_command("demo", "--today", "2026-12-03", stdout=StringIO())
    elementary = Site.objects.filter(type="elementary").first()
    high = Site.objects.get(type="high")
    assert calendar_for(elementary).hours_label == en("Mon-Fri, 7:30 am - 4:00 pm")
    assert calendar_for(high).hours_label == en("Mon-Fri, 7:00 am - 2:30 pm")
    reasons = set(ClosedDay.objects.values_list("reason", flat=True))
    assert {"Labor Day", "Thanksgiving break", "Winter break", "Spring break"} <= reasons
    assert {"Martin Luther King Jr. Day", "Presidents' Day", "Memorial Day"} <= reasons
    assert ClosedDay.objects.filter(reason="Summer break").count() == 2
    # A ticket filed on the Tuesday before Thanksgiving at 3 pm with a 4-hour target.
    filed = datetime.datetime(2026, 11, 24, 15, tzinfo=ZoneInfo("America/Chicago"))
    due = calendar_for(elementary).add(filed, 4 * 3600)
    assert (due.date(), due.hour, due.minute) == (datetime.date(2026, 11, 30), 10, 30)
    assert not calendar_for(high).is_school_day(datetime.date(2027, 7, 4))


# Command line


def test_the_command_line_imports_closed_days_for_a_school(sites, tmp_path):
    path = tmp_path / "south.ics"
    path.write_bytes(SCHOOL_YEAR_ICS)
    out = StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("import", "closed-days", str(path), "--site", "SHS", "--dry-run", stdout=out)
    assert exit_code.value.code == 0 and "2026-11-25 to 2026-11-27: Thanksgiving" in out.getvalue()
    assert not ClosedDay.objects.exists()

    out = StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("import", "closed-days", str(path), "--site", "SHS", stdout=out)
    assert exit_code.value.code == 0
    assert "Added 5 closed days to South High" in out.getvalue()
    assert set(ClosedDay.objects.values_list("site__code", flat=True)) == {"SHS"}
    event = AuditEvent.objects.filter(content_type__model="closedday").first()
    assert (event.interface, event.actor_name) == ("cli", "")


def test_the_command_line_reports_a_bad_file_and_changes_nothing(sites, tmp_path):
    path = tmp_path / "broken.ics"
    path.write_bytes(ics("DTSTART;VALUE=DATE:20261301\nSUMMARY:Bad month"))
    err = StringIO()
    with pytest.raises(SystemExit) as exit_code:
        call_command("import", "closed-days", str(path), stderr=err)
    assert exit_code.value.code == 1
    assert "broken.ics:5: DTSTART: 20261301 is not a real date" in err.getvalue()
    assert "Nothing was changed." in err.getvalue()
    with pytest.raises(SystemExit) as exit_code:
        call_command("import", "closed-days", str(path), "--site", "NOPE", stderr=StringIO())
    assert exit_code.value.code == 2
    assert not ClosedDay.objects.exists()
