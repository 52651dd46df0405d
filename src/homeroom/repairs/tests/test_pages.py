import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.devices.choices import DeviceStatus
from homeroom.devices.models import Device
from homeroom.repairs import services
from homeroom.repairs.models import Part, RepairOrder, StockMovement, Vendor
from homeroom.repairs.tests.conftest import make_device


@pytest.fixture
def tech_client(tech, client_as):
    return client_as(tech)


@pytest.fixture
def admin_client(users, client_as):
    return client_as(users[roles.DISTRICT_ADMIN])


def listed(response) -> list[str]:
    return [repair.device.asset_tag for repair in response.context["page"].object_list]


def test_open_a_repair_by_scanning_and_from_the_device_page(tech_client, checked_out, devices):
    page = tech_client.get(f"/repairs/new/?device={devices[1].pk}")
    assert page.context["form"].initial["scan"] == "NES-0002"
    response = tech_client.post(
        "/repairs/new/", {"scan": "sn-nes-0001", "problem": "Cracked screen", "kind": "in_house"}
    )
    repair = RepairOrder.objects.get()
    assert response.status_code == 302 and response["Location"] == repair.get_absolute_url()
    assert Device.objects.get(pk=checked_out.pk).status == DeviceStatus.IN_REPAIR
    again = tech_client.post(
        "/repairs/new/", {"scan": "NES-0001", "problem": "Again", "kind": "in_house"}
    )
    assert f"already has an open repair, {repair.number}" in again.content.decode()
    unknown = tech_client.post(
        "/repairs/new/", {"scan": "NOPE", "problem": "x", "kind": "in_house"}
    )
    assert "No device has the tag or serial “NOPE”" in unknown.content.decode()
    assert RepairOrder.objects.count() == 1


def test_the_repair_page_walks_a_depot_repair_through(
    school_monday, tech_client, checked_out, loaners, screen, vendor
):
    repair = services.repair_open(
        actor=None, device=checked_out, problem="Board", kind="vendor_depot", vendor=vendor
    )
    url = repair.get_absolute_url()
    page = tech_client.get(url).content.decode()
    assert "Removed from management (Chromebook deprovisioned)" in page
    assert "Give a loaner to Student1 Test" in page and "Mark shipped to Acer depot" in page

    tech_client.post(f"{url}parts/", {"scan": "scr-311", "quantity": "1"})
    tech_client.post(f"{url}parts/", {"part": screen.pk, "quantity": "5"})
    assert Part.objects.get(pk=screen.pk).quantity_on_hand == 2
    refused = tech_client.post(f"{url}parts/", {"part": screen.pk, "quantity": "5"}, follow=True)
    assert "Only 2 x 311 screen left at North Elementary" in refused.content.decode()

    blocked = tech_client.post(f"{url}status/", {"status": "shipped"}, follow=True)
    assert "Before shipping NES-0001: Removed from management" in blocked.content.decode()
    tech_client.post(f"{url}checklist/", {"step": "deprovisioned", "done": "on"})
    tech_client.post(f"{url}status/", {"status": "shipped"})
    assert RepairOrder.objects.get(pk=repair.pk).status == "shipped"

    given = tech_client.post(f"{url}loaner/", {"scan": ""}, follow=True).content.decode()
    assert "✓ Loaner LOAN-1 checked out to Student1 Test" in given

    tech_client.post(
        f"{url}details/",
        {
            "kind": "vendor_depot",
            "coverage": "paid",
            "vendor": vendor.pk,
            "rma_number": "RMA-77",
            "labor_minutes": "60",
            "labor_rate": "40.00",
            "vendor_cost": "80.00",
        },
    )
    repair.refresh_from_db()
    assert repair.rma_number == "RMA-77" and repair.total_cost == Decimal("162.50")

    tech_client.post(f"{url}status/", {"status": "returned"})
    done = tech_client.post(
        f"{url}status/", {"status": "completed", "outcome": "repaired"}, follow=True
    ).content.decode()
    assert "is now completed. The loaner is due back Mon 10 Mar." in done
    assert "Loaner due back" in done
    assert Device.objects.get(pk=checked_out.pk).status == DeviceStatus.DEPLOYED


