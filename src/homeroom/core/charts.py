"""Server-side SVG charts. Each returns the geometry its template draws; the numbers are
always printed beside the bars and in a table one click away."""

from dataclasses import dataclass

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]

WIDTH = 640
LABEL_WIDTH = 200
VALUE_WIDTH = 70
ROW_HEIGHT = 30
BAR_HEIGHT = 20


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    y: int
    width: float
    colour: str


def bar_chart(rows: list[tuple[str, float]], *, title: str, unit: str) -> dict:
    """A horizontal bar chart of (label, value) rows."""
    largest = max((value for _, value in rows), default=0) or 1
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / largest
    bars = [
        Bar(label, value, index * ROW_HEIGHT, max(value * scale, 1 if value else 0), PALETTE[0])
        for index, (label, value) in enumerate(rows)
    ]
    return {
        "title": title,
        "unit": unit,
        "bars": bars,
        "total": sum(value for _, value in rows),
        "width": WIDTH,
        "height": len(rows) * ROW_HEIGHT,
        "label_width": LABEL_WIDTH,
        "bar_height": BAR_HEIGHT,
        "text_offset": BAR_HEIGHT // 2 + 5,
    }
