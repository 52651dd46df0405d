from django import forms

from homeroom.core.numbers import LARGEST_ID, integer_range
from homeroom.devices.choices import AssignmentKind, Condition, DeviceCategory, DeviceStatus
from homeroom.devices.models import CartSlot, Device, DeviceModel

CHECK_IN_STATUSES = [
    (DeviceStatus.IN_STOCK, "In stock"),
    (DeviceStatus.LOANER_POOL, "Loaner pool"),
    (DeviceStatus.IN_REPAIR, "In repair"),
]


class ScanForm(forms.Form):
    """One scan at the station. The check-out kind stays between scans; the check-in
    exceptions (condition, charger, where it goes) apply to the next check-in only, unless
    `keep_settings` keeps them for every scan."""

    CHECK_IN_DEFAULTS = {
        "status_after": DeviceStatus.IN_STOCK,
        "condition": Condition.GOOD,
        "charger_returned": True,
    }

    MODES = [("out", "Check out"), ("in", "Check in")]

    mode = forms.ChoiceField(choices=MODES, initial="out", widget=forms.RadioSelect)
    person = forms.IntegerField(required=False, max_value=LARGEST_ID, widget=forms.HiddenInput)
    kind = forms.ChoiceField(
        choices=AssignmentKind.choices,
        initial=AssignmentKind.ONE_TO_ONE,
        label="Kind of check-out",
        required=False,
    )
    status_after = forms.ChoiceField(
        choices=CHECK_IN_STATUSES,
        label="Put back as",
        initial=DeviceStatus.IN_STOCK,
        required=False,
    )
    condition = forms.ChoiceField(choices=Condition.choices, initial=Condition.GOOD, required=False)
    charger_returned = forms.BooleanField(required=False, initial=True, label="Charger came back")
    keep_settings = forms.BooleanField(
        required=False,
        label="Keep for every scan",
        help_text="Otherwise these go back to good, charger back and in stock after one scan.",
    )
    override_fees = forms.BooleanField(required=False, widget=forms.HiddenInput)
    confirm_second = forms.BooleanField(required=False, widget=forms.HiddenInput)
    scan = forms.CharField(
        max_length=128,
        label="Scan a device",
        help_text="Asset tag or serial number; press Enter after typing.",
    )


class CheckOutForm(forms.Form):
    """Check a device (often a cart) out from its page, to a room or a member of staff."""

    room = forms.ModelChoiceField(queryset=None, required=False, label="To a room")
    person = forms.ModelChoiceField(queryset=None, required=False, label="Or to a teacher")
    kind = forms.ChoiceField(
        choices=AssignmentKind.choices, initial=AssignmentKind.SHORT_TERM, label="Kind of check-out"
    )
    override_fees = forms.BooleanField(
        required=False, widget=forms.HiddenInput, label="Check out anyway (recorded in the history)"
    )

    def __init__(self, *args, rooms, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        self.fields["person"].queryset = staff

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("room")) == bool(cleaned.get("person")):
            raise forms.ValidationError("Choose a room or a teacher (one of them).")
        return cleaned

    def offer_fee_override(self, block) -> None:
        """After the fee rule refused the check-out: say why, and offer a box to check out
        anyway."""
        self.fields["override_fees"].widget = forms.CheckboxInput()
        self.add_error("override_fees", str(block))


class DeviceForm(forms.ModelForm):
    """Add or edit one device. Status is picked only when adding; later it moves through
    check-outs, repairs and the status buttons."""

    NEW_STATUSES = [
        (DeviceStatus.IN_STOCK, "In stock"),
        (DeviceStatus.LOANER_POOL, "Loaner pool"),
        (DeviceStatus.DEPLOYED, "Deployed (e.g. mounted in a classroom)"),
    ]

    status = forms.ChoiceField(choices=NEW_STATUSES, initial=DeviceStatus.IN_STOCK)

    class Meta:
        model = Device
        fields = [
            "asset_tag",
            "serial_number",
            "model",
            "site",
            "home_room",
            "status",
            "condition",
            "funding_source",
            "purchase_date",
            "purchase_cost",
            "order_number",
            "vendor",
            "warranty_end",
            "mac_addresses",
            "org_unit_path",
            "notes",
        ]
        widgets = {
            "purchase_date": forms.DateInput(attrs={"type": "date"}),
            "warranty_end": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"home_room": "Home room", "mac_addresses": "MAC addresses"}

    def __init__(self, *args, sites, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["home_room"].queryset = rooms.select_related("site")
        self.fields["home_room"].label_from_instance = lambda room: f"{room.site.name} · {room}"
        self.fields["model"].queryset = DeviceModel.objects.select_related("manufacturer")
        if self.instance.pk:
            del self.fields["status"]

    def clean(self):
        cleaned = super().clean()
        room, site = cleaned.get("home_room"), cleaned.get("site")
        if room and site and room.site_id != site.pk:
            self.add_error("home_room", f"Room {room} is not at {site}.")
        return cleaned


class DeviceModelForm(forms.Form):
    manufacturer = forms.CharField(max_length=100, help_text="e.g. Acer, Dell, Lenovo")
    name = forms.CharField(max_length=200, label="Model name", help_text="e.g. Chromebook 311")
    category = forms.ChoiceField(choices=DeviceCategory.choices, label="Kind")
    auto_update_through = forms.DateField(
        required=False,
        label="Updates until",
        help_text="Chromebooks: the last month Google sends updates.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    warranty_months = forms.IntegerField(min_value=0, max_value=120, initial=12)


class BulkForm(forms.Form):
    """Change the ticked devices of the list at once."""

    status = forms.ChoiceField(
        choices=[("", "Keep status"), *DeviceStatus.choices], required=False, label="Status"
    )
    site = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Keep site", label="Move to site"
    )
    room_number = forms.CharField(
        max_length=20,
        required=False,
        label="Home room number",
        help_text="At the site chosen, or the devices' own site.",
    )
    note = forms.CharField(max_length=200, required=False, label="Why (for the history)")

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["site"].queryset = sites
        for field in self.fields.values():
            field.widget.attrs["form"] = "selection-form"

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("status") or cleaned.get("site") or cleaned.get("room_number")):
            raise forms.ValidationError("Choose a status, a site or a room to change.")
        return cleaned


class SlotForm(forms.Form):
    scan = forms.CharField(max_length=128, label="Scan a device into the cart")
    number = forms.IntegerField(
        min_value=1,
        max_value=integer_range(CartSlot, "number")[1],
        required=False,
        label="Slot (empty: the first free one)",
        widget=forms.NumberInput(attrs={"size": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
