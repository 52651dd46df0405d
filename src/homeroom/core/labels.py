"""Label sheets shared by the modules that print labels (the devices' asset tags, the
library's spine and barcode labels): the label stocks' geometry, the loop that fills a sheet
row by row from a start position, and the drawing helpers (text fitted to a width, Code 128,
QR codes, outlines for a test print). Only the standard PDF fonts are used."""

import io
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import Color, black
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

TAG_FONT = "Helvetica-Bold"
SITE_FONT = "Helvetica"
CAP_HEIGHT = 0.718  # Helvetica's capital height, as a fraction of the font size
DESCENT = 0.207
MIN_SITE_SIZE = 5.5  # smaller than this, the site name is shortened with "…" instead
QR_LEVEL = "M"  # recovers from about 15% damage: a scuffed corner still scans
QR_BORDER = 2  # quiet modules around the QR code, inside its square
MAX_BAR_WIDTH = 1.5  # points (about 21 mil); wider bars only make the barcode look odd
BARCODE_QUIET = 10  # quiet zone each side, in bar widths, as Code 128 requires
OUTLINE = Color(0.6, 0.6, 0.6)


@dataclass(frozen=True)
class LabelSheet:
    """A label stock. Lengths are in points (1/72 in); margins and pitches are measured
    from the top-left corner of the page, as label makers publish them. The pitch is from
    one label's edge to the same edge of the next (label size plus gap)."""

    name: str
    page_width: float
    page_height: float
    columns: int
    rows: int
    label_width: float
    label_height: float
    top_margin: float
    left_margin: float
    horizontal_pitch: float
    vertical_pitch: float
    padding: float  # kept clear inside each label edge, for printer and die-cut drift
    layout: str = ""  # how the module that prints on it lays a label out
    tag_size: float = 0  # the largest size for the main text (an asset tag, a barcode)
    site_size: float = 0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def label_box(self, position: int) -> tuple[float, float, float, float]:
        """(x, y, width, height) of label `position` (1 is top left, row by row) in PDF
        coordinates, whose origin is the page's bottom left."""
        row, column = divmod(position - 1, self.columns)
        x = self.left_margin + column * self.horizontal_pitch
        top = self.page_height - self.top_margin - row * self.vertical_pitch
        return x, top - self.label_height, self.label_width, self.label_height


LETTER = (8.5 * inch, 11 * inch)

# Avery's template 5160 (also 5260, 5960, 8160, 18160…): top margin 1/2", side margins
# 3/16", horizontal pitch 2 3/4" (1/8" gap), vertical pitch 1" (no gap). Each module gives
# it a layout and its text sizes with dataclasses.replace.
AVERY_5160 = LabelSheet(
    name="Avery 5160 / 8160 — 30 per sheet, 2⅝ x 1 in",
    page_width=LETTER[0],
    page_height=LETTER[1],
    columns=3,
    rows=10,
    label_width=2.625 * inch,
    label_height=1 * inch,
    top_margin=0.5 * inch,
    left_margin=0.1875 * inch,
    horizontal_pitch=2.75 * inch,
    vertical_pitch=1 * inch,
    padding=0.0625 * inch,
)
# Avery's template 5167 (also 5267, 8167, 18167…): top margin 1/2", side margins 9/32",
# horizontal pitch 2 1/16" (5/16" gap), vertical pitch 1/2" (no gap).
AVERY_5167 = LabelSheet(
    name="Avery 5167 / 8167 — 80 per sheet, 1¾ x ½ in",
    page_width=LETTER[0],
    page_height=LETTER[1],
    columns=4,
    rows=20,
    label_width=1.75 * inch,
    label_height=0.5 * inch,
    top_margin=0.5 * inch,
    left_margin=0.28125 * inch,
    horizontal_pitch=2.0625 * inch,
    vertical_pitch=0.5 * inch,
    padding=0.0625 * inch,
)


def roll_label(name: str, width: float, height: float, padding: float) -> LabelSheet:
    """A label printer (Zebra, DYMO, Brother…) prints each page on one label, so the page
    is the label: no margins."""
    return LabelSheet(
        name=name,
        page_width=width,
        page_height=height,
        columns=1,
        rows=1,
        label_width=width,
        label_height=height,
        top_margin=0,
        left_margin=0,
        horizontal_pitch=width,
        vertical_pitch=height,
        padding=padding,
    )


