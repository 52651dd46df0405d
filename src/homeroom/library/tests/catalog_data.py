"""A small catalog for the search, students' catalog and API tests: two libraries and a few
titles catalogued through the service, with and without reading levels."""

from dataclasses import dataclass

import pytest

from homeroom.core import roles
from homeroom.library import services
from homeroom.library.choices import CopyStatus
from homeroom.library.models import Copy, Library, Title


@dataclass
class Catalog:
    north: Library
    south: Library
    dragon: Title  # elementary, Lexile 520, AR 3.1, a copy on the shelf at North
    moon: Title  # "dragon" only in its summary; Lexile 880, AR 5.4, checked out at North
    sharks: Title  # nonfiction, Dewey 597.3, no reading levels, on the shelf at South
    fox: Title  # Lexile 300, AR 2.0, only copy missing at South


def _title(actor, **data) -> Title:
    return services.title_create(actor=actor, data=data)


@pytest.fixture
def catalog(sites, users) -> Catalog:
    admin = users[roles.DISTRICT_ADMIN]
    north = Library.objects.create(site=sites[0], name="North Library", barcode_prefix="N")
    south = Library.objects.create(site=sites[1], name="South Library", barcode_prefix="S")
    dragon = _title(
        admin,
        title="The Sleepy Dragon",
        author="Okafor, Imani",
        isbns=["0-306-40615-2"],
        year=2019,
        summary="A dragon who cannot stay awake.",
        lexile=520,
        ar_level="3.1",
        ar_points="1.0",
        interest_grade="K-3",
        call_number="E OKA",
    )
    moon = _title(
        admin,
        title="Under the Silver Moon",
        author="Nguyen, Priya",
        year=2015,
        series="Night Skies",
        summary="Stargazers meet an old dragon in the hills.",
        lexile=880,
        ar_level="5.4",
        call_number="FIC NGU",
    )
    sharks = _title(
        admin,
        title="Sharks",
        subtitle="Hunters of the Deep",
        author="Brooks, Emma",
        isbns=["9781770000018"],
        year=2008,
        dewey="597.3",
        summary="A look at sharks for young readers.",
        call_number="597.3 BRO",
    )
    Title.objects.filter(pk=sharks.pk).update(subjects="Sharks -- Juvenile literature")
    fox = _title(
        admin,
        title="The Curious Fox",
        author="Diallo, Farid",
        year=2021,
        summary="A fox in the garden.",
        lexile=300,
        ar_level="2.0",
        call_number="E DIA",
    )
    Copy.objects.create(barcode="N-0001", title=dragon, library=north, call_number="E OKA")
    Copy.objects.create(
        barcode="N-0002",
        title=moon,
        library=north,
        call_number="FIC NGU",
        status=CopyStatus.CHECKED_OUT,
    )
    Copy.objects.create(barcode="S-0001", title=sharks, library=south, call_number="597.3 BRO")
    Copy.objects.create(
        barcode="S-0002", title=fox, library=south, call_number="E DIA", status=CopyStatus.MISSING
    )
    return Catalog(north, south, Title.objects.get(pk=dragon.pk), moon, sharks, fox)
