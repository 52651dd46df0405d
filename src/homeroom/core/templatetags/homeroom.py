from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()


@register.filter
def when(value) -> str:
    """A moment in plain words: "Tue 12 Nov, 2:15 pm" (the year only when it is not this one)."""
    if not value:
        return ""
    local = timezone.localtime(value)
    hour = local.strftime("%I").lstrip("0")
    text = f"{local:%a} {local.day} {local:%b}"
    if local.year != timezone.localdate().year:
        text += f" {local.year}"
    return f"{text}, {hour}:{local:%M} {local:%p}".replace("AM", "am").replace("PM", "pm")


@register.filter
def field_label(name: str) -> str:
    return str(name).replace("_", " ").capitalize()


@register.filter
def change_value(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced, for pagination and sorting."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_header(context, label: str, key: str):
    """A sortable column header: a link that sorts by `key`, flipping when already sorted."""
    current = context.get("sort", "")
    ascending = current == key
    descending = current == f"-{key}"
    target = f"-{key}" if ascending else key
    href = query_with(context, sort=target, page=None)
    state = "ascending" if ascending else "descending" if descending else "none"
    arrow = " ▲" if ascending else " ▼" if descending else ""
    return format_html(
        '<th scope="col" aria-sort="{}"><a href="{}">{}{}</a></th>', state, href, label, arrow
    )
