"""The library's labels as a PDF, on core's label sheets (the devices' asset tags use the
same ones):

- Spine labels: the call number split over lines as libraries print them, the prefix (FIC,
  E, REF…), the class number, the cutter and the year each on a line of its own, large and
  bold so a shelf can be read from a step away: "FIC / ALV", "597.3 / BRO / 2019".
- Barcode labels: the copy's barcode as Code 128 (what a circulation desk scans) with the
  number under it, the library's name and a short title above.

Labels are filled row by row from `start_position`, so a partly used sheet can go back in
the printer.
"""

import re
from dataclasses import replace

from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from homeroom.core.labels import (
    AVERY_5160,
    AVERY_5167,
    CAP_HEIGHT,
    DESCENT,
    MIN_SITE_SIZE,
    SITE_FONT,
    TAG_FONT,
    LabelSheet,
    draw_code128,
    draw_text,
    fit_size,
    render_sheet,
    roll_label,
    shorten,
)

SPINE, BARCODE = "spine", "barcode"
KINDS = {SPINE: "Spine labels (call numbers)", BARCODE: "Barcode labels"}
SPINE_FONT = TAG_FONT
LEADING = 1.15  # line pitch of a spine label, as a multiple of its font size
MOST_SPINE_LINES = 6

SHEETS: dict[str, dict[str, LabelSheet]] = {
    SPINE: {
        "avery-5160": replace(AVERY_5160, layout=SPINE, tag_size=13),
        "avery-5167": replace(AVERY_5167, layout=SPINE, tag_size=8),
        "roll-1x1.5": replace(
            roll_label(
                "Label printer roll — one 1 x 1½ in spine label per page",
                1 * inch,
                1.5 * inch,
                padding=0.0625 * inch,
            ),
            layout=SPINE,
            tag_size=14,
        ),
    },
    BARCODE: {
        "avery-5160": replace(AVERY_5160, layout=BARCODE, tag_size=10, site_size=7),
        "avery-5167": replace(AVERY_5167, layout=BARCODE, tag_size=6.5, site_size=5.5),
        "roll-2.25x1.25": replace(
            roll_label(
                "Label printer roll — one 2¼ x 1¼ in label per page",
                2.25 * inch,
                1.25 * inch,
                padding=0.09375 * inch,
            ),
            layout=BARCODE,
            tag_size=11,
            site_size=7.5,
        ),
    },
}
DEFAULT_SHEET = "avery-5160"


def spine_lines(call_number: str) -> list[str]:
    """A call number as a spine label prints it: one part a line. Parts are what the call
    number separates by spaces (or slashes, as some systems export them); a Dewey number
    with its cutter run together ("597.3BRO") is split between them. More than
    MOST_SPINE_LINES parts keep the rest on the last line."""
    parts = [part for part in re.split(r"[\s/]+", call_number.strip()) if part]
    lines: list[str] = []
    for part in parts:
        joined = re.fullmatch(r"(\d{3}(?:\.\d+)?)([A-Za-z][A-Za-z0-9.']*)", part)
        lines.extend(joined.groups() if joined else [part])
    if len(lines) > MOST_SPINE_LINES:
        lines = [*lines[: MOST_SPINE_LINES - 1], " ".join(lines[MOST_SPINE_LINES - 1 :])]
    return lines


def copy_spine(copy) -> list[str]:
    """The copy's call number, else its title's, else its Dewey number, else the first
    letters of its title (a label is never blank)."""
    text = copy.call_number or copy.title.call_number or copy.title.dewey
    return spine_lines(text) or [copy.title.title[:3].upper() or "?"]


def short_title(title: str) -> str:
    """A title without its leading article, for a label's one line."""
    return re.sub(r"^(the|a|an)\s+", "", title.strip(), flags=re.IGNORECASE) or title


