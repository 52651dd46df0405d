import json

from django import forms

from homeroom.core.import_limits import LimitExceeded, check_upload_size
from homeroom.core.selectors import sites_for
from homeroom.devices.choices import DeviceCategory, DeviceImportKind
from homeroom.devices.importers import generic
from homeroom.devices.importers.upload import HEAD_BYTES, NotADeviceFile, Preview, preview


class DeviceImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of file is it?",
        choices=[
            (DeviceImportKind.GOOGLE, "Google Admin ChromeOS device list (console or GAM)"),
            (DeviceImportKind.SNIPEIT, "Snipe-IT asset export"),
            (DeviceImportKind.CSV, "Other CSV file: you match its columns next"),
        ],
        widget=forms.RadioSelect,
        initial=DeviceImportKind.GOOGLE,
    )
    file = forms.FileField(
        label="File to import",
        help_text="Saved as CSV (UTF-8). Nothing changes until you have seen the check and "
        "pressed Apply.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    site = forms.ModelChoiceField(
        label="Site for new devices",
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label="Only the site each row names",
        help_text="Where a new device goes when its row names no site. Devices Homeroom "
        "already has stay where they are.",
    )
    default_category = forms.ChoiceField(
        label="Kind of device for new models",
        choices=[("", "Tell from each row"), *DeviceCategory.choices],
        required=False,
        help_text="Snipe-IT and other files: for new models whose category and name do not "
        "tell what they are.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user).order_by("name")
        self.preview: Preview | None = None

    def clean(self):
        cleaned = super().clean()
        upload, kind = cleaned.get("file"), cleaned.get("kind")
        if upload is None or kind is None:
            return cleaned
        try:
            check_upload_size(upload.size)
        except LimitExceeded as error:
            self.add_error("file", str(error))
            return cleaned
        head = upload.read(HEAD_BYTES)
        upload.seek(0)
        try:
            self.preview = preview(head, kind)
        except NotADeviceFile as error:
            self.add_error("file", str(error))
        return cleaned


class RecheckForm(forms.Form):
    """The options an import may be checked again with."""

    site = forms.ModelChoiceField(
        label="Site for new devices",
        queryset=None,
        to_field_name="code",
        required=False,
        empty_label="Only the site each row names",
    )
    default_category = forms.ChoiceField(
        label="Kind of device for new models",
        choices=[("", "Tell from each row"), *DeviceCategory.choices],
        required=False,
    )

    def __init__(self, *args, user, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user).order_by("name")
        if kind == DeviceImportKind.GOOGLE:
            del self.fields["default_category"]


class ApiImportForm(DeviceImportForm):
    """The API's upload: the same checks, and an other CSV file's mapping as JSON."""

    mapping = forms.CharField(required=False)

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("mapping") or ""
        cleaned["mapping"] = {}
        if self.preview is None or cleaned.get("kind") != DeviceImportKind.CSV:
            return cleaned
        try:
            mapping = json.loads(text) if text.strip() else None
        except json.JSONDecodeError as error:
            self.add_error("mapping", f"Not valid JSON: {error}")
            return cleaned
        if mapping is None:
            mapping = generic.guess_mapping(self.preview.header, self.preview.samples)
        if not isinstance(mapping, dict) or not all(
            isinstance(column, str) for column in mapping.values()
        ):
            self.add_error("mapping", 'An object such as {"serial_number": "Serial"}.')
            return cleaned
        mapping = {key: column for key, column in mapping.items() if column}
        problems = generic.mapping_problems(mapping, self.preview.header)
        for problem in problems:
            self.add_error("mapping", problem)
        cleaned["mapping"] = mapping
        return cleaned


class MappingForm(forms.Form):
    """One select per Homeroom field, listing the file's columns with a few of their values."""

    NOT_IN_FILE = ("", "— not in this file —")

    def __init__(self, *args, preview: Preview, initial_mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
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
        cleaned["mapping"] = mapping
        return cleaned


def short(value: str, length: int = 24) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


FIELD_WORDS = {"org_unit": "Org unit", "location": "Location", "category": "Category"}
NOT_NOW = "— leave for now —"


def unmapped_label(found: dict) -> str:
    rows = f"{found['rows']} row{'' if found['rows'] == 1 else 's'}"
    return f"{FIELD_WORDS[found['field']]} “{found['value']}” ({rows})"


class UnmappedForm(forms.Form):
    """For each value an import listed as matching nothing: a site (and, for a Snipe-IT
    location, a room of it) or a kind of device. What is chosen is saved for later imports."""

    def __init__(self, *args, user, record, **kwargs):
        super().__init__(*args, **kwargs)
        self.unmapped = record.unmapped
        self.groups: list[tuple[str, list[str]]] = []
        sites = sites_for(user).order_by("name")
        for index, found in enumerate(record.unmapped):
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
                if record.kind == DeviceImportKind.SNIPEIT:
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
        cleaned["chosen"] = chosen
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
