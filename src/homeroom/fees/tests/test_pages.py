import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.fees import services
from homeroom.fees.choices import ChargeStatus
from homeroom.fees.models import Charge, FeePolicy, FeeReason, Payment, Waiver
from homeroom.people.models import Person


@pytest.fixture
def tech(users, client_as):
    return client_as(users[roles.TECHNICIAN])


@pytest.fixture
def admin(users, client_as):
    return client_as(users[roles.DISTRICT_ADMIN])


@pytest.fixture
def charges(users, reasons, students):
    tech = users[roles.TECHNICIAN]
    screen = services.charge_create(
        actor=tech, person=students[0], reason=reasons["Cracked screen"], note="Dropped"
    )
    book = services.charge_create(actor=tech, person=students[1], reason=reasons["Damaged book"])
    charger = services.charge_create(actor=tech, person=students[0], reason=reasons["Lost charger"])
    services.payment_record(
        actor=tech, person=students[0], amount="20", method="cash", charges=[screen]
    )
    services.charge_waive(actor=tech, charge=book, reason="Water damage before checkout")
    return {"screen": screen, "book": book, "charger": charger}


def listed(response) -> list[int]:
    return [charge.pk for charge in response.context["page"].object_list]


def test_the_list_filters_totals_and_exports(tech, charges, students, reasons):
    page = tech.get("/fees/")
    assert page.status_code == 200
    assert page.context["totals"] == {
        "count": 3,
        "amount": Decimal("82.50"),
        "paid": Decimal("20.00"),
        "waived": Decimal("12.50"),
        "balance": Decimal("50.00"),
    }
    assert "$50.00" in page.content.decode()
    assert listed(tech.get("/fees/", {"status": "waived"})) == [charges["book"].pk]
    assert listed(tech.get("/fees/", {"unpaid": "true", "sort": "balance"})) == [
        charges["screen"].pk,
        charges["charger"].pk,
    ]
    assert listed(tech.get("/fees/", {"reason": reasons["Lost charger"].pk})) == [
        charges["charger"].pk
    ]
    assert len(listed(tech.get("/fees/", {"q": "student1 test"}))) == 2
    assert listed(tech.get("/fees/", {"q": "400002"})) == [charges["book"].pk]
    assert "Ignored the filter “status”" in tech.get("/fees/", {"status": "x"}).content.decode()
    csv_text = b"".join(
        tech.get("/fees/", {"status": "partly_paid", "export": "csv"}).streaming_content
    ).decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert len(lines) == 2
    assert (
        ",Student1 Test,400001,North Elementary,Cracked screen,45.00,20.00,0.00,25.00,"
        "Partly paid," in lines[1]
    )


@pytest.mark.parametrize("extra", [0, 40])
def test_the_list_runs_a_fixed_number_of_queries(tech, charges, students, reasons, sites, extra):
    Charge.objects.bulk_create(
        Charge(
            person=students[n % 3],
            site=sites[0],
            reason=reasons["Lost charger"],
            amount=Decimal("25.00"),
            balance=Decimal("25.00"),
        )
        for n in range(extra)
    )
    tech.get("/fees/")  # session and permission caches
    # Session, user, permissions, role, sites and the site switcher; then the page: count,
    # totals, the reasons for the filter, the sites for the filter, one page of charges.
    with pinned_queries(12):
        response = tech.get("/fees/")
    assert response.status_code == 200


def test_charge_page_shows_payments_waivers_and_history(tech, charges):
    page = tech.get(f"/fees/{charges['screen'].pk}/").content.decode()
    assert "Cracked screen" in page and "Partly paid" in page and "Dropped" in page
    assert "$25.00" in page and "Cash" in page and "Record a payment" in page
    assert "Charged Student1 Test $45.00 for Cracked screen" in page  # the timeline
    page = tech.get(f"/fees/{charges['book'].pk}/").content.decode()
    assert "Water damage before checkout" in page and "Record a payment" not in page


