"""Asset-tag label sheets: the PDF is read back with pypdf. Text is found with pypdf's text
visitor; barcodes and QR codes are rebuilt from the filled rectangles in the page's content
stream and compared with what reportlab's encoders make for the expected tag and link, so a
missing, misplaced or wrong code fails."""

import io
import itertools

import pytest
from django.conf import settings
from pypdf import PdfReader
from pypdf.generic import ContentStream
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.units import inch
from reportlab.pdfbase.pdfmetrics import stringWidth

from homeroom.core import roles
from homeroom.devices import labels
from homeroom.devices.choices import DeviceCategory
from homeroom.devices.models import Device, DeviceModel, Manufacturer
from homeroom.devices.selectors import devices_for

BASE = "http://labels.example.org"
PAINT = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}


@pytest.fixture
def make_devices(sites):
    maker = Manufacturer.objects.create(name="Label Maker Co")
    model = DeviceModel.objects.create(
        manufacturer=maker, name="Labelbook 11", category=DeviceCategory.CHROMEBOOK
    )

    def make(count: int, *, prefix: str = "LBL", site=None) -> list[Device]:
        start = Device.objects.count()
        return [
            Device.objects.create(
                asset_tag=f"{prefix}-{n:04d}",
                serial_number=f"SER{prefix}{n:06d}",
                model=model,
                site=site or sites[n % 2],
            )
            for n in range(start + 1, start + count + 1)
        ]

    return make


class Printed:
    """A rendered PDF, each page's texts and drawings read once."""

    def __init__(self, pdf: bytes, sheet: str):
        assert pdf.startswith(b"%PDF-")
        self.reader = PdfReader(io.BytesIO(pdf))
        self.pages = self.reader.pages
        self.spec = labels.LABEL_SHEETS[sheet]
        self._read = {}

    def page(self, number: int) -> tuple[list[dict], list[list]]:
        if number not in self._read:
            page = self.pages[number]
            self._read[number] = (texts(page), drawings(page, self.reader))
        return self._read[number]

    def label(self, number: int, position: int) -> dict:
        """What is drawn inside label `position` of page `number`: texts, barcodes, QR codes."""
        words, graphics = self.page(number)
        box = self.spec.label_box(position)
        inner = [
            t
            for t in words
            if inside(
                box,
                t["x"],
                t["y"] - 0.21 * t["size"],
                t["x"] + stringWidth(t["text"], t["font"], t["size"]),
                t["y"] + 0.72 * t["size"],
            )
        ]
        graphics = [rects for rects in graphics if inside(box, *bounds(rects))]
        return {
            "texts": inner,
            "barcodes": [barcode_pattern(r) for r in graphics if is_barcode(r)],
            "qr": [qr_matrix(r) for r in graphics if not is_barcode(r)],
        }

    def assert_label(self, number, position, device, *, qr=True, site=True) -> dict:
        found = self.label(number, position)
        words = [t["text"] for t in found["texts"]]
        assert device.asset_tag in words, (position, words)
        assert found["barcodes"] == [code128_pattern(device.asset_tag)], position
        if qr:
            assert found["qr"] == [qr_expected(BASE + device.get_absolute_url())], position
        else:
            assert found["qr"] == []
        if site:
            assert device.site.name in words
        else:
            assert words == [device.asset_tag]
        return found

    def assert_blank(self, number, position):
        found = self.label(number, position)
        assert found == {"texts": [], "barcodes": [], "qr": []}, position


def render(devices, sheet: str, **options) -> Printed:
    options.setdefault("base_url", BASE)
    return Printed(labels.render_labels(devices, sheet, **options), sheet)


def texts(page) -> list[dict]:
    """Each piece of text on the page with its baseline start, font and size."""
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(
                {"text": text.strip(), "x": x, "y": y, "font": font["/BaseFont"][1:], "size": size}
            )

    page.extract_text(visitor_text=visit)
    return found


