"""The device formats' forms: the options of an upload, the mapping step of an other CSV file
(its columns) and of Google Admin and Snipe-IT files (their org units, locations and
categories that match nothing), and a saved value mapping."""

from django import forms

from homeroom.core.models import Site
from homeroom.core.selectors import sites_for
from homeroom.devices.choices import DeviceCategory, DeviceImportKind
from homeroom.devices.importers import generic
from homeroom.devices.importers.sniff import CSV, HEAD_BYTES, NotADeviceFile, Preview, preview

NOT_YOURS = "Choose one of your sites for new devices."


class GoogleOptions(forms.Form):
    """What a Google Admin file is checked with: the site of new devices that name none."""

    site = forms.ModelChoiceField(
        label="Site for new devices",
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label="Only the site each row names",
        help_text="Where a new device goes when its row names no site. Devices Homeroom "
        "already has stay where they are.",
        error_messages={"invalid_choice": NOT_YOURS},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        sites = sites_for(user) if user is not None else Site.objects.all()
        self.fields["site"].queryset = sites.order_by("name")


class DeviceOptions(GoogleOptions):
    """Snipe-IT and other CSV files: also the kind of device of new models that tell none."""

    default_category = forms.ChoiceField(
        label="Kind of device for new models",
        choices=[("", "Tell from each row"), *DeviceCategory.choices],
        required=False,
        help_text="For new models whose category and name do not tell what they are.",
    )


def file_preview(run) -> Preview:
    """The stored file's header and a few values of each column."""
    with open(run.file_path, "rb") as handle:
        return preview(handle.read(HEAD_BYTES), CSV)


class MappingForm(forms.Form):
    """One select per Homeroom field, listing the file's columns with a few of their values:
    the mapping step of an other CSV file."""

    NOT_IN_FILE = ("", "— not in this file —")

    def __init__(self, *args, run, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            self.preview = preview = file_preview(run)
        except (OSError, NotADeviceFile):
            self.preview = preview = Preview([], {})
        initial_mapping = run.mappings or generic.guess_mapping(preview.header, preview.samples)
        self.header = preview.header
        choices = [self.NOT_IN_FILE] + [
            (name, f"{name}: {', '.join(map(short, preview.samples[name]))}")
            if preview.samples[name]
            else (name, name)
            for name in preview.header
            if name
        ]
        for field in generic.FIELDS:
            self.fields[field.key] = forms.ChoiceField(
                label=field.label,
                choices=choices,
                required=False,
                help_text=field.hint,
                initial=initial_mapping.get(field.key, ""),
            )

    def clean(self):
        cleaned = super().clean()
        mapping = {key: column for key, column in cleaned.items() if column}
        for problem in generic.mapping_problems(mapping, self.header):
            self.add_error(None, problem)
        cleaned["mappings"] = mapping
        return cleaned


def short(value: str, length: int = 24) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


FIELD_WORDS = {"org_unit": "Org unit", "location": "Location", "category": "Category"}
NOT_NOW = "— leave for now —"


def unmapped_label(found: dict) -> str:
    rows = f"{found['rows']} row{'' if found['rows'] == 1 else 's'}"
    return f"{FIELD_WORDS[found['field']]} “{found['value']}” ({rows})"


class UnmappedForm(forms.Form):
    """The mapping step of Google Admin and Snipe-IT files: for each value a check listed as
    matching nothing, a site (and, for a Snipe-IT location, a room of it) or a kind of device.
    What is chosen is saved for later imports (ImportValueMapping)."""

    def __init__(self, *args, run, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.unmapped = run.details.get("unmapped", [])
        self.groups: list[tuple[str, list[str]]] = []
        sites = sites_for(user).order_by("name")
        for index, found in enumerate(self.unmapped):
            label = unmapped_label(found)
            if found["field"] == "category":
                self.fields[f"kind_{index}"] = forms.ChoiceField(
                    label="Kind of device",
                    choices=[("", NOT_NOW), *DeviceCategory.choices],
                    required=False,
                )
                names = [f"kind_{index}"]
            else:
                self.fields[f"site_{index}"] = forms.ModelChoiceField(
                    label="Site",
                    queryset=sites,
                    to_field_name="code",
                    required=False,
                    empty_label=NOT_NOW,
                )
                names = [f"site_{index}"]
                if run.kind == DeviceImportKind.SNIPEIT:
                    self.fields[f"room_{index}"] = forms.CharField(
                        label="Room at that site (optional)",
                        help_text="Its number, e.g. 114; blank for the site as a whole.",
                        required=False,
                        max_length=40,
                    )
                    names.append(f"room_{index}")
            self.groups.append((label, names))

    def grouped(self) -> list[tuple[str, list]]:
        """(the value and its rows, its fields) for the page, one fieldset each."""
        return [(label, [self[name] for name in names]) for label, names in self.groups]

    def clean(self):
        cleaned = super().clean()
        chosen = []
        for index, found in enumerate(self.unmapped):
            item = {"field": found["field"], "value": found["value"]}
            if found["field"] == "category":
                if cleaned.get(f"kind_{index}"):
                    chosen.append({**item, "category": cleaned[f"kind_{index}"]})
                continue
            site, room = cleaned.get(f"site_{index}"), cleaned.get(f"room_{index}", "")
            if room and site is None:
                self.add_error(f"site_{index}", "Choose the site the room is at.")
            elif site is not None:
                chosen.append({**item, "site": site, "room_number": room})
        if not chosen and not self.errors:
            raise forms.ValidationError("Choose a site or a kind of device for at least one value.")
        cleaned["mappings"] = {"values": chosen}
        return cleaned


class SavedMappingForm(forms.Form):
    """Changing one saved mapping: another site (and room) or another kind of device."""

    site = forms.ModelChoiceField(label="Site", queryset=None, to_field_name="code")
    room = forms.CharField(label="Room at that site (optional)", required=False, max_length=40)
    category = forms.ChoiceField(label="Kind of device", choices=DeviceCategory.choices)

    def __init__(self, *args, user, mapping, **kwargs):
        super().__init__(*args, **kwargs)
        if mapping.field == "category":
            del self.fields["site"], self.fields["room"]
        else:
            del self.fields["category"]
            self.fields["site"].queryset = sites_for(user).order_by("name")
            if mapping.source != DeviceImportKind.SNIPEIT:
                del self.fields["room"]
