from django import template

from homeroom.fees.services import dollars as format_dollars

register = template.Library()


@register.filter
def dollars(value) -> str:
    return "" if value is None else format_dollars(value)