def drawings(page, reader) -> list[list[tuple[float, float, float, float]]]:
    """The dark filled rectangles (x0, y0, x1, y1, in page coordinates) of each graphic drawn
    inside its own q…Q, one list per graphic."""
    blocks, current, pending = [], None, []
    ctm, fill_dark, stack = (1, 0, 0, 1, 0, 0), True, []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append((ctm, fill_dark))
            if len(stack) == 1:
                current = []
        elif operator == b"Q":
            ctm, fill_dark = stack.pop()
            if not stack and current:
                blocks.append(current)
        elif operator == b"cm":
            a, b, c, d, e, f = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            ctm = (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                   e * A + f * C + E, e * B + f * D + F)  # fmt: skip
        elif operator in (b"rg", b"g"):
            fill_dark = max(float(v) for v in operands) < 0.5
        elif operator == b"re":
            x, y, w, h = (float(v) for v in operands)
            A, B, C, D, E, F = ctm
            xs = (x * A + E, (x + w) * A + E)
            ys = (y * D + F, (y + h) * D + F)
            pending.append((min(xs), min(ys), max(xs), max(ys)))
        elif operator in PAINT:
            if fill_dark and current is not None and stack:
                current.extend(pending)
            pending = []
        elif operator in (b"n", b"S", b"s"):
            pending = []
    return blocks


def inside(box, x0, y0, x1, y1) -> bool:
    bx, by, bw, bh = box
    slack = 0.01
    return bx - slack <= x0 and x1 <= bx + bw + slack and by - slack <= y0 and y1 <= by + bh + slack


def bounds(rects):
    return (min(r[0] for r in rects), min(r[1] for r in rects),
            max(r[2] for r in rects), max(r[3] for r in rects))  # fmt: skip


def is_barcode(rects) -> bool:
    """A linear barcode: every bar on the same baseline and of the same height."""
    return len({(round(r[1], 2), round(r[3], 2)) for r in rects}) == 1


def barcode_pattern(rects) -> str:
    """Bars and spaces in modules, as reportlab writes them: A = a 1-module bar, b = a
    2-module space, and so on."""
    bars = sorted(rects)
    module = min(r[2] - r[0] for r in bars)
    pattern = []
    for bar, after in itertools.zip_longest(bars, bars[1:]):
        width = (bar[2] - bar[0]) / module
        assert abs(width - round(width)) < 0.1, "bars are whole modules wide"
        pattern.append(chr(ord("A") - 1 + round(width)))
        if after:
            pattern.append(chr(ord("a") - 1 + round((after[0] - bar[2]) / module)))
    return "".join(pattern)


def code128_pattern(value: str) -> str:
    barcode = Code128(value, barWidth=1, quiet=0)
    barcode.width  # noqa: B018 - computing the width encodes the value
    return barcode.decomposed


def qr_matrix(rects) -> list[list[bool]]:
    """The QR modules, top row first, rebuilt from the runs of dark modules."""
    box = min(r[3] - r[1] for r in rects)
    left, _, right, top = bounds(rects)
    count = round((right - left) / box)
    matrix = [[False] * count for _ in range(count)]
    for x0, y0, x1, _ in rects:
        row = round((top - y0) / box) - 1
        first = round((x0 - left) / box)
        for column in range(first, first + round((x1 - x0) / box)):
            matrix[row][column] = True
    return matrix


def qr_expected(url: str) -> list[list[bool]]:
    code = qrencoder.QRCode(None, getattr(qrencoder.QRErrorCorrectLevel, labels.QR_LEVEL))
    code.addData(url)
    code.make()
    return [[bool(m) for m in row] for row in code.modules]


