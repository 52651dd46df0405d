"""The circulation tests' school day and helpers (their fixtures are in conftest.py)."""

import datetime

from homeroom.library.importer import library_for

# Monday 2 November 2026, mid-morning: a school day with Thanksgiving ahead.
MONDAY = datetime.date(2026, 11, 2)


def library_for_site(user):
    """The library of the first school the user works at."""
    return library_for(user.sites.order_by("pk").first())
