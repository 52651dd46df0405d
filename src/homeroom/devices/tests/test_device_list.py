import datetime
import io

import pytest
from openpyxl import load_workbook

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.devices import services
from homeroom.devices.models import Device, DeviceModel


@pytest.fixture
def admin(users, client_as):
    return client_as(users[roles.DISTRICT_ADMIN])


def listed(response) -> list[str]:
    return [device.asset_tag for device in response.context["page"].object_list]


def test_filters_narrow_the_list(admin, devices, students, users, chromebook_model, sites):
    services.device_check_out(actor=users[roles.TECHNICIAN], device=devices[0], person=students[0])
    DeviceModel.objects.filter(pk=chromebook_model.pk).update(
        auto_update_through=datetime.date(2027, 6, 1)
    )
    Device.objects.filter(pk=devices[4].pk).update(site=sites[1], org_unit_path="/Students/HS")
    assert listed(admin.get("/devices/", {"assigned": "true"})) == ["NES-0001"]
    assert "NES-0001" not in listed(admin.get("/devices/", {"assigned": "false"}))
    assert listed(admin.get("/devices/", {"status": "deployed"})) == ["NES-0001"]
    assert listed(admin.get("/devices/", {"site": sites[1].pk})) == ["NES-0005"]
    assert listed(admin.get("/devices/", {"org_unit": "/Students"})) == ["NES-0005"]
    assert len(listed(admin.get("/devices/", {"auto_update_year": 2027}))) == 5
    assert listed(admin.get("/devices/", {"auto_update_year": 2028})) == []
    assert listed(admin.get("/devices/", {"q": "sn000003"})) == ["NES-0003"]
    other_model = DeviceModel.objects.create(
        manufacturer=chromebook_model.manufacturer, name="Chromebook 511", category="chromebook"
    )
    Device.objects.filter(pk=devices[1].pk).update(model=other_model)
    by_model = admin.get("/devices/", {"model": other_model.pk})
    assert listed(by_model) == ["NES-0002"]
    assert f'<option value="{other_model.pk}" selected>Acer Chromebook 511' in (
        by_model.content.decode()
    )
    page = admin.get("/devices/", {"status": "broken-ish"})
    assert "Ignored the filter “status”" in page.content.decode()


def test_exports_follow_the_filters(admin, devices, students, users):
    services.device_check_out(actor=users[roles.TECHNICIAN], device=devices[1], person=students[0])
    csv_text = b"".join(
        admin.get("/devices/", {"assigned": "true", "export": "csv"}).streaming_content
    ).decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert len(lines) == 2 and lines[1].startswith("NES-0002,SN000002,Acer Chromebook 311")
    workbook = load_workbook(io.BytesIO(admin.get("/devices/", {"export": "xlsx"}).content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "asset tag" and len(rows) == 6


@pytest.mark.parametrize("extra", [0, 60])
def test_the_list_runs_a_fixed_number_of_queries(
    admin, devices, chromebook_model, sites, extra, students, users
):
    Device.objects.bulk_create(
        Device(
            asset_tag=f"X{n:04d}", serial_number=f"XS{n}", model=chromebook_model, site=sites[n % 2]
        )
        for n in range(extra)
    )
    services.device_check_out(actor=users[roles.TECHNICIAN], device=devices[0], person=students[0])
    admin.get("/")
    with pinned_queries(12):
        assert admin.get("/devices/").status_code == 200


def test_print_thirty_labels_from_the_list(admin, chromebook_model, sites):
    from pypdf import PdfReader

    Device.objects.bulk_create(
        Device(
            asset_tag=f"LBL-{n:03d}", serial_number=f"LS{n}", model=chromebook_model, site=sites[0]
        )
        for n in range(30)
    )
    response = admin.get("/devices/labels/", {"q": "LBL", "sheet": "avery-5160"})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1
    assert all(f"LBL-{n:03d}" in text for n in range(30))
    ticked = admin.get(
        "/devices/labels/",
        {"device": [Device.objects.get(asset_tag="LBL-007").pk], "sheet": "avery-5160"},
    )
    assert "LBL-007" in PdfReader(io.BytesIO(ticked.content)).pages[0].extract_text()
    refused = admin.get("/devices/labels/", {"sheet": "nope"}, follow=True)
    assert refused.redirect_chain and "avery" in refused.content.decode().lower()