def render(copies, kind: str, sheet: str, *, start_position: int = 1, outlines=False) -> bytes:
    """A PDF of one label per copy, in the order given (copies with their title and
    library). Raises ValueError for an unknown kind or sheet, a start position not on the
    sheet, or no copies."""
    if kind not in SHEETS:
        raise ValueError(f"Choose spine or barcode labels, not “{kind}”.")
    spec = SHEETS[kind].get(sheet)
    if spec is None:
        names = ", ".join(SHEETS[kind])
        raise ValueError(f"{KINDS[kind]} print on {names}; “{sheet}” is not one of them.")
    return render_sheet(
        copies,
        spec,
        draw_spine if kind == SPINE else draw_barcode,
        title=KINDS[kind],
        start_position=start_position,
        outlines=outlines,
        empty="There are no copies to print labels for.",
    )


def draw_spine(canvas: Canvas, spec: LabelSheet, box, copy) -> None:
    """The call number's lines, centred, as large as the label allows up to the sheet's
    size. On a wide label (Avery 5160) the lines keep to a spine-wide column at the left,
    with the barcode number small below, so the label can be cut or folded round a spine."""
    x, y, width, height = box
    pad = spec.padding
    left, bottom = x + pad, y + pad
    width, height = width - 2 * pad, height - 2 * pad
    column = min(width, 1.1 * inch)
    lines = copy_spine(copy)
    size = min(
        [spec.tag_size, height / (len(lines) * LEADING)]
        + [fit_size(line, SPINE_FONT, spec.tag_size, column) for line in lines]
    )
    block = (len(lines) - 1) * LEADING * size + CAP_HEIGHT * size
    baseline = bottom + (height + block) / 2 - CAP_HEIGHT * size
    for line in lines:
        draw_text(canvas, line, SPINE_FONT, size, left, column, baseline)
        baseline -= LEADING * size
    if width - column > 0.75 * inch:
        # Beside the spine part: the short title and barcode, for the librarian's eye.
        rest = left + column + 0.1 * inch
        room = width - column - 0.1 * inch
        text = shorten_to(short_title(copy.title.title), SITE_FONT, 7, room)
        draw_text(canvas, text, SITE_FONT, 7, rest, room, bottom + height / 2 + 2)
        draw_text(canvas, copy.barcode, SITE_FONT, 7, rest, room, bottom + height / 2 - 9)


def shorten_to(text: str, font: str, size: float, width: float) -> str:
    """`text` as it is when it fits, else cut with an ellipsis."""
    return text if stringWidth(text, font, size) <= width else shorten(text, font, size, width)


def draw_barcode(canvas: Canvas, spec: LabelSheet, box, copy) -> None:
    """The library's name and a short title on top, the barcode, its number below."""
    x, y, width, height = box
    pad = spec.padding
    left, bottom = x + pad, y + pad
    width, height = width - 2 * pad, height - 2 * pad
    top = bottom + height
    small = spec.site_size
    if spec.label_height < 0.75 * inch:
        # Avery 5167: one line of library and title.
        heading = f"{copy.library.name} · {short_title(copy.title.title)}"
        draw_text(
            canvas,
            shorten_to(heading, SITE_FONT, small, width),
            SITE_FONT,
            small,
            left,
            width,
            top - CAP_HEIGHT * small,
        )
        heading_height = (CAP_HEIGHT + DESCENT) * small + 1
    else:
        library_size = max(MIN_SITE_SIZE, fit_size(copy.library.name, SITE_FONT, small, width))
        name = shorten_to(copy.library.name, SITE_FONT, library_size, width)
        draw_text(canvas, name, SITE_FONT, library_size, left, width, top - CAP_HEIGHT * small)
        title_top = top - (CAP_HEIGHT + DESCENT + 0.2) * small
        title = shorten_to(short_title(copy.title.title), TAG_FONT, small, width)
        draw_text(canvas, title, TAG_FONT, small, left, width, title_top - CAP_HEIGHT * small)
        heading_height = top - title_top + (CAP_HEIGHT + DESCENT + 0.3) * small
    size = fit_size(copy.barcode, SITE_FONT, spec.tag_size, width)
    draw_text(canvas, copy.barcode, SITE_FONT, size, left, width, bottom + DESCENT * size)
    barcode_bottom = bottom + (CAP_HEIGHT + DESCENT) * size + 1
    draw_code128(
        canvas, copy.barcode, left, barcode_bottom, width, top - heading_height - barcode_bottom
    )
