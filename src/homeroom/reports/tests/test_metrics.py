import datetime

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from homeroom.core.testing import pinned_queries, run_queued_tasks
from homeroom.helpdesk.models import Ticket
from homeroom.reports.models import RollupState
from homeroom.reports.tests.conftest import NOW, at


@pytest.fixture
def counted(helpdesk):
    call_command("reports-refresh", "--all", stdout=None)
    return helpdesk


def metrics(client, **query) -> dict:
    response = client.get("/api/v1/reports/helpdesk", query)
    assert response.status_code == 200, response.content
    return response.json()


def test_district_admin_sees_every_site(counted, admin, api_client_as, sites):
    data = metrics(api_client_as(admin), period="7")
    assert (data["first_day"], data["last_day"]) == ("2026-11-12", "2026-11-18")
    assert data["backlog"]["total"] == 1
    assert {"label": "In progress", "count": 1} in data["backlog"]["by_status"]
    assert data["backlog"]["by_age"][0] == {"label": "Under a day", "count": 0}
    assert data["backlog"]["by_age"][1] == {"label": "1 to 3 days", "count": 1}
    assert (data["created"], data["resolved"], data["closed"]) == (4, 3, 1)
    assert (data["response_met"], data["response_breached"]) == (3, 1)
    assert data["response_met_percent"] == 75.0
    assert (data["resolution_met"], data["resolution_breached"]) == (2, 1)
    assert data["resolution_met_percent"] == 66.7
    assert (data["first_contact"], data["first_contact_percent"]) == (2, 66.7)
    # Four self-service fixes, one by someone without a site, against four tickets filed.
    assert (data["deflections"], data["deflection_percent"]) == (4, 50.0)
    assert (data["satisfaction_count"], data["satisfaction_average"]) == (2, 2.0)
    assert data["satisfaction_counts"] == [1, 0, 1]
    # Response times 5, 10, 30 and 360 minutes: median 10 min, p90 6 h, each within 25 %.
    assert 10 / 60 / 1.25 <= data["response_median_hours"] <= 10 / 60 * 1.25
    assert 6 / 1.25 <= data["response_p90_hours"] <= 6 * 1.25
    # Resolution times 30 min, 2 h and 7 h: median 2 h.
    assert 2 / 1.25 <= data["resolution_median_hours"] <= 2 * 1.25
    assert data["by_site"] == [
        {"label": sites[0].name, "count": 3},
        {"label": sites[1].name, "count": 1},
    ]
    assert data["by_issue_type"] == [
        {"label": "No issue type", "count": 2},
        {"label": "Reports Chromebook: Cracked screen", "count": 2},
    ]
    assert data["repairs"] == [
        {
            "model": "Reports Walkbook",
            "devices": 4,
            "opened": 1,
            "rate": 25.0,
            "completed": 1,
            "cost": 85.5,
        }
    ]


def test_technician_sees_only_their_site(counted, tech, api_client_as, sites):
    client = api_client_as(tech)
    data = metrics(client, period="7")
    assert data["site_ids"] == [sites[0].pk]
    assert (data["created"], data["resolved"]) == (3, 2)
    assert (data["response_met"], data["response_breached"]) == (2, 1)
    assert (data["deflections"], data["deflection_percent"]) == (2, 40.0)
    assert [row["label"] for row in data["by_site"]] == [sites[0].name]
    # Another site is not theirs to see: nothing, not an error.
    other = metrics(client, period="7", site=sites[1].pk)
    assert other["site_ids"] == []
    assert (other["created"], other["deflections"], other["backlog"]["total"]) == (0, 0, 0)


def test_admin_narrows_to_one_site(counted, admin, api_client_as, sites):
    data = metrics(api_client_as(admin), period="7", site=sites[1].pk)
    assert (data["created"], data["resolved"], data["first_contact"]) == (1, 1, 1)
    # The fix by someone without a site counts only for the whole district.
    assert data["deflections"] == 1
    assert data["repairs"] == []


def test_periods(counted, admin, api_client_as, sites):
    for day in (datetime.date(2026, 8, 3), datetime.date(2026, 9, 30)):
        Ticket.objects.create(
            site=sites[0],
            subject="Earlier in the year",
            issue_type=counted["screen"],
            status="closed",
            created_at=at(day, 9),
            closed_at=at(day, 10),
        )
    call_command("reports-refresh", "--all", stdout=None)
    client = api_client_as(admin)
    ninety = metrics(client, period="90")
    assert (ninety["first_day"], ninety["created"]) == ("2026-08-21", 5)
    # 21 Aug to 18 Nov: the days of August and November, the months of September and
    # October.
    assert ninety["by_issue_type"][0] == {
        "label": "Reports Chromebook: Cracked screen",
        "count": 3,
    }
    year = metrics(client, period="year")
    assert (year["first_day"], year["created"]) == ("2026-07-01", 6)
    assert year["by_issue_type"][0]["count"] == 4
    assert metrics(client, period="30")["by_issue_type"][0]["count"] == 2
    assert client.get("/api/v1/reports/helpdesk", {"period": "12"}).status_code == 400


