"""A tiny import format that lives in the test suite only: a CSV list of rooms for one site
(`number,name`), with a mapping step when the file calls its number column something else.
Registering it proves that a new format needs nothing from core but `register_format`."""

import csv
from contextlib import contextmanager

from django import forms

from homeroom.core.access import Rule
from homeroom.core.import_formats import ImportFormat, Plan, register_format, unregister_format
from homeroom.core.models import Room
from homeroom.core.selectors import sites_for

KIND = "tiny-rooms"


class SiteOptions(forms.Form):
    site = forms.ModelChoiceField(queryset=None, to_field_name="code", label="Site")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from homeroom.core.models import Site

        self.fields["site"].queryset = sites_for(user) if user is not None else Site.objects.all()


def _read(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [line for line in csv.reader(handle) if any(cell.strip() for cell in line)]


class ColumnMapping(forms.Form):
    number = forms.ChoiceField(label="Column holding the room number")

    def __init__(self, *args, run, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        header = _read(run.file_path)[0]
        self.fields["number"].choices = [(name, name) for name in header]

    def clean(self):
        return {"mappings": {"number": self.cleaned_data.get("number", "")}}


class TinyRooms(ImportFormat):
    kind = KIND
    label = "room list"
    description = "A CSV file of room numbers and names for one site."
    view_rule = Rule("core.change_room")
    use_rule = Rule("core.add_room")
    refusal = "Only those who add rooms import room lists."
    accept = ".csv"
    max_bytes = 64 * 1024
    options_form = SiteOptions
    mapping_form = ColumnMapping
    preview_columns = (("line", "Line"), ("number", "Number"), ("name", "Name"))
    example_name = "rooms.csv"
    example = b"number,name\nT1,Tiny one\n"

    def read_head(self, head, name):
        return "The file is empty." if not head.strip() else ""

    def needs_mapping(self, run):
        header = [name.strip().lower() for name in _read(run.file_path)[0]]
        return "number" not in header and not run.mappings.get("number")

    def count(self, path):
        return max(len(_read(path)) - 1, 0)

    def check(self, run, path, *, actor, progress):
        lines = _read(path)
        header = [name.strip() for name in lines[0]]
        number_column = run.mappings.get("number") or "number"
        where = {name.lower(): n for n, name in enumerate(header)}
        number_at, name_at = where.get(number_column.lower()), where.get("name")
        if number_at is None:
            return Plan(problems=[f"{run.file_name}:1: header: no “{number_column}” column"])
        existing = set(Room.objects.filter(site=run.site).values_list("number", flat=True))
        plan = Plan(data=[])
        seen = set()
        for line, cells in enumerate(lines[1:], start=2):
            number = cells[number_at].strip() if number_at < len(cells) else ""
            name = cells[name_at].strip() if name_at is not None and name_at < len(cells) else ""
            if not number:
                plan.problems.append(f"{run.file_name}:{line}: {number_column}: no room number")
            elif number in seen:
                plan.problems.append(
                    f"{run.file_name}:{line}: {number_column}: {number} is listed twice"
                )
            elif number in existing:
                plan.data.append(None)
            else:
                plan.changes.append({"line": line, "number": number, "name": name})
                plan.data.append((number, name))
            seen.add(number)
            progress(line - 1, len(lines) - 1, f"Checking row {line - 1}")
        created = len(plan.changes)
        plan.counts = {"rooms": {"new": created, "unchanged": len(plan.data) - created}}
        return plan

    def apply(self, run, plan, *, actor):
        for item in plan.data:
            if item is not None:
                room = Room(site=run.site, number=item[0], name=item[1])
                room.full_clean()
                room.save()
        return plan.counts


@contextmanager
def registered():
    register_format(TinyRooms())
    try:
        yield
    finally:
        unregister_format(KIND)


def csv_upload(text: str, name: str = "rooms.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), "text/csv")