def render_sheet(
    items: Iterable,
    spec: LabelSheet,
    draw: Callable[[Canvas, LabelSheet, tuple, object], None],
    *,
    title: str,
    start_position: int = 1,
    outlines: bool = False,
    empty: str = "There is nothing to print labels for.",
) -> bytes:
    """A PDF of one label per item, in the order given, each drawn by `draw(canvas, spec,
    box, item)`. `start_position` is the first unused label on the first sheet (1 = top
    left, counting along the rows); `outlines` draws each label's edge in grey, for a test
    print on plain paper held against a sheet of labels. Raises ValueError for a start
    position not on the sheet or no items (with `empty` as its message)."""
    if not 1 <= start_position <= spec.per_page:
        raise ValueError(f"The first label must be between 1 and {spec.per_page} on this sheet.")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(spec.page_width, spec.page_height), invariant=True)
    canvas.setTitle(title)
    canvas.setCreator("Homeroom")
    position = start_position
    printed = 0
    for item in items:
        if position > spec.per_page:
            canvas.showPage()
            position = 1
        if outlines and (position == 1 or not printed):
            for each in range(1, spec.per_page + 1):
                draw_outline(canvas, spec.label_box(each))
        draw(canvas, spec, spec.label_box(position), item)
        position += 1
        printed += 1
    if not printed:
        raise ValueError(empty)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def fit_size(text: str, font: str, largest: float, width: float) -> float:
    """The largest font size up to `largest` at which `text` fits in `width`."""
    at_one_point = stringWidth(text, font, 1)
    return min(largest, width / at_one_point) if at_one_point else largest


def shorten(text: str, font: str, size: float, width: float) -> str:
    """`text` cut to fit `width`, ending in an ellipsis."""
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def draw_text(canvas: Canvas, text: str, font: str, size: float, left, width, baseline) -> None:
    """`text` centred in the column from `left` across `width`."""
    canvas.setFillColor(black)
    canvas.setFont(font, size)
    canvas.drawCentredString(left + width / 2, baseline, text)


def draw_code128(canvas: Canvas, value: str, left, bottom, width, height) -> None:
    """A Code 128 barcode of `value` with its quiet zones, as wide as fits in `width` (bars no
    wider than MAX_BAR_WIDTH), centred. None for a value with characters Code 128 cannot
    carry (beyond ASCII): reportlab would drop them, and a barcode that scans as a different
    tag is worse than none."""
    if not value.isascii() or height <= 0:
        return
    modules = Code128(value, barWidth=1, quiet=0).width
    bar_width = min(MAX_BAR_WIDTH, width / (modules + 2 * BARCODE_QUIET))
    barcode = Code128(
        value,
        barWidth=bar_width,
        barHeight=height,
        quiet=1,
        lquiet=BARCODE_QUIET * bar_width,
        rquiet=BARCODE_QUIET * bar_width,
    )
    barcode.drawOn(canvas, left + (width - barcode.width) / 2, bottom)


def qr_modules(url: str) -> list[list[bool]]:
    """The QR code of `url` as rows of modules (True is dark), top row first."""
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, QR_LEVEL))
    code.addData(url)
    code.make()
    return [[bool(module) for module in row] for row in code.modules]


def draw_qr(canvas: Canvas, url: str, left, bottom, size) -> None:
    """A QR code of `url` filling the square `size` wide, its quiet border included. Drawn
    as one filled path of the dark runs in each row (QrCodeWidget's way, minus its per-run
    shape objects, which made a sheet twice as slow)."""
    modules = qr_modules(url)
    count = len(modules)
    box = size / (count + 2 * QR_BORDER)
    path = canvas.beginPath()
    for row_number, row in enumerate(modules):
        y = size - (row_number + QR_BORDER + 1) * box
        column = 0
        for dark, run in itertools.groupby(row):
            length = len(list(run))
            if dark:
                path.rect((column + QR_BORDER) * box, y, length * box, box)
            column += length
    canvas.saveState()
    canvas.translate(left, bottom)
    canvas.setFillColor(black)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def draw_outline(canvas: Canvas, box) -> None:
    x, y, width, height = box
    canvas.saveState()
    canvas.setStrokeColor(OUTLINE)
    canvas.setLineWidth(0.25)
    canvas.roundRect(x, y, width, height, radius=0.0625 * inch, stroke=1, fill=0)
    canvas.restoreState()
