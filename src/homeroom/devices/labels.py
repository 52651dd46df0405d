"""Asset-tag labels as a PDF: Avery sheets for an office printer, or single labels for a
label printer.

Every label shows the asset tag in large bold text and as a Code 128 barcode (what the scan
station reads). Where there is room it also has a QR code linking to the device's page (a
phone camera opens it) and the site's name:

- Avery 5160 (2⅝ x 1 in): tag, barcode and site on the left, QR code on the right.
- Label printer roll (2¼ x 1¼ in): tag, site and QR code on top, a full-width barcode below.
- Avery 5167 (1¾ x ½ in): tag and barcode only. A QR code for a typical link would need
  modules of about 0.3 mm there and would squeeze the barcode to under 8 mil; the site
  name would be under 5 pt. None of those print or scan reliably, so they are left off.

Labels are filled row by row, left to right, from `start_position` (1 = top left), so a
partly used sheet can go back in the printer. Only the standard PDF fonts Helvetica and
Helvetica-Bold are used (nothing embedded, nothing fetched). The asset tag is never
shortened: it shrinks to fit, so very long tags (over about 12 characters on 5167, 20 on
5160) come out small, and their barcodes get too fine to scan well. A tag with characters
beyond ASCII gets no barcode (Code 128 cannot carry them); characters beyond Latin-1 show as
boxes, as the standard fonts do not have them.
"""

from dataclasses import replace

from django.db.models import QuerySet
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

# The sheets' geometry and the drawing helpers are core's, shared with the library's labels.
from homeroom.core.labels import (  # noqa: F401 (names the devices' tests and views use)
    AVERY_5160,
    AVERY_5167,
    BARCODE_QUIET,
    CAP_HEIGHT,
    DESCENT,
    LETTER,
    MAX_BAR_WIDTH,
    MIN_SITE_SIZE,
    OUTLINE,
    QR_BORDER,
    QR_LEVEL,
    SITE_FONT,
    TAG_FONT,
    LabelSheet,
    draw_code128,
    draw_outline,
    draw_qr,
    draw_text,
    fit_size,
    qr_modules,
    render_sheet,
    roll_label,
    shorten,
)

LABEL_SHEETS: dict[str, LabelSheet] = {
    "avery-5160": replace(AVERY_5160, layout="side", tag_size=16, site_size=7),
    "avery-5167": replace(
        AVERY_5167,
        name="Avery 5167 / 8167 — 80 per sheet, 1¾ x ½ in (tag and barcode only)",
        layout="barcode",
        tag_size=9,
    ),
    "roll-2.25x1.25": replace(
        roll_label(
            "Label printer roll — one 2¼ x 1¼ in label per page",
            2.25 * inch,
            1.25 * inch,
            padding=0.09375 * inch,
        ),
        layout="stacked",
        tag_size=18,
        site_size=7.5,
    ),
}
DEFAULT_SHEET = "avery-5160"
SHEET_CHOICES = [(key, sheet.name) for key, sheet in LABEL_SHEETS.items()]


def render_labels(
    devices,
    sheet: str,
    *,
    base_url: str,
    start_position: int = 1,
    outlines: bool = False,
) -> bytes:
    """A PDF of one label per device, in the order given. `base_url` (settings.SITE_URL)
    starts the QR codes' links. `start_position` is the first unused label on the first
    sheet (1 = top left, counting along the rows). `outlines` draws each label's edge in
    grey, for a test print on plain paper held against a sheet of labels.

    Raises ValueError for an unknown sheet, a start position not on the sheet, or no
    devices."""
    spec = LABEL_SHEETS.get(sheet)
    if spec is None:
        raise ValueError(f"Unknown label sheet “{sheet}”; choose one of {', '.join(LABEL_SHEETS)}.")
    if isinstance(devices, QuerySet):
        devices = devices.select_related("site")
    base_url = base_url.rstrip("/")
    return render_sheet(
        devices,
        spec,
        lambda canvas, spec, box, device: draw_label(
            canvas, spec, box, device, base_url + device.get_absolute_url()
        ),
        title="Asset tag labels",
        start_position=start_position,
        outlines=outlines,
        empty="There are no devices to print labels for.",
    )


def draw_label(canvas: Canvas, spec: LabelSheet, box, device, url: str) -> None:
    x, y, width, height = box
    pad = spec.padding
    left, bottom = x + pad, y + pad
    width, height = width - 2 * pad, height - 2 * pad
    top = bottom + height
    tag, site = device.asset_tag, device.site.name

    if spec.layout == "barcode":
        size = fit_size(tag, TAG_FONT, spec.tag_size, width)
        draw_text(canvas, tag, TAG_FONT, size, left, width, top - CAP_HEIGHT * size)
        gap = 0.25 * size
        draw_code128(canvas, tag, left, bottom, width, height - CAP_HEIGHT * size - gap)
    elif spec.layout == "side":
        # A column of tag, barcode and site, the QR code as tall as the label beside it.
        qr_size = height
        draw_qr(canvas, url, left + width - qr_size, bottom, qr_size)
        column = width - qr_size
        size = fit_size(tag, TAG_FONT, spec.tag_size, column)
        draw_text(canvas, tag, TAG_FONT, size, left, column, top - CAP_HEIGHT * size)
        site_size = draw_site(canvas, site, spec.site_size, left, column, bottom)
        barcode_top = top - CAP_HEIGHT * size - 0.3 * size
        barcode_bottom = bottom + (CAP_HEIGHT + DESCENT) * site_size + 0.3 * site_size
        draw_code128(canvas, tag, left, barcode_bottom, column, barcode_top - barcode_bottom)
    else:  # stacked
        # Tag and site beside a QR code on top; the barcode across the whole label below.
        qr_size = 0.55 * height
        draw_qr(canvas, url, left + width - qr_size, top - qr_size, qr_size)
        column = width - qr_size - 2
        size = fit_size(tag, TAG_FONT, spec.tag_size, column)
        draw_text(canvas, tag, TAG_FONT, size, left, column, top - CAP_HEIGHT * size - 2)
        site_top = top - (CAP_HEIGHT + 0.5) * size - 2
        site_size = fit_size(site, SITE_FONT, spec.site_size, column)
        if site_size < MIN_SITE_SIZE:
            site, site_size = shorten(site, SITE_FONT, MIN_SITE_SIZE, column), MIN_SITE_SIZE
        draw_text(
            canvas, site, SITE_FONT, site_size, left, column, site_top - CAP_HEIGHT * site_size
        )
        barcode_top = top - qr_size - 2
        draw_code128(canvas, tag, left, bottom, width, barcode_top - bottom)


def draw_site(canvas: Canvas, site: str, largest: float, left, width, bottom) -> float:
    """The site's name along the bottom of a column; returns the size used."""
    size = fit_size(site, SITE_FONT, largest, width)
    if size < MIN_SITE_SIZE:
        site, size = shorten(site, SITE_FONT, MIN_SITE_SIZE, width), MIN_SITE_SIZE
    draw_text(canvas, site, SITE_FONT, size, left, width, bottom + DESCENT * size)
    return size
