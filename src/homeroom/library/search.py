"""Finding titles by words, ISBN or barcode, fast at half a million titles.

Words are looked up in a full-text index over the title, subtitle, authors, subjects,
series and summary: on SQLite an FTS5 table (`library_title_fts`, external content on
`library_title`, kept in step by triggers), on PostgreSQL a stored `tsvector` column
(`library_title.search_vector`) with a GIN index; migration 0003 makes whichever the
database needs. Every word must be found, the last one as the start of a word (so a search
box can search as it is typed), and the best matches come first: a word in the title counts
most, then the authors, subjects and series, then the summary.

An ISBN, in any form, finds the titles that carry it; a text that is a copy's barcode finds
that copy's title. What people type is never passed to the database's query language: only
its words are, each quoted, so quotes, operators, `*`, `-` and `:` do no harm, and text
without a word finds nothing rather than failing."""

import re
from contextlib import contextmanager

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from homeroom.library.marc import normalise_isbn

MOST_WORDS = 8
LONGEST_WORD = 60
WORD = re.compile(r"\w+", re.UNICODE)

# A word in the title weighs most; PostgreSQL's weights are A-D, SQLite's bm25 takes one
# per column of the FTS table (title, subtitle, authors, subjects, series, summary).
FTS_WEIGHTS = (10.0, 6.0, 5.0, 3.0, 3.0, 1.0)
FTS_TABLE = "library_title_fts"
FTS_COLUMNS = ("title", "subtitle", "authors", "subjects", "series", "summary")


def words(text: str) -> list[str]:
    """The words of a search box's text, lower-cased: what the index is searched for."""
    found = [word.lower()[:LONGEST_WORD] for word in WORD.findall(text or "")]
    return [word for word in found if word.strip("_")][:MOST_WORDS]


def fts5_query(found: list[str]) -> str:
    """An FTS5 query matching every word, the last as a prefix: `"brave" "fo"*`. Each word is
    a quoted string (a word has no quote in it), so nothing typed is read as syntax."""
    quoted = ['"' + word.replace('"', '""') + '"' for word in found]
    quoted[-1] += "*"
    return " ".join(quoted)


def tsquery(found: list[str]) -> str:
    """A PostgreSQL tsquery matching every word, the last as a prefix: `'brave' & 'fo':*`."""
    quoted = ["'" + word.replace("'", "''").replace("\\", "") + "'" for word in found]
    quoted[-1] += ":*"
    return " & ".join(quoted)


def _isbn(text: str) -> str | None:
    compact = text.strip()
    if not compact or len(compact) > 40 or not any(ch.isdigit() for ch in compact):
        return None
    number, valid = normalise_isbn(compact.replace("-", "").replace(" ", ""))
    if not valid:
        number, valid = normalise_isbn(compact)
    return number if valid else None


def _barcode_title(text: str) -> int | None:
    from homeroom.library.models import Copy

    barcode = text.strip()
    if (
        not barcode
        or len(barcode) > 40
        or any(char.isspace() or char == "\x00" for char in barcode)
    ):
        return None
    return Copy.objects.filter(barcode=barcode).values_list("title_id", flat=True).first()


def _words_match(found: list[str]) -> Q:
    if connection.vendor == "sqlite":
        return Q(text__document__match=fts5_query(found))
    if connection.vendor == "postgresql":
        return Q(
            RawSQL(
                '"library_title"."search_vector" @@ to_tsquery(\'simple\', %s)',
                [tsquery(found)],
                output_field=BooleanField(),
            )
        )
    matched = Q()  # another database: slow, but the same answers
    for word in found:
        matched &= Q(
            *(Q(**{f"{column}__icontains": word}) for column in FTS_COLUMNS), _connector=Q.OR
        )
    return matched


def matching(text: str) -> Q:
    """Titles a search box's text names: the titles with an ISBN it gives in any form, the
    title of a copy whose barcode it is, or else the titles with all of its words."""
    from homeroom.library.models import TitleKey

    text = (text or "")[:500]
    number = _isbn(text)
    if number:
        return Q(pk__in=TitleKey.objects.filter(key=f"isbn:{number}").values("title_id"))
    title_id = _barcode_title(text)
    if title_id is not None:
        return Q(pk=title_id)
    found = words(text)
    if not found:
        return Q(pk__in=[])
    return _words_match(found)


