import pytest

from homeroom.core import roles
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.helpdesk import services
from homeroom.helpdesk.models import IssueType
from homeroom.people.models import Person


@pytest.fixture(autouse=True)
def data_folder(settings, tmp_path):
    """Photos go to a fresh folder per test."""
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def tech(users):
    return users[roles.TECHNICIAN]


@pytest.fixture
def teacher(users):
    return users[roles.TEACHER]


@pytest.fixture
def chromebook(sites):
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Acer"),
        name="Chromebook 311",
        category="chromebook",
    )
    return Device.objects.create(
        asset_tag="NES-0001", serial_number="SN0001", model=model, site=sites[0]
    )


@pytest.fixture
def student_person(sites):
    return Person.objects.create(
        kind="student", given_name="Maya", family_name="Ortiz", primary_site=sites[0]
    )


@pytest.fixture
def cracked_screen(db):
    return IssueType.objects.get(parent__name="Chromebook", name="Cracked screen")


@pytest.fixture
def screen_article(cracked_screen, users):
    return services.article_save(
        actor=users[roles.DISTRICT_ADMIN],
        title="A cracked Chromebook screen",
        body="1. Stop using it.\n2. Bring it to the library.\n<script>alert('x')</script>",
        audience="student",
        issue_types=[cracked_screen],
    )


@pytest.fixture
def wont_power_on(db):
    return IssueType.objects.get(parent__name="Chromebook", name="Won't power on")


@pytest.fixture
def power_article(wont_power_on, users):
    return services.article_save(
        actor=users[roles.DISTRICT_ADMIN],
        title="My Chromebook won't turn on",
        body="1. Plug in the charger and wait **15 minutes**.\n2. Hold the power button.",
        audience="student",
        issue_types=[wont_power_on],
    )


@pytest.fixture
def file_ticket(sites, teacher):
    """File a ticket as the walk's teacher (or `actor`) at sites[0]."""

    def make(actor=None, **fields):
        fields.setdefault("subject", "Projector shows no image")
        fields.setdefault("site", sites[0])
        return services.ticket_create(actor=actor or teacher, **fields)

    return make
