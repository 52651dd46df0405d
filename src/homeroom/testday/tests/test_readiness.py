"""Device readiness against a platform: each rule on its own, a property that a device
meeting every requirement is always ready, and the readiness page of a window."""

import csv
import datetime
import io
import socket

from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.testday import selectors, services
from homeroom.testday.readiness import NOT_READY, READY, WARNING, Facts, Rules, assess

NOW = datetime.datetime(2027, 4, 12, 14, 0, tzinfo=datetime.UTC)


def rules(**overrides) -> Rules:
    values = {
        "name": "TestNav",
        "chromeos_min": 146,
        "chromeos_runs_from": 116,
        "excluded": frozenset({140}),
        "lts": frozenset({144}),
        "minimums": {"tablet": ((17, 0), "iPadOS", "17.0")},
        "must_be_managed": True,
        "org_unit": "/Students/Testing",
    }
    return Rules(**{**values, **overrides})


def chromebook(**overrides) -> Facts:
    values = {
        "category": "chromebook",
        "os_version": "146.0.7300.12",
        "org_unit_path": "/Students/Testing/NES",
        "last_sync": NOW - datetime.timedelta(days=2),
        "status": "deployed",
        "auto_update_through": datetime.date(2030, 6, 1),
    }
    return Facts(**{**values, **overrides})


def verdict(facts, **rule_overrides):
    found = assess(facts, rules(**rule_overrides), NOW)
    return found.state, found.reasons


def test_a_device_meeting_every_requirement_is_ready():
    assert verdict(chromebook()) == (READY, [])


def test_below_the_supported_minimum_but_still_running_is_a_warning():
    assert verdict(chromebook(os_version="131.0.6778.256")) == (
        WARNING,
        ["ChromeOS 131 is below the supported 146: update it"],
    )


def test_below_the_version_the_app_runs_on_is_not_ready():
    assert verdict(chromebook(os_version="115.0.5790.1")) == (
        NOT_READY,
        ["ChromeOS 115 is too old: TestNav needs 116"],
    )
    # Without a floor, below the minimum is not ready at once.
    state, reasons = verdict(chromebook(os_version="131.0"), chromeos_runs_from=None)
    assert state == NOT_READY and reasons == ["ChromeOS 131 is below the minimum 146"]


def test_an_excluded_version_is_not_ready_even_above_the_minimum():
    assert verdict(chromebook(os_version="150.0.1"), excluded=frozenset({150})) == (
        NOT_READY,
        ["ChromeOS 150 is excluded by TestNav"],
    )


def test_the_lts_release_is_accepted_below_the_minimum():
    assert verdict(chromebook(os_version="144.0.7100.80")) == (READY, [])
    assert verdict(chromebook(os_version="143.0.7000.1"))[0] == WARNING


def test_the_wrong_org_unit_is_not_ready_and_no_org_unit_is_unmanaged():
    state, reasons = verdict(chromebook(org_unit_path="/Students/Grade4"))
    assert state == NOT_READY
    assert reasons == ["In org unit /Students/Grade4, not /Students/Testing"]
    # A sibling whose name only starts alike is not inside the testing org unit.
    assert verdict(chromebook(org_unit_path="/Students/Testing2"))[0] == NOT_READY
    assert verdict(chromebook(org_unit_path=""))[1] == ["Not managed: not in Google Admin"]
    # With no testing org unit named, any managed org unit will do.
    assert verdict(chromebook(org_unit_path="/Students/Grade4"), org_unit="")[0] == READY


def test_a_stale_or_missing_sync_is_a_warning():
    stale = chromebook(last_sync=NOW - datetime.timedelta(days=15))
    assert verdict(stale) == (WARNING, ["Not synced with Google Admin for over 14 days"])
    assert verdict(chromebook(last_sync=NOW - datetime.timedelta(days=13)))[0] == READY
    assert verdict(chromebook(last_sync=None)) == (WARNING, ["Never synced with Google Admin"])


def test_a_device_in_repair_is_not_ready():
    assert verdict(chromebook(status="in_repair")) == (NOT_READY, ["In repair"])
    assert verdict(chromebook(in_repair=True)) == (NOT_READY, ["In repair"])


