"""A school library with a few books and readers, and a clock stopped on a school day: the
fixtures of the circulation tests."""

import datetime

import pytest
from django.utils import timezone

from homeroom.core import roles
from homeroom.core.models import ClosedDay
from homeroom.library.importer import library_for
from homeroom.library.models import Copy, Title
from homeroom.library.tests.circulation_data import MONDAY
from homeroom.people.models import Person


@pytest.fixture
def frozen(time_machine):
    moment = timezone.make_aware(datetime.datetime.combine(MONDAY, datetime.time(10, 15)))
    time_machine.move_to(moment, tick=False)
    return moment


@pytest.fixture
def librarian(users):
    return users[roles.LIBRARIAN]


@pytest.fixture
def library(sites):
    return library_for(sites[0])


@pytest.fixture
def other_library(sites):
    return library_for(sites[1])


@pytest.fixture
def titles(db):
    return [
        Title.objects.create(title=name, record="{}", fingerprint=f"f{n}")
        for n, name in enumerate(["Holes", "Wonder", "Hatchet", "Frindle", "Matilda"])
    ]


@pytest.fixture
def copies(titles, library):
    return [
        Copy.objects.create(
            barcode=f"T{n:05d}", title=title, library=library, replacement_cost="18.50"
        )
        for n, title in enumerate(titles, start=1)
    ]


@pytest.fixture
def readers(sites):
    def person(given, grade, kind="student", email=""):
        return Person.objects.create(
            given_name=given,
            family_name="Reader",
            kind=kind,
            grade=grade,
            primary_site=sites[0],
            identifier=f"S-{given}",
            email=email,
        )

    return {
        "maya": person("Maya", "04", email="maya@example.org"),
        "leo": person("Leo", "01"),
        "ana": person("Ana", "07"),
        "teacher": person("Grace", "", kind="teacher"),
    }


@pytest.fixture
def thanksgiving(sites):
    return ClosedDay.objects.create(
        starts_on=datetime.date(2026, 11, 25),
        ends_on=datetime.date(2026, 11, 27),
        reason="Thanksgiving break",
    )
