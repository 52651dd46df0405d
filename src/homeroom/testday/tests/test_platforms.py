"""Assessment platforms: the vendors' figures as seeded, edited by the test coordinator with
their sources, as the people who use them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from homeroom.core import roles
from homeroom.core.models import AuditEvent
from homeroom.core.testing import pinned_queries
from homeroom.testday import services
from homeroom.testday.models import AssessmentPlatform


def test_the_vendors_platforms_are_seeded_with_their_sources(testnav):
    assert set(AssessmentPlatform.objects.values_list("kind", flat=True)) == {
        "testnav",
        "drc_insight",
        "nwea_map",
        "cambium",
    }
    assert (testnav.school_year, testnav.chromeos_min, testnav.chromeos_runs_from) == (
        "2026-27",
        146,
        116,
    )
    assert testnav.lts_majors == [144] and testnav.must_be_managed
    assert (testnav.cache_name, testnav.cache_port) == ("ProctorCache", 4480)
    assert "newer than 145" in testnav.sources["chromeos_min"]
    # Every figure given has a note saying where it comes from.
    for platform in AssessmentPlatform.objects.all():
        for figure in ("chromeos_min", "windows_min", "macos_min", "kiosk_app_id"):
            if getattr(platform, figure):
                assert platform.sources.get(figure), (platform, figure)


def test_the_platform_page_shows_each_figure_with_its_source(testnav, users, client_as):
    page = client_as(users[roles.TECHNICIAN]).get(testnav.get_absolute_url())
    assert page.status_code == 200
    assert "Lowest supported ChromeOS" in page.text and "146" in page.text
    assert "the default port is 4480" in page.text
    # Technicians read the requirements; only the coordinator changes them.
    assert "Change the requirements" not in page.text


def _form(platform, **changes):
    data = {
        "name": platform.name,
        "kind": platform.kind,
        "school_year": platform.school_year,
        "chromeos_min": platform.chromeos_min or "",
        "chromeos_runs_from": platform.chromeos_runs_from or "",
        "chromeos_excluded": platform.chromeos_excluded,
        "chromeos_lts": platform.chromeos_lts,
        "ipados_min": platform.ipados_min,
        "windows_min": platform.windows_min,
        "macos_min": platform.macos_min,
        "must_be_managed": "on" if platform.must_be_managed else "",
        "kiosk_app_id": platform.kiosk_app_id,
        "cache_name": platform.cache_name,
        "cache_host": platform.cache_host,
        "cache_port": platform.cache_port or "",
        "testing_org_unit": platform.testing_org_unit,
        "notes": platform.notes,
        "is_active": "on",
    }
    for figure, note in platform.sources.items():
        data[f"note_{figure}"] = note
    data.update(changes)
    return data


def test_the_coordinator_changes_a_figure_and_its_source(testnav, coordinator, client_as):
    client = client_as(coordinator)
    url = f"/testday/platforms/{testnav.pk}/edit/"
    assert "Change Pearson TestNav" in client.get(url).text
    done = client.post(
        url,
        _form(
            testnav,
            chromeos_excluded="141 140",
            testing_org_unit="/Students/Testing",
            cache_host="cache.nes.example.org",
            note_chromeos_excluded="Pearson support bulletin, March 2027.",
        ),
    )
    assert done.status_code == 302
    testnav.refresh_from_db()
    assert testnav.excluded_majors == [140, 141] and testnav.chromeos_excluded == "140, 141"
    assert testnav.sources["chromeos_excluded"] == "Pearson support bulletin, March 2027."
    assert testnav.testing_org_unit == "/Students/Testing"
    event = AuditEvent.objects.get(object_id=testnav.pk, verb="updated")
    assert event.actor == coordinator
    assert set(event.changes) == {
        "chromeos_excluded",
        "testing_org_unit",
        "cache_host",
        "sources",
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"chromeos_excluded": "140, beta"}, "“beta” is not a ChromeOS version number."),
        ({"chromeos_runs_from": "150"}, "cannot be above the supported minimum"),
        ({"testing_org_unit": "Students"}, "An org unit path starts with /"),
        ({"cache_port": "70000"}, "less than or equal to 65535"),
        ({"kiosk_app_id": "not-an-app"}, "A Chrome app id is 32 letters a to p."),
        ({"windows_min": "ten"}, "Write a version such as 17"),
        ({"name": "DRC INSIGHT"}, "already exists"),
    ],
)
def test_bad_figures_are_refused_with_a_message_and_change_nothing(
    testnav, coordinator, client_as, changes, message
):
    before = AssessmentPlatform.objects.values().get(pk=testnav.pk)
    page = client_as(coordinator).post(
        f"/testday/platforms/{testnav.pk}/edit/", _form(testnav, **changes)
    )
    assert page.status_code == 200 and message in page.text
    assert AssessmentPlatform.objects.values().get(pk=testnav.pk) == before
    assert not AuditEvent.objects.filter(object_id=testnav.pk, verb="updated").exists()


def test_only_the_coordinator_changes_platforms(testnav, users, client_as, tech):
    for role in (roles.TECHNICIAN, roles.TEACHER, roles.STUDENT):
        assert client_as(users[role]).get(f"/testday/platforms/{testnav.pk}/edit/").status_code
    assert client_as(tech).get(f"/testday/platforms/{testnav.pk}/edit/").status_code == 403
    assert client_as(users[roles.TEACHER]).get("/testday/platforms/").status_code == 403
    with pytest.raises(PermissionDenied):
        services.platform_update(actor=tech, platform=testnav, chromeos_min=120)
    with pytest.raises(ValidationError):
        services.platform_update(
            actor=users[roles.DISTRICT_ADMIN], platform=testnav, sources={"colour": "x"}
        )
    testnav.refresh_from_db()
    assert testnav.chromeos_min == 146


def test_a_custom_platform_is_added_on_the_page(coordinator, client_as):
    client = client_as(coordinator)
    made = client.post(
        "/testday/platforms/new/",
        {
            "name": "District benchmark (browser)",
            "kind": "custom",
            "school_year": "2026-27",
            "chromeos_min": "130",
            "note_chromeos_min": "District assessment office, Sept 2026.",
            "must_be_managed": "",
        },
    )
    assert made.status_code == 302
    platform = AssessmentPlatform.objects.get(name="District benchmark (browser)")
    assert platform.sources == {"chromeos_min": "District assessment office, Sept 2026."}
    assert AuditEvent.objects.filter(object_id=platform.pk, verb="created").exists()
    again = client.post(
        "/testday/platforms/new/",
        {"name": "district benchmark (BROWSER)", "kind": "custom", "school_year": "2026-27"},
    )
    assert "There is already a platform called" in again.text


def test_the_platform_list_filters_and_costs_the_same_with_more(coordinator, client_as):
    client = client_as(coordinator)

    def names(query=""):
        page = client.get(f"/testday/platforms/?{query}")
        assert page.status_code == 200
        return [p.name for p in page.context["page"].object_list]

    assert names("kind=testnav") == ["Pearson TestNav"]
    assert names("q=drc") == ["DRC INSIGHT"]
    assert names("kind=nonsense") == names()  # ignored with a message
    partial = client.get("/testday/platforms/?kind=nwea_map", headers={"HX-Request": "true"})
    assert partial.text.lstrip().startswith('<div id="platform-table">')
    client.get("/testday/platforms/")
    with pinned_queries(9) as first:
        client.get("/testday/platforms/")
    for n in range(4):
        services.platform_create(
            actor=coordinator, name=f"Custom {n}", kind="custom", school_year="2026-27"
        )
    with pinned_queries(len(first.captured_queries)):
        client.get("/testday/platforms/")
