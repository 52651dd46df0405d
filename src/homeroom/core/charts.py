"""Charts drawn on the server: each returns what its template draws. Labels and numbers are
HTML text (readable at any width and by screen readers); the bars are SVG."""

from dataclasses import dataclass

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    percent: float
    colour: str


def bar_chart(rows: list[tuple[str, float]], *, title: str, unit: str, limit: int = 10) -> dict:
    """A horizontal bar chart of (label, value) rows, bars scaled to the largest value. Past
    `limit` rows only the largest are drawn and the rest are summed up, so a district of 300
    schools gets a readable card, not a 300-bar one."""
    if len(rows) > limit:
        rows = sorted(rows, key=lambda row: row[1], reverse=True)
    shown, rest = rows[:limit], rows[limit:]
    largest = max((value for _, value in shown), default=0) or 1
    return {
        "title": title,
        "unit": unit,
        "bars": [
            Bar(label, value, round(value * 100 / largest, 1), PALETTE[0]) for label, value in shown
        ],
        "rest": {"count": len(rest), "total": sum(value for _, value in rest)},
        "total": sum(value for _, value in rows),
    }