def test_an_expired_auto_update_is_not_ready():
    # April 2027: a model updated through March has expired, one through April has not.
    assert verdict(chromebook(auto_update_through=datetime.date(2027, 3, 1))) == (
        NOT_READY,
        ["Auto-update expired Mar 2027"],
    )
    assert verdict(chromebook(auto_update_through=datetime.date(2027, 4, 1)))[0] == READY


def test_other_systems_against_their_minimums():
    ipad = Facts(category="tablet", os_version="16.7.2")
    assert verdict(ipad) == (NOT_READY, ["iPadOS 16.7.2 is below the minimum 17.0"])
    assert verdict(Facts(category="tablet", os_version="17.4"))[0] == READY
    assert verdict(Facts(category="tablet"))[0] == WARNING
    # No figure for Windows: nothing to hold a laptop to.
    assert verdict(Facts(category="windows_laptop", os_version="10.0.19045"))[0] == READY


def test_every_reason_is_given_at_once():
    state, reasons = verdict(
        chromebook(
            status="in_repair",
            os_version="110.0",
            org_unit_path="/Staff",
            auto_update_through=datetime.date(2025, 6, 1),
        )
    )
    assert state == NOT_READY and len(reasons) == 4


@given(
    minimum=st.integers(100, 200),
    floor_gap=st.one_of(st.none(), st.integers(0, 40)),
    above=st.integers(0, 30),
    excluded=st.sets(st.integers(90, 240), max_size=5),
    lts=st.sets(st.integers(90, 240), max_size=3),
    minor=st.text("0123456789.", max_size=12),
    unit=st.sampled_from(["", "/Students/Testing"]),
    below_unit=st.sampled_from(["", "/NES", "/NES/Lab 2"]),
    synced_hours_ago=st.integers(0, 14 * 24 - 1),
    status=st.sampled_from(["deployed", "in_stock", "loaner_pool"]),
    months_left=st.integers(0, 120),
)
def test_a_device_meeting_every_requirement_is_always_ready(
    minimum,
    floor_gap,
    above,
    excluded,
    lts,
    minor,
    unit,
    below_unit,
    synced_hours_ago,
    status,
    months_left,
):
    major = minimum + above
    excluded = excluded - {major}
    first_of_month = NOW.date().replace(day=1)
    through = (first_of_month + datetime.timedelta(days=31 * months_left)).replace(day=1)
    platform = rules(
        chromeos_min=minimum,
        chromeos_runs_from=None if floor_gap is None else max(1, minimum - floor_gap),
        excluded=frozenset(excluded),
        lts=frozenset(lts),
        org_unit=unit,
    )
    facts = chromebook(
        os_version=f"{major}.{minor}".rstrip("."),
        org_unit_path=(unit or "/Students") + below_unit,
        last_sync=NOW - datetime.timedelta(hours=synced_hours_ago),
        status=status,
        auto_update_through=through,
    )
    found = assess(facts, platform, NOW)
    assert (found.state, found.reasons) == (READY, [])


def test_the_readiness_page_counts_each_school_and_says_why(
    frozen, fleet, testing_ou, make_window, coordinator, client_as, sites, users
):
    window = make_window()
    fleet()  # ready
    fleet(status="in_stock")  # ready, a spare
    fleet(os_version="131.0.6778.256")  # warning
    fleet(org_unit_path="/Students/Grade4")  # not ready
    fleet(model=fleet.models["old"])  # auto-update ended
    fleet(status="in_repair")
    fleet(status="retired")  # not part of the fleet any more
    fleet(site=sites[1])  # another school, not the coordinator's
    client = client_as(coordinator)
    page = client.get(f"/testday/windows/{window.pk}/readiness/")
    assert page.status_code == 200
    [school] = page.context["schools"]
    assert (school.total, school.ready, school.warning, school.not_ready, school.spares) == (
        6,
        2,
        1,
        3,
        1,
    )
    assert school.status == "red" and "Not ready" in page.text
    # One school: its devices that need work are listed with the reason.
    assert "In org unit /Students/Grade4, not /Students/Testing" in page.text
    assert "Auto-update expired Jun 2026" in page.text
    assert "NES-0001" not in page.text  # ready devices are left out by default
    ready = client.get(f"/testday/windows/{window.pk}/readiness/?state=ready")
    assert "NES-0001" in ready.text and "NES-0004" not in ready.text
    partial = client.get(
        f"/testday/windows/{window.pk}/readiness/?state=warning", headers={"HX-Request": "true"}
    )
    assert partial.text.lstrip().startswith('<div id="device-table">')
    assert "ChromeOS 131 is below the supported 146" in partial.text
    # The district admin sees the window at both schools only if it tests there.
    admin_page = client_as(users[roles.DISTRICT_ADMIN]).get(
        f"/testday/windows/{window.pk}/readiness/"
    )
    assert [s.site for s in admin_page.context["schools"]] == [sites[0]]