def test_the_list_filters_exports_and_pins_its_queries(
    admin_client, devices, sites, vendor, chromebook_model, tech, users
):
    admin = users[roles.DISTRICT_ADMIN]
    services.repair_open(actor=tech, device=devices[0], problem="Screen")
    services.repair_open(
        actor=tech, device=devices[1], problem="Board", kind="vendor_depot", vendor=vendor
    )
    done = services.repair_open(actor=tech, device=devices[2], problem="Keys")
    services.repair_complete(actor=tech, repair=done, outcome="repaired")
    south = make_device(sites[1], chromebook_model, "SHS-0001")
    services.repair_open(actor=admin, device=south, problem="Hinge")
    for n in range(3, 5):
        services.repair_open(actor=tech, device=devices[n], problem="More")
    assert len(listed(admin_client.get("/repairs/"))) == 6
    assert listed(admin_client.get("/repairs/", {"site": sites[1].pk})) == ["SHS-0001"]
    assert listed(admin_client.get("/repairs/", {"kind": "vendor_depot"})) == ["NES-0002"]
    assert listed(admin_client.get("/repairs/", {"vendor": vendor.pk})) == ["NES-0002"]
    assert listed(admin_client.get("/repairs/", {"status": "completed"})) == ["NES-0003"]
    assert "NES-0003" not in listed(admin_client.get("/repairs/", {"open": "true"}))
    assert len(listed(admin_client.get("/repairs/", {"model": chromebook_model.pk}))) == 6
    assert listed(admin_client.get("/repairs/", {"q": done.number})) == ["NES-0003"]
    bad = admin_client.get("/repairs/", {"status": "smashed"})
    assert "Ignored the filter “status”" in bad.content.decode()

    with pinned_queries(11):
        admin_client.get("/repairs/")
    for n in range(5):
        extra = make_device(sites[0], chromebook_model, f"NES-X{n}")
        services.repair_open(actor=tech, device=extra, problem="More")
    with pinned_queries(11):
        admin_client.get("/repairs/")

    export = admin_client.get("/repairs/", {"export": "csv", "site": sites[1].pk})
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("repair,asset tag,model,site,status")
    assert len(lines) == 2 and "SHS-0001" in lines[1]
    workbook = load_workbook(io.BytesIO(admin_client.get("/repairs/?export=xlsx").content))
    assert workbook.active.max_row == 12


def test_a_technician_sees_only_repairs_at_their_sites(
    tech_client, devices, sites, chromebook_model, users, client_as
):
    admin = users[roles.DISTRICT_ADMIN]
    south = services.repair_open(
        actor=admin, device=make_device(sites[1], chromebook_model, "SHS-9"), problem="x"
    )
    assert listed(tech_client.get("/repairs/")) == []
    assert tech_client.get(south.get_absolute_url()).status_code == 404
    cancel = tech_client.post(f"{south.get_absolute_url()}status/", {"status": "cancelled"})
    assert cancel.status_code == 404
    teacher = client_as(users[roles.TEACHER])
    for url in ("/repairs/", "/parts/", "/vendors/", "/repairs/loaners/", "/repairs/new/"):
        assert teacher.get(url).status_code == 403


