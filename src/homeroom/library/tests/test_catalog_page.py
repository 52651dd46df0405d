"""The students' catalog: a search by words and reading level that says where each book is."""

import re

import pytest

from homeroom.core import roles
from homeroom.core.testing import pinned_queries
from homeroom.library.choices import CopyStatus
from homeroom.library.models import Copy, Title
from homeroom.library.tests import catalog_data

catalog = catalog_data.catalog
URL = "/library/find/"


@pytest.fixture
def student(users, client_as):
    return client_as(users[roles.STUDENT])


def titles_on(page) -> list[str]:
    return re.findall(r'<h2 class="book-title"><a href="[^"]+">([^<]+)</a>', page)


def test_a_student_finds_books_by_lexile_range_and_sees_where_they_are(catalog, student):
    response = student.get(URL, {"lexile_min": "250", "lexile_max": "600"})
    assert response.status_code == 200
    page = response.content.decode()
    assert titles_on(page) == ["The Curious Fox", "The Sleepy Dragon"]
    assert "Lexile 520L" in page and "AR 3.1" in page
    assert "<strong>North Library</strong> · shelf <code>E OKA</code>" in page
    assert "✓ 1 of 1 on the shelf" in page
    assert "<strong>South Library</strong> · shelf <code>E DIA</code>" in page
    assert "None on the shelf now" in page  # the fox's only copy is missing


def test_words_rank_and_combine_with_the_reading_level(catalog, student):
    page = student.get(URL, {"q": "drag"}).content.decode()
    assert titles_on(page) == ["The Sleepy Dragon", "Under the Silver Moon"]
    page = student.get(URL, {"q": "drag", "ar_min": "4"}).content.decode()
    assert titles_on(page) == ["Under the Silver Moon"]


def test_on_the_shelf_now_and_one_library(catalog, student):
    # "the" is in three titles and a subtitle (Sharks: Hunters of the Deep).
    page = student.get(URL, {"q": "the", "available": "true"}).content.decode()
    assert titles_on(page) == ["The Sleepy Dragon", "Sharks"]
    page = student.get(URL, {"q": "the", "library": catalog.south.site_id}).content.decode()
    assert titles_on(page) == ["The Curious Fox", "Sharks"]
    page = student.get(URL, {"q": "the", "library": catalog.south.site_id, "available": "true"})
    assert titles_on(page.content.decode()) == ["Sharks"]


def test_reading_levels_show_only_where_the_record_has_them(catalog, student):
    page = student.get(URL, {"q": "sharks"}).content.decode()
    assert titles_on(page) == ["Sharks"]
    assert "Lexile" not in page.split('id="book-results"')[1]
    assert "AR " not in page.split('id="book-results"')[1]
    assert "shelf <code>597.3 BRO</code>" in page


def test_withdrawn_books_and_copies_are_not_shown(catalog, student):
    Copy.objects.filter(barcode="N-0001").update(status=CopyStatus.WITHDRAWN)
    Title.objects.filter(pk=catalog.moon.pk).update(status="withdrawn")
    page = student.get(URL, {"q": "drag"}).content.decode()
    assert titles_on(page) == ["The Sleepy Dragon"]
    assert "No copies in a library yet." in page
    assert student.get(f"{URL}{catalog.moon.pk}/").status_code == 404


def test_the_page_before_a_search_and_a_search_that_finds_nothing(catalog, student):
    page = student.get(URL).content.decode()
    assert "Type a few words" in page and titles_on(page) == []
    page = student.get(URL, {"q": "zebra"}).content.decode()
    assert "No books match" in page
    page = student.get(URL, {"q": '"*-:'}).content.decode()
    assert "No books match" in page


@pytest.mark.parametrize(
    "query",
    [
        {"lexile_min": "abc"},
        {"lexile_max": "99999"},
        {"ar_min": "-1", "q": "dragon"},
        {"library": "x"},
        {"available": "maybe"},
        {"page": "9999", "q": "the"},
        {"q": "a" * 2000},
        {"q": "N-0001\x00"},
        {"q": "drag\x00on"},
    ],
)
def test_a_hand_edited_query_gets_a_page_not_an_error(catalog, student, query):
    response = student.get(URL, query)
    assert response.status_code == 200


def test_an_unusable_filter_is_said_and_left_out(catalog, student):
    page = student.get(URL, {"lexile_min": "abc", "q": "dragon"}, follow=True).content.decode()
    assert "Ignored the filter “lexile_min”" in page
    assert titles_on(page) == ["The Sleepy Dragon", "Under the Silver Moon"]


def test_a_books_page_says_what_it_is_about_and_where_it_is(catalog, student):
    page = student.get(f"{URL}{catalog.dragon.pk}/").content.decode()
    assert "A dragon who cannot stay awake." in page
    assert "Lexile 520L" in page and "Grades K-3" in page
    assert "<strong>North Library</strong> · shelf <code>E OKA</code>" in page
    # Nothing about holds until circulation exists, and nothing a librarian keeps.
    assert "hold" not in page.lower() and "N-0001" not in page
    sharks = student.get(f"{URL}{catalog.sharks.pk}/").content.decode()
    assert "Lexile" not in sharks and "Grades" not in sharks


def test_the_results_pin_their_queries(catalog, student, sites):
    student.get(URL, {"q": "the"})  # warm the session and permission caches
    with pinned_queries(14):
        student.get(URL, {"q": "the"})
    for number in range(10):
        title = Title.objects.create(record={}, fingerprint=str(number), title=f"The Kite {number}")
        Copy.objects.create(barcode=f"K-{number}", title=title, library=catalog.north)
    with pinned_queries(14):
        page = student.get(URL, {"q": "the"}).content.decode()
    assert len(titles_on(page)) == 14


@pytest.mark.parametrize("role", roles.ROLES)
def test_every_role_may_search(catalog, users, client_as, role):
    page = client_as(users[role]).get(URL, {"q": "sleepy"})
    assert page.status_code == 200 and titles_on(page.content.decode()) == ["The Sleepy Dragon"]


def test_signed_out_people_are_sent_to_sign_in(catalog, client):
    assert client.get(URL).status_code == 302
