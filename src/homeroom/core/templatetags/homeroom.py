import datetime
import re

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst

register = template.Library()

# A moment as audit events store it (datetime.isoformat()).
ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?([+-]\d\d:\d\d|Z)?")


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


def _field(model, name: str) -> models.Field | None:
    """The model's own field of that name (a key such as "holder" may name a relation)."""
    try:
        field = model._meta.get_field(name) if model is not None else None
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def _field_label(model, name: str) -> str:
    """A changed field as people call it: its verbose name ("Default amount"); keys that are
    no field (a checklist step, "due back") are already words."""
    field = _field(model, name)
    label = getattr(field, "verbose_name", None) or str(name).replace("_", " ")
    return capfirst(str(label))


def _value_in_words(field, value) -> str:
    """A stored value as people read it: a choice's label, yes/no, a date in plain words."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_value_in_words(field, item) for item in value) or "—"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and ISO_MOMENT.fullmatch(value):
        moment = datetime.datetime.fromisoformat(value)
        if timezone.is_aware(moment):
            return when(moment)
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day:%a} {day.day} {day:%b %Y}"
    return str(value)


def _in_field_order(model, changes: dict) -> list[tuple[str, object]]:
    """The changes in the order the model declares its fields (PostgreSQL's jsonb keeps
    keys in an order of its own), keys that are no field last."""
    order = {field.name: n for n, field in enumerate(model._meta.get_fields())} if model else {}
    return sorted(changes.items(), key=lambda item: order.get(item[0], len(order)))


@register.filter
def change_rows(event) -> list[tuple[str, str | None, str]]:
    """What an audit event changed, in words: [(field, old value or None, new value)]."""
    model = event.content_type.model_class()
    rows = []
    for name, values in _in_field_order(model, event.changes):
        old, new = values if isinstance(values, list) and len(values) == 2 else (None, values)
        field = _field(model, name)
        rows.append(
            (
                _field_label(model, name),
                None if old is None else _value_in_words(field, old),
                _value_in_words(field, new),
            )
        )
    return rows


@register.filter
def changed_fields(event) -> str:
    """The fields an audit event changed, by their names: "Name, Category, Default amount"."""
    model = event.content_type.model_class()
    return ", ".join(_field_label(model, name) for name, _ in _in_field_order(model, event.changes))


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
