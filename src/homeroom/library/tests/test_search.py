"""Full-text search of the catalog on the database's own index (FTS5 on SQLite, a GIN index
on PostgreSQL): ranked, as-you-type, by ISBN and barcode, hostile text harmless, and the
catalog's filters combined with it."""

import pytest
from django.db import connection

from homeroom.core import roles
from homeroom.library import selectors
from homeroom.library.filters import TitleFilter
from homeroom.library.models import Copy, Title
from homeroom.library.search import keep_index_in_step, search
from homeroom.library.tests import catalog_data

catalog = catalog_data.catalog


@pytest.fixture
def librarian(users):
    return users[roles.LIBRARIAN]


def found(user, text, **filters) -> list[str]:
    titles = TitleFilter(q=text, **filters).filter(selectors.titles_for(user))
    return [title.title for title in search(titles, text)]


def test_the_index_is_the_databases_own(catalog):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'library_title_fts%%'")
            names = {row[0] for row in cursor.fetchall()}
            assert {"library_title_fts", "library_title_fts_insert"} <= names
            assert {"library_title_fts_update", "library_title_fts_delete"} <= names
        else:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'library_title_search'"
            )
            assert "gin (search_vector)" in cursor.fetchone()[0].lower()


def test_a_word_in_the_title_ranks_above_one_in_the_summary(catalog, librarian):
    assert found(librarian, "dragon") == ["The Sleepy Dragon", "Under the Silver Moon"]
    assert found(librarian, "DRAGON moon") == ["Under the Silver Moon"]


def test_the_last_word_is_the_start_of_a_word(catalog, librarian):
    assert found(librarian, "drag") == ["The Sleepy Dragon", "Under the Silver Moon"]
    assert found(librarian, "sleepy dr") == ["The Sleepy Dragon"]
    # Only the last word is a prefix: "sle" alone is not a word of any title.
    assert found(librarian, "sle dragon") == []


def test_authors_subjects_series_and_subtitles_are_searched(catalog, librarian):
    assert found(librarian, "okafor") == ["The Sleepy Dragon"]
    assert found(librarian, "juvenile literature") == ["Sharks"]
    assert found(librarian, "night skies") == ["Under the Silver Moon"]
    assert found(librarian, "hunters deep") == ["Sharks"]


@pytest.mark.parametrize(
    "isbn", ["0306406152", "0-306-40615-2", "978-0-306-40615-7", "9780306406157", " 0306406152 "]
)
def test_an_isbn_in_any_form_finds_its_title(catalog, librarian, isbn):
    assert found(librarian, isbn) == ["The Sleepy Dragon"]


def test_a_barcode_finds_its_copys_title(catalog, librarian):
    assert found(librarian, "S-0001") == ["Sharks"]
    assert found(librarian, "S-0003") == []


SLEEPY = ["The Sleepy Dragon"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"dragon', ["The Sleepy Dragon", "Under the Silver Moon"]),
        ("sleepy*", SLEEPY),
        ("-sleepy", SLEEPY),
        ("sleepy:", SLEEPY),
        ("title:sleepy", []),  # not a column filter: "title" is a word it lacks
        ("sleepy^", SLEEPY),
        ("sleepy'", SLEEPY),
        ("sleepy\\", SLEEPY),
        ("(sleepy", SLEEPY),
        ("{title}: sleepy", []),  # "title" is a word here, and not one of its words
        # Operators are words like any other: FTS5 would have found both titles.
        ("sleepy OR sharks", []),
        ("NEAR(sleepy dragon)", []),
        ("sleepy NOT", []),
    ],
)
def test_query_syntax_in_the_text_is_read_as_words(catalog, librarian, client_as, text, expected):
    assert found(librarian, text) == expected
    response = client_as(librarian).get("/library/titles/", {"q": text})
    assert response.status_code == 200


@pytest.mark.parametrize("text", ["*", "-", ":", '""', "?!", "  ", "'", "&|!", "_"])
def test_text_without_a_word_finds_nothing_and_fails_nowhere(catalog, librarian, client_as, text):
    assert found(librarian, text) == ([] if text.strip() else sorted(found(librarian, "")))
    assert client_as(librarian).get("/library/titles/", {"q": text}).status_code == 200
    assert client_as(librarian).get("/search/", {"q": text}).status_code == 200


def test_the_index_follows_every_change(catalog, librarian):
    Title.objects.filter(pk=catalog.fox.pk).update(title="The Curious Otter")
    assert found(librarian, "otter") == ["The Curious Otter"]
    assert found(librarian, "fox") == ["The Curious Otter"]  # its summary still says fox
    Title.objects.filter(pk=catalog.fox.pk).update(summary="An otter in the garden.")
    assert found(librarian, "fox") == []
    assert found(librarian, "garden") == ["The Curious Otter"]
    Copy.objects.filter(title=catalog.fox).delete()
    catalog.fox.keys.all().delete()
    Title.objects.filter(pk=catalog.fox.pk).delete()
    assert found(librarian, "otter") == []
    new = Title.objects.create(record={}, fingerprint="x", title="Otters Everywhere")
    assert found(librarian, "otter") == [new.title]


def test_the_filters_combine_with_the_words(catalog, librarian):
    assert found(librarian, "dragon", lexile_min=600) == ["Under the Silver Moon"]
    assert found(librarian, "dragon", available=True) == ["The Sleepy Dragon"]
    assert found(librarian, "dragon", ar_max="4") == ["The Sleepy Dragon"]
    assert found(librarian, "dragon", library=catalog.south.site_id) == []
    assert found(librarian, "the", year_from=2016) == ["The Curious Fox", "The Sleepy Dragon"]
    assert found(librarian, "sharks", dewey_from="500", dewey_to="599") == ["Sharks"]
    assert found(librarian, "0306406152", lexile_max=400) == []


def test_the_librarians_list_and_global_search_use_it(catalog, librarian, client_as):
    client = client_as(librarian)
    page = client.get("/library/titles/", {"q": "drag"}).content.decode()
    assert page.index("The Sleepy Dragon") < page.index("Under the Silver Moon")
    assert "Sharks" not in page
    results = client.get("/search/", {"q": "sleepy dra"}).content.decode()
    assert "The Sleepy Dragon" in results and "Under the Silver Moon" not in results


def test_students_do_not_find_withdrawn_titles(catalog, users):
    Title.objects.filter(pk=catalog.dragon.pk).update(status="withdrawn")
    assert found(users[roles.STUDENT], "dragon") == ["Under the Silver Moon"]


def test_a_rebuilt_title_table_gets_its_index_triggers_again(catalog, librarian):
    """SQLite rebuilds a table for most column changes, dropping its triggers with it."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS table only")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER library_title_fts_update")
        cursor.execute("DROP TRIGGER library_title_fts_insert")
    Title.objects.create(record="{}", fingerprint="y", title="Unseen Lanterns")
    assert found(librarian, "lanterns") == []
    keep_index_in_step(using=connection.alias)
    assert found(librarian, "lanterns") == ["Unseen Lanterns"]
    Title.objects.filter(title="Unseen Lanterns").update(title="Seen Lanterns")
    assert found(librarian, "seen") == ["Seen Lanterns"]