def test_the_exports_move_the_wrong_org_units_and_list_what_to_fix(
    frozen, fleet, testing_ou, make_window, coordinator, client_as
):
    window = make_window()
    fleet()
    wrong = fleet(org_unit_path="/Students/Grade4", serial_number="=1+2")
    fleet(os_version="110.0")
    client = client_as(coordinator)
    moves = client.get(f"/testday/windows/{window.pk}/org-unit-moves.csv")
    rows = list(csv.reader(io.StringIO(b"".join(moves.streaming_content).decode("utf-8-sig"))))
    assert rows == [["serialNumber", "orgUnitPath"], ["'=1+2", "/Students/Testing"]]
    listing = client.get(f"/testday/windows/{window.pk}/readiness.csv")
    rows = list(csv.reader(io.StringIO(b"".join(listing.streaming_content).decode("utf-8-sig"))))
    assert [row[1] for row in rows[1:]] == [wrong.asset_tag, "NES-0003"]
    assert rows[2][7] == "ChromeOS 110 is too old: Pearson TestNav needs 116"


def test_without_a_testing_org_unit_the_move_list_says_so(
    frozen, fleet, make_window, coordinator, client_as
):
    window = make_window()
    page = client_as(coordinator).get(
        f"/testday/windows/{window.pk}/org-unit-moves.csv", follow=True
    )
    assert "names no testing org unit" in page.text


def test_the_summary_costs_the_same_for_any_number_of_devices(
    frozen, fleet, make_window, coordinator
):
    window = make_window()
    for version in ("146.0.1", "131.0.2", "110.0.3"):
        fleet(os_version=version)
    now = timezone.now()
    selectors.readiness_summary(coordinator, window, now)
    with pinned_queries(2) as first:
        selectors.readiness_summary(coordinator, window, now)
    for n in range(30):
        fleet(os_version=f"131.0.{n}", org_unit_path=f"/Students/Testing/{n % 3}")
    with pinned_queries(len(first.captured_queries)):
        summary = selectors.readiness_summary(coordinator, window, now)
    assert summary[0].total == 33 and summary[0].warning == 31


def test_the_caching_server_is_checked_from_the_server(
    frozen, testnav, users, coordinator, client_as
):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        platform = services.platform_update(
            actor=coordinator, platform=testnav, cache_host="127.0.0.1", cache_port=port
        )
        reachable, message = services.cache_server_check(platform=platform, timeout=1)
        assert reachable and f"ProctorCache at 127.0.0.1:{port} answered in" in message
        page = client_as(users[roles.TECHNICIAN]).post(
            f"/testday/platforms/{testnav.pk}/check-cache/", follow=True
        )
        assert "answered in" in page.text
    # The listener is closed: nothing answers on that port any more.
    reachable, message = services.cache_server_check(platform=platform, timeout=1)
    assert not reachable and "cannot be reached" in message
    unset = services.platform_update(
        actor=coordinator, platform=platform, cache_host="", cache_port=None
    )
    assert services.cache_server_check(platform=unset)[1].startswith("No caching server")


def test_an_open_repair_order_makes_a_device_not_ready(
    frozen, fleet, make_window, coordinator, users
):
    from homeroom.repairs import services as repairs

    window = make_window()
    fixed, broken = fleet(), fleet()
    repairs.repair_open(actor=users[roles.TECHNICIAN], device=broken, problem="Cracked screen")
    # Its status says deployed (say, it was never changed): the open order alone counts.
    type(broken).objects.filter(pk=broken.pk).update(status="deployed")
    verdicts = {
        device["asset_tag"]: verdict
        for device, verdict in selectors.device_verdicts(coordinator, window, timezone.now())
    }
    assert verdicts[fixed.asset_tag].state == READY
    assert verdicts[broken.asset_tag].reasons == ["In repair"]
    [school] = selectors.readiness_summary(coordinator, window, timezone.now())
    assert (school.ready, school.not_ready, dict(school.reasons)) == (1, 1, {"In repair": 1})
