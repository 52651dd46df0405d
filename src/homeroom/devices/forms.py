from django import forms

from homeroom.devices.choices import AssignmentKind, Condition, DeviceStatus

CHECK_IN_STATUSES = [
    (DeviceStatus.IN_STOCK, "In stock"),
    (DeviceStatus.LOANER_POOL, "Loaner pool"),
    (DeviceStatus.IN_REPAIR, "In repair"),
]


class ScanForm(forms.Form):
    """One scan at the station. The settings above the scan field stay between scans."""

    MODES = [("out", "Check out"), ("in", "Check in")]

    mode = forms.ChoiceField(choices=MODES, initial="out", widget=forms.RadioSelect)
    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
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
    override_fees = forms.BooleanField(required=False, widget=forms.HiddenInput)
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