def test_page_shows_the_metrics_and_charts(counted, tech, client_as, sites):
    response = client_as(tech).get("/reports/helpdesk/?period=7")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Help desk metrics" in page
    assert "66.7 %" in page  # responded on time at North
    assert "Tickets by issue type" in page and "Reports Chromebook: Cracked screen" in page
    assert "Repairs per 100 devices, by model" in page and "Reports Walkbook" in page
    assert "25.0 repairs per 100 devices in all" in page
    assert sites[1].name not in page
    assert "As of" in page


def test_page_exports_the_numbers_behind_a_chart(counted, admin, client_as):
    response = client_as(admin).get("/reports/helpdesk/?period=7&export=repairs")
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines == [
        "device model,devices,repairs opened,per 100 devices,completed,cost",
        "Reports Walkbook,4,1,25.0,1,85.5",
    ]


def test_page_ignores_a_bad_site(counted, tech, client_as):
    response = client_as(tech).get("/reports/helpdesk/?site=north&period=forever", follow=True)
    assert response.status_code == 200
    assert "Ignored the filter “site”" in response.content.decode()
    assert response.context["period"].key == "30"


def test_teachers_cannot_see_metrics(counted, teacher, client_as, api_client_as):
    assert client_as(teacher).get("/reports/helpdesk/").status_code == 403
    assert client_as(teacher).post("/reports/helpdesk/refresh/").status_code == 403
    assert api_client_as(teacher).get("/api/v1/reports/helpdesk").status_code == 403
    today = client_as(teacher).get("/").content.decode()
    assert "Help desk this week" not in today and "Help desk metrics" not in today


def test_today_card_for_technicians(
    counted, tech, client_as, now, django_capture_on_commit_callbacks
):
    page = client_as(tech).get("/").content.decode()
    assert "Help desk this week" in page
    assert "/reports/helpdesk/" in page
    assert DBTaskResult.objects.count() == 0
    # Its SLA numbers come from the rollups, so it too has old ones rebuilt.
    now.shift(datetime.timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        client_as(tech).get("/")
    assert DBTaskResult.objects.count() == 1


def test_old_rollups_are_refreshed_in_the_background(
    counted, tech, client_as, sites, now, django_capture_on_commit_callbacks
):
    client = client_as(tech)
    now.shift(datetime.timedelta(minutes=30))
    Ticket.objects.create(site=sites[0], subject="New today")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/reports/helpdesk/?period=7")
    assert response.context["refreshing"] is True
    assert response.context["m"]["created"] == 3  # the request did not rebuild anything
    assert DBTaskResult.objects.count() == 1
    # A second view while the refresh waits does not queue another.
    assert client.get("/reports/helpdesk/?period=7").context["refreshing"] is False
    assert DBTaskResult.objects.count() == 1
    assert run_queued_tasks() == 1
    assert RollupState.objects.get().refreshed_at == NOW + datetime.timedelta(minutes=30)
    assert client.get("/reports/helpdesk/?period=7").context["m"]["created"] == 4


def test_refresh_button_queues_a_refresh(
    counted, tech, client_as, django_capture_on_commit_callbacks
):
    client = client_as(tech)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/reports/helpdesk/refresh/", {"next": "/reports/helpdesk/?period=7"}
        )
    assert response.status_code == 302
    assert response["Location"] == "/reports/helpdesk/?period=7"
    assert DBTaskResult.objects.count() == 1
    again = client.post("/reports/helpdesk/refresh/", {"next": "https://example.com/"})
    assert again["Location"] == "/reports/helpdesk/"
    assert DBTaskResult.objects.count() == 1


def test_metrics_page_query_count(counted, admin, client_as):
    client = client_as(admin)
    client.get("/reports/helpdesk/")
    # Session, user and permissions (5), the sites, the site-days, deflections, the
    # backlog, issue types by day and by month, fleet counts, repairs, the state row, the
    # site switcher.
    with pinned_queries(15):
        assert client.get("/reports/helpdesk/?period=year").status_code == 200