def test_sheets_follow_the_avery_templates():
    s5160, s5167, roll = (labels.LABEL_SHEETS[key] for key in labels.LABEL_SHEETS)
    assert (s5160.columns, s5160.rows, s5160.label_width, s5160.label_height) == (
        3, 10, 2.625 * inch, 1 * inch
    )  # fmt: skip
    assert (s5167.columns, s5167.rows, s5167.label_width, s5167.label_height) == (
        4, 20, 1.75 * inch, 0.5 * inch
    )  # fmt: skip
    for spec in (s5160, s5167):
        assert (spec.page_width, spec.page_height) == (8.5 * inch, 11 * inch)
        # The grid sits centred: the right margin equals the left, the bottom the top.
        last_x, last_y, width, _ = spec.label_box(spec.per_page)
        assert spec.page_width - (last_x + width) == pytest.approx(spec.left_margin)
        assert last_y == pytest.approx(spec.top_margin)
        assert spec.horizontal_pitch >= spec.label_width
    assert s5160.label_box(2)[0] - s5160.label_box(1)[0] == 2.75 * inch
    assert s5167.label_box(2)[0] - s5167.label_box(1)[0] == 2.0625 * inch
    assert roll.per_page == 1
    assert roll.label_box(1) == (0, 0, roll.page_width, roll.page_height)
    assert [key for key, _ in labels.SHEET_CHOICES] == list(labels.LABEL_SHEETS)


def test_a_full_5160_sheet_is_one_page_with_each_label_in_its_place(make_devices):
    devices = make_devices(30)
    printed = render(devices, "avery-5160", base_url=BASE + "/")
    assert len(printed.pages) == 1
    assert [float(v) for v in printed.pages[0].mediabox] == [0, 0, 612, 792]
    page_text = [t["text"] for t in printed.page(0)[0]]
    for position, device in enumerate(devices, start=1):
        assert page_text.count(device.asset_tag) == 1
        found = printed.assert_label(0, position, device)
        tag = next(t for t in found["texts"] if t["text"] == device.asset_tag)
        assert tag["font"] == "Helvetica-Bold" and tag["size"] >= 14, "the tag is large"
    # Nothing is drawn outside the labels.
    assert len(page_text) == 60
    assert len(printed.page(0)[1]) == 60


def test_a_31st_device_starts_a_second_sheet(make_devices):
    devices = make_devices(31)
    printed = render(devices, "avery-5160")
    assert len(printed.pages) == 2
    printed.assert_label(0, 30, devices[29])
    printed.assert_label(1, 1, devices[30])
    printed.assert_blank(1, 2)
    assert [t["text"] for t in printed.page(1)[0]] == [devices[30].asset_tag, "South High"]


def test_a_5167_sheet_holds_80_tags_and_barcodes(make_devices):
    devices = make_devices(81)
    printed = render(devices[:80], "avery-5167")
    assert len(printed.pages) == 1
    assert [float(v) for v in printed.pages[0].mediabox] == [0, 0, 612, 792]
    for position, device in enumerate(devices[:80], start=1):
        found = printed.assert_label(0, position, device, qr=False, site=False)
        assert found["texts"][0]["size"] >= 8
    printed = render(devices, "avery-5167")
    assert len(printed.pages) == 2
    printed.assert_label(1, 1, devices[80], qr=False, site=False)


def test_the_roll_prints_one_label_per_page(make_devices):
    devices = make_devices(3)
    printed = render(devices, "roll-2.25x1.25")
    assert len(printed.pages) == 3
    for number, device in enumerate(devices):
        assert [float(v) for v in printed.pages[number].mediabox] == [0, 0, 162, 90]
        printed.assert_label(number, 1, device)
    with pytest.raises(ValueError, match="between 1 and 1"):
        labels.render_labels(devices, "roll-2.25x1.25", base_url=BASE, start_position=2)