def test_adding_a_charge_from_the_person_page(tech, students, reasons):
    person_page = tech.get(f"/people/{students[2].pk}/").content.decode()
    assert f"/fees/new/?person={students[2].pk}" in person_page and "Owes $0.00" in person_page
    form = tech.get("/fees/new/", {"person": students[2].pk}).content.decode()
    assert "Charge Student3 Test" in form and "Cracked screen: $45.00" in form
    bad = tech.post(
        f"/fees/new/?person={students[2].pk}",
        {"person": students[2].pk, "reason": reasons["Cracked screen"].pk, "amount": "-4"},
    )
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    done = tech.post(
        f"/fees/new/?person={students[2].pk}",
        {"person": students[2].pk, "reason": reasons["Cracked screen"].pk, "note": "Hinge"},
    )
    charge = Charge.objects.get(person=students[2])
    assert done["Location"] == f"/fees/{charge.pk}/" and charge.amount == Decimal("45.00")
    person_page = tech.get(f"/people/{students[2].pk}/").content.decode()
    assert "Owes $45.00" in person_page
    assert f"/fees/people/{students[2].pk}/statement.pdf" in person_page
    found = tech.get("/fees/new/", {"q": "Student3"}).content.decode()
    assert f"?person={students[2].pk}" in found


def test_recording_a_payment_and_refusing_an_overpayment(tech, charges, students):
    url = f"/fees/payments/new/?person={students[0].pk}"
    both = [charges["screen"].pk, charges["charger"].pk]
    form = tech.get(url).content.decode()
    assert "Payment from Student1 Test" in form and "Owes $50.00" in form
    over = tech.post(url, {"charges": both, "amount": "60", "method": "cash"})
    assert "$60.00 is more than the $50.00 owed" in over.content.decode()
    assert Payment.objects.count() == 1
    done = tech.post(
        url, {"charges": both, "amount": "50.00", "method": "online", "receipt_number": "PAY-9"}
    )
    assert done.status_code == 302
    assert set(Charge.objects.filter(person=students[0]).values_list("status", flat=True)) == {
        ChargeStatus.PAID
    }


def test_waiving_needs_a_reason(tech, charges):
    url = f"/fees/{charges['charger'].pk}/waive/"
    page = tech.post(url, {"amount": "5", "reason": ""}).content.decode()
    assert "There is a problem" in page and not Waiver.objects.filter(amount=5).exists()
    assert tech.post(url, {"amount": "5", "reason": "Returned half"}).status_code == 302
    assert Charge.objects.get(pk=charges["charger"].pk).balance == Decimal("20.00")
    over = tech.post(url, {"amount": "21", "reason": "Too much"}).content.decode()
    assert "Only $20.00 is owed" in over