def test_parts_stock_page_highlights_low_stock_and_takes_deliveries(
    tech_client, screen, sites, chromebook_model
):
    page = tech_client.get("/parts/")
    assert "311 screen" in page.content.decode() and "· low" not in page.content.decode()
    url = screen.get_absolute_url()
    tech_client.post(f"{url}adjust/", {"quantity_on_hand": "1", "reason": "Shelf count"})
    assert "1 · low" in tech_client.get("/parts/").content.decode()
    assert [p.name for p in tech_client.get("/parts/?low=true").context["page"]] == ["311 screen"]
    no_reason = tech_client.post(f"{url}adjust/", {"quantity_on_hand": "5"}, follow=True)
    assert "Give the count on the shelf" in no_reason.content.decode()
    tech_client.post(f"{url}receive/", {"quantity": "10", "unit_cost": "39.00", "note": "PO 7"})
    screen.refresh_from_db()
    assert (screen.quantity_on_hand, screen.unit_cost) == (11, Decimal("39.00"))
    detail = tech_client.get(url).content.decode()
    assert "Received" in detail and "PO 7" in detail and "Shelf count" in detail
    assert StockMovement.objects.filter(part=screen).count() == 3

    created = tech_client.post(
        "/parts/new/",
        {
            "site": sites[0].pk,
            "name": "45W USB-C charger",
            "kind": "charger",
            "unit_cost": "19.99",
            "reorder_point": "5",
            "compatible_models": [chromebook_model.pk],
        },
    )
    part = Part.objects.get(name="45W USB-C charger")
    assert created["Location"] == part.get_absolute_url() and part.quantity_on_hand == 0
    with pinned_queries(10):
        tech_client.get("/parts/")
    for n in range(3):
        Part.objects.create(site=sites[0], name=f"Key {n}", kind="keyboard", unit_cost=5)
    with pinned_queries(10):
        tech_client.get("/parts/")


def test_vendors_are_added_and_edited(tech_client, vendor):
    tech_client.post(
        "/vendors/new/",
        {"name": "Lenovo depot", "depot_address": "2 Depot Rd", "is_active": "on"},
    )
    added = Vendor.objects.get(name="Lenovo depot")
    tech_client.post(
        added.get_absolute_url(),
        {"name": "Lenovo depot", "phone": "555-0100", "is_active": "on"},
    )
    assert Vendor.objects.get(pk=added.pk).phone == "555-0100"
    page = tech_client.get("/vendors/").content.decode()
    assert "Lenovo depot" in page and "Acer depot" in page


def test_overdue_loaners_are_listed_first(tech_client, loaners, students, tech):
    first = services.loaner_issue(actor=tech, person=students[0])
    services.loaner_issue(actor=tech, person=students[1])
    from django.utils import timezone

    from homeroom.devices.models import Assignment

    Assignment.objects.filter(pk=first.assignment_id).update(
        due_at=timezone.now() - datetime.timedelta(days=3)
    )
    page = tech_client.get("/repairs/loaners/")
    assert [loan.device.asset_tag for loan in page.context["page"]] == ["LOAN-1", "LOAN-2"]
    assert "3\xa0days overdue" in page.content.decode()


def test_today_shows_open_repairs_and_parts_to_reorder(tech_client, devices, screen, tech):
    services.repair_open(actor=tech, device=devices[0], problem="Screen")
    services.part_adjust(actor=tech, part=screen, quantity_on_hand=0, reason="All broken")
    page = tech_client.get("/").content.decode()
    assert "1 open repair" in page and "Parts below reorder point" in page and "0 left" in page


def test_the_global_search_finds_a_repair_by_number_or_rma(tech_client, devices, tech):
    repair = services.repair_open(actor=tech, device=devices[0], problem="Screen")
    services.repair_update(actor=tech, repair=repair, rma_number="RMA-4242")
    for query in (repair.number, repair.number.lower(), "RMA-4242"):
        page = tech_client.get("/search/", {"q": query}).content.decode()
        assert f"{repair.number} · NES-0001" in page, query


def test_a_parts_details_are_edited_but_not_its_stock(tech_client, screen, laptop_model):
    tech_client.post(
        screen.get_absolute_url(),
        {
            "name": "311 screen (touch)",
            "kind": "screen",
            "unit_cost": "48.00",
            "reorder_point": "4",
            "compatible_models": [laptop_model.pk],
            "is_active": "on",
            "quantity_on_hand": "99",
        },
    )
    screen.refresh_from_db()
    assert (screen.name, screen.unit_cost, screen.reorder_point) == (
        "311 screen (touch)",
        Decimal("48.00"),
        4,
    )
    assert screen.quantity_on_hand == 3
    assert list(screen.compatible_models.all()) == [laptop_model]
    bad = tech_client.post(screen.get_absolute_url(), {"name": "", "kind": "screen"})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