def test_start_position_skips_labels_already_used(make_devices):
    devices = make_devices(5)
    printed = render(devices, "avery-5160", start_position=29)
    assert len(printed.pages) == 2
    for position in range(1, 29):
        printed.assert_blank(0, position)
    printed.assert_label(0, 29, devices[0])
    printed.assert_label(0, 30, devices[1])
    for position, device in enumerate(devices[2:], start=1):
        printed.assert_label(1, position, device)
    printed.assert_blank(1, 4)

    printed = render(devices, "avery-5167", start_position=6)
    assert len(printed.pages) == 1
    printed.assert_blank(0, 5)
    printed.assert_label(0, 6, devices[0], qr=False, site=False)
    printed.assert_label(0, 10, devices[4], qr=False, site=False)
    printed.assert_blank(0, 11)


@pytest.mark.parametrize(
    ("sheet", "start", "message"),
    [
        ("avery-9999", 1, "Unknown label sheet"),
        ("avery-5160", 0, "between 1 and 30"),
        ("avery-5160", 31, "between 1 and 30"),
        ("avery-5167", 81, "between 1 and 80"),
    ],
)
def test_unusable_choices_are_refused(make_devices, sheet, start, message):
    with pytest.raises(ValueError, match=message):
        labels.render_labels(make_devices(1), sheet, base_url=BASE, start_position=start)


def test_no_devices_is_refused(db):
    with pytest.raises(ValueError, match="no devices"):
        labels.render_labels(Device.objects.none(), "avery-5160", base_url=BASE)


@pytest.mark.parametrize("sheet", list(labels.LABEL_SHEETS))
def test_long_tags_and_site_names_shrink_to_fit(make_devices, sites, sheet):
    sites[0].name = "Washington Irving Middle School for the Performing Arts"
    sites[0].save()
    device = make_devices(1, prefix="DISTRICT-CHROMEBOOK", site=sites[0])[0]
    printed = render([device], sheet)
    found = printed.label(0, 1)
    # Every piece of text on the page lies wholly inside the label.
    assert len(found["texts"]) == len(printed.page(0)[0])
    assert device.asset_tag in [t["text"] for t in found["texts"]], "never shortened"
    assert found["barcodes"] == [code128_pattern(device.asset_tag)]
    if printed.spec.site_size:
        (site,) = (t for t in found["texts"] if t["text"] != device.asset_tag)
        assert site["size"] >= labels.MIN_SITE_SIZE
        assert site["text"] == sites[0].name or site["text"].endswith("…")


def test_a_tag_code128_cannot_carry_gets_no_barcode(make_devices):
    device = make_devices(1)[0]
    device.asset_tag = "ÉCOLE-7"
    device.save()
    found = render([device], "avery-5160").label(0, 1)
    assert "ÉCOLE-7" in [t["text"] for t in found["texts"]]
    assert found["barcodes"] == [] and len(found["qr"]) == 1


def test_only_the_standard_fonts_are_used_and_nothing_is_embedded(make_devices):
    printed = render(make_devices(2), "avery-5160")
    fonts = printed.pages[0]["/Resources"]["/Font"]
    names = {fonts[key].get_object()["/BaseFont"] for key in fonts}
    assert names == {"/Helvetica", "/Helvetica-Bold"}
    for key in fonts:
        assert "/FontDescriptor" not in fonts[key].get_object()


def test_a_queryset_is_read_in_one_query(make_devices, users, django_assert_num_queries):
    make_devices(12)
    devices = devices_for(users[roles.DISTRICT_ADMIN]).order_by("asset_tag")
    with django_assert_num_queries(1):
        pdf = labels.render_labels(devices, "avery-5160", base_url=settings.SITE_URL)
    first = devices.first()
    found = Printed(pdf, "avery-5160").label(0, 1)
    assert found["qr"] == [qr_expected(f"{settings.SITE_URL}/devices/{first.pk}/")]


def test_outlines_draw_every_label_edge_for_a_test_print(make_devices):
    printed = render(make_devices(1), "avery-5167", start_position=3, outlines=True)
    content = printed.pages[0].get_contents().get_data()
    # One rounded rectangle (four corner curves) per label, the skipped ones included.
    assert content.count(b" c\n") == 4 * 80