def test_the_statement_pdf_lists_charges_payments_and_the_balance(tech, charges, students):
    response = tech.get(f"/fees/people/{students[0].pk}/statement.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Fee statement" in text and "Student1 Test" in text and "North Elementary" in text
    assert "Cracked screen" in text and "Lost charger" in text and "Dropped" in text
    assert "Payment (cash)" in text and "-$20.00" in text
    assert "Balance due $50.00" in text
    assert "Damaged book" not in text  # another student's


def test_a_student_sees_only_their_own_fees(users, client_as, charges, students):
    student = users[roles.STUDENT]
    students[0].user = student
    students[0].save()
    client = client_as(student)
    assert client.get("/fees/").status_code == 403
    assert client.get(f"/fees/{charges['screen'].pk}/").status_code == 403
    page = client.get("/fees/mine/").content.decode()
    assert "Cracked screen" in page and "Lost charger" in page and "$50.00" in page
    assert "Damaged book" not in page and 'href="/fees/mine/"' in page  # in the nav
    pdf = client.get("/fees/mine/statement.pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "Balance due $50.00" in text


def test_roles_see_fees_at_their_sites_only(users, client_as, reasons, far_student, charges):
    far = services.charge_create(actor=None, person=far_student, reason=reasons["Lost device"])
    for role in (roles.TECHNICIAN, roles.LIBRARIAN):
        client = client_as(users[role])
        assert client.get(f"/fees/{far.pk}/").status_code == 404
        assert far.pk not in listed(client.get("/fees/"))
        assert client.get(f"/fees/people/{far_student.pk}/statement.pdf").status_code == 404
    assert far.pk in listed(client_as(users[roles.DISTRICT_ADMIN]).get("/fees/"))
    for role in (roles.TEACHER, roles.TEST_COORDINATOR):
        assert client_as(users[role]).get("/fees/").status_code == 403


def test_a_fee_role_without_student_access_sees_staff_fees_only(make_user, sites, reasons, charges):
    from django.contrib.auth.models import Group, Permission

    office = Group.objects.create(name="Office")
    office.permissions.set(Permission.objects.filter(codename="view_charge"))
    user = make_user("office", roles.TEACHER, sites=[sites[0]])
    user.groups.add(office)
    staff = Person.objects.create(
        kind="staff", given_name="Sam", family_name="Staff", primary_site=sites[0]
    )
    staff_charge = services.charge_create(actor=None, person=staff, reason=reasons["Lost charger"])
    from homeroom.fees.selectors import charges_for

    assert list(charges_for(user)) == [staff_charge]


def test_today_card_for_technicians(tech, charges, users, client_as):
    page = tech.get("/").content.decode()
    assert "fees-card-heading" in page and "$50.00" in page
    assert "fees-card-heading" not in client_as(users[roles.TEACHER]).get("/").content.decode()


def test_district_admins_keep_the_schedule_and_the_policy(admin, tech, reasons):
    assert tech.get("/fees/schedule/").status_code == 200
    assert tech.get("/fees/policy/").status_code == 403
    assert tech.get("/fees/schedule/new/").status_code == 403
    done = admin.post(
        "/fees/schedule/new/",
        {
            "name": "Lost stylus",
            "category": "accessory",
            "default_amount": "8.00",
            "is_active": "on",
        },
    )
    assert done.status_code == 302 and FeeReason.objects.get(name="Lost stylus")
    admin.post(
        f"/fees/schedule/{reasons['Lost charger'].pk}/",
        {"name": "Lost charger", "category": "accessory", "default_amount": "30.00"},
    )
    changed = FeeReason.objects.get(pk=reasons["Lost charger"].pk)
    assert changed.default_amount == Decimal("30.00") and not changed.is_active
    saved = admin.post("/fees/policy/", {"block_check_out": "on", "block_above": "40"})
    assert saved.status_code == 302
    policy = FeePolicy.objects.get()
    assert policy.block_check_out and policy.block_above == Decimal("40.00")
    page = admin.get("/fees/schedule/").content.decode()
    assert "Unpaid fees over $40.00 block a device check-out" in page


def test_a_charge_links_to_what_it_was_for_and_the_person_page_warns(
    tech, users, reasons, students, sites, policy_on
):
    from homeroom.devices.models import Device, DeviceModel, Manufacturer

    device = Device.objects.create(
        asset_tag="NES-0042",
        serial_number="SN42",
        site=sites[0],
        model=DeviceModel.objects.create(
            manufacturer=Manufacturer.objects.create(name="Acer"), name="C1", category="chromebook"
        ),
    )
    charge = services.charge_create(
        actor=users[roles.TECHNICIAN],
        person=students[2],
        reason=reasons["Cracked screen"],
        source=device,
    )
    page = tech.get(f"/fees/{charge.pk}/").content.decode()
    assert f'<a href="/devices/{device.pk}/">NES-0042</a>' in page
    person_page = tech.get(f"/people/{students[2].pk}/").content.decode()
    assert "Over the $25.00 check-out limit" in person_page
