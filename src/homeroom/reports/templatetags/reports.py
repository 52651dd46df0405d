from django import template

register = template.Library()


@register.filter
def business_time(hours: float | None) -> str:
    """Business hours as people say them: “about 40 min”, “about 2.5 h”; a dash for none."""
    if hours is None:
        return "—"
    if hours < 1:
        return f"about {max(1, round(hours * 60))} min"
    return f"about {hours:.1f} h" if hours < 10 else f"about {round(hours)} h"


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:g} %"
