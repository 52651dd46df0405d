"""Knowledge-base markdown rendered to HTML and sanitized: whatever an author writes, the
page gets no scripts, no event handlers and no style, only the tags an article needs."""

import html

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "img", "kbd", "li",
    "ol", "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}


def render(text: str) -> str:
    html = markdown_lib.markdown(text, extensions=["tables", "fenced_code", "sane_lists"])
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def plain_text(text: str, length: int = 200) -> str:
    """The words of some markdown without its markup (no asterisks, hashes or tags), on one
    line and cut at a word boundary to about `length` characters: for lists of articles."""
    words = html.unescape(nh3.clean(render(text), tags=set())).split()
    excerpt = ""
    for word in words:
        if len(excerpt) + len(word) + 1 > length:
            return f"{excerpt or word[:length]}…"
        excerpt = f"{excerpt} {word}" if excerpt else word
    return excerpt