def best_first(titles: QuerySet, text: str | None) -> QuerySet:
    """The titles with the best matches for `text`'s words first (then by title), or by
    title when there are no words. `titles` must already be filtered by `matching(text)`."""
    found = words(text or "")
    if not found:
        return titles.order_by("title", "pk")
    if connection.vendor == "sqlite":
        if FTS_TABLE not in titles.query.alias_map:  # found by ISBN or barcode
            return titles.order_by("title", "pk")
        # bm25 with the weights the migration set; lower is better.
        return titles.annotate(rank=F("text__rank")).order_by("rank", "title", "pk")
    if connection.vendor == "postgresql":
        rank = RawSQL(
            'ts_rank("library_title"."search_vector", to_tsquery(\'simple\', %s))',
            [tsquery(found)],
            output_field=FloatField(),
        )
        return titles.annotate(rank=rank).order_by("-rank", "title", "pk")
    return titles.order_by("title", "pk")


def search(titles: QuerySet, text: str | None) -> QuerySet:
    """`titles` narrowed to what `text` names, best first."""
    if not text or not text.strip():
        return titles.order_by("title", "pk")
    return best_first(titles.filter(matching(text)), text)


# The triggers that keep SQLite's FTS table in step (as migration 0003 made them). A later
# migration that makes SQLite rebuild library_title drops them with the old table; after
# every migrate, `keep_index_in_step` makes any that are missing again and rebuilds the
# index from the titles.
_COLUMNS = ", ".join(FTS_COLUMNS)
_NEW = ", ".join(f"new.{name}" for name in FTS_COLUMNS)
_OLD = ", ".join(f"old.{name}" for name in FTS_COLUMNS)
SQLITE_TRIGGERS = {
    "library_title_fts_insert": f"""CREATE TRIGGER library_title_fts_insert AFTER INSERT ON
    library_title BEGIN INSERT INTO library_title_fts(rowid, {_COLUMNS})
    VALUES (new.id, {_NEW}); END""",
    "library_title_fts_delete": f"""CREATE TRIGGER library_title_fts_delete AFTER DELETE ON
    library_title BEGIN INSERT INTO library_title_fts(library_title_fts, rowid, {_COLUMNS})
    VALUES ('delete', old.id, {_OLD}); END""",
    "library_title_fts_update": f"""CREATE TRIGGER library_title_fts_update AFTER UPDATE OF
    {_COLUMNS} ON library_title BEGIN
    INSERT INTO library_title_fts(library_title_fts, rowid, {_COLUMNS})
    VALUES ('delete', old.id, {_OLD});
    INSERT INTO library_title_fts(rowid, {_COLUMNS}) VALUES (new.id, {_NEW}); END""",
}


def keep_index_in_step(using: str = "default", **kwargs) -> None:
    """After a migrate on SQLite: make again the FTS triggers a table rebuild dropped."""
    from django.db import connections

    target = connections[using]
    if target.vendor != "sqlite":
        return
    with target.cursor() as cursor:
        cursor.execute(
            "SELECT name, type FROM sqlite_master WHERE name = %s OR type = 'trigger'",
            [FTS_TABLE],
        )
        found = {name for name, _ in cursor.fetchall()}
        if FTS_TABLE not in found:
            return  # not migrated this far yet
        missing = [name for name in SQLITE_TRIGGERS if name not in found]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        if missing:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


@contextmanager
def indexed_in_one_statement(run_id: int):
    """For an import's titles, inside its transaction: on SQLite the insert trigger is set
    aside while they are written and the titles the run added are indexed after, in one
    statement, which takes a tenth of the time of the trigger's row by row. The trigger is
    back when the block ends; if the block fails, rolling back restores it too."""
    if connection.vendor != "sqlite":
        yield
        return
    assert connection.in_atomic_block, "the trigger may only be set aside in a transaction"
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER library_title_fts_insert")
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) SELECT id, {_COLUMNS} "
            "FROM library_title WHERE source_run_id = %s",
            [run_id],
        )
        cursor.execute(SQLITE_TRIGGERS["library_title_fts_insert"])
