"""Name search that uses an index: names are stored as plain lowercase keys and each typed
word is matched as a prefix with a range (`key >= "ali" AND key < "alj"`), which both
SQLite and PostgreSQL answer from a B-tree index, unlike `LIKE '%ali%'`."""

import unicodedata

from django.db.models import Q


def name_key(text: str) -> str:
    """ "José Núñez-Ortiz" -> "josenunezortiz": no accents, case, spaces or punctuation."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c)).casefold()


def prefix(field: str, word: str) -> Q:
    """Rows whose `field` starts with `word` (already a name key)."""
    exact = Q(**{f"{field}__startswith": word})
    upper = _after_prefix(word) if word.isascii() else None
    if upper is None:
        return exact
    return Q(**{f"{field}__gte": word, f"{field}__lt": upper}) & exact


def _after_prefix(word: str) -> str | None:
    """The smallest string above every string starting with `word`: "ali" -> "alj"."""
    chars = list(word)
    while chars:
        last = chars.pop()
        if last not in "z9":
            return "".join(chars) + chr(ord(last) + 1)
    return None
