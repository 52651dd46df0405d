"""Template source rules that no page test would notice until someone looks."""

import re
from pathlib import Path

import homeroom

COMMENT = re.compile(r"\{#(.*?)#\}", re.DOTALL)
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_a_comment_over_several_lines():
    """Django's {# #} ends at the line's end: a longer comment would be printed on the page;
    such a comment takes {% comment %}."""
    printed = [
        str(path.relative_to(Path(homeroom.__file__).parent))
        for path in Path(homeroom.__file__).parent.rglob("templates/**/*.html")
        if any("\n" in match.group(1) for match in COMMENT.finditer(path.read_text()))
    ]
    assert printed == []


def test_no_template_has_an_inline_event_handler():
    """The Content-Security-Policy (script-src 'self') refuses onclick="…" and its kind:
    such a button does nothing. A button says what it does with a data- attribute that
    homeroom.js acts on (data-print)."""
    inline = [
        str(path.relative_to(Path(homeroom.__file__).parent))
        for path in Path(homeroom.__file__).parent.rglob("templates/**/*.html")
        if INLINE_HANDLER.search(path.read_text())
    ]
    assert inline == []
