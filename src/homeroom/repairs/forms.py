from decimal import Decimal

from django import forms

from homeroom.core.numbers import LARGEST_ID, integer_range
from homeroom.repairs.choices import (
    ChecklistStep,
    Coverage,
    Outcome,
    PartKind,
    RepairKind,
    RepairStatus,
)
from homeroom.repairs.models import Part, RepairOrder, RepairPart, Vendor

LARGEST_STOCK = integer_range(Part, "quantity_on_hand")[1]


class RepairOpenForm(forms.Form):
    """Open a repair: the device by scan (or from its page), what is wrong, where it goes."""

    scan = forms.CharField(
        max_length=128,
        label="Device",
        help_text="Scan or type the asset tag or serial number.",
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    problem = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="What is wrong")
    kind = forms.ChoiceField(
        choices=RepairKind.choices, initial=RepairKind.IN_HOUSE, label="Repaired"
    )
    coverage = forms.ChoiceField(
        choices=[("", "From the device's warranty"), *Coverage.choices],
        required=False,
        label="Paid by",
    )
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), required=False, help_text="For depot repairs."
    )
    expected_back = forms.DateField(
        required=False,
        label="Expected back",
        help_text="Leave empty for 3 days in-house, 14 days at a depot. A weekend or a closed "
        "day moves to the next school day.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ticket = forms.IntegerField(required=False, max_value=LARGEST_ID, widget=forms.HiddenInput)

    def __init__(self, *args, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendors


class RepairDetailsForm(forms.Form):
    kind = forms.ChoiceField(choices=RepairKind.choices, label="Repaired")
    coverage = forms.ChoiceField(choices=Coverage.choices, label="Paid by")
    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none(), required=False)
    rma_number = forms.CharField(max_length=100, required=False, label="RMA number")
    expected_back = forms.DateField(
        required=False, label="Expected back", widget=forms.DateInput(attrs={"type": "date"})
    )
    labor_minutes = forms.IntegerField(
        min_value=0,
        max_value=integer_range(RepairOrder, "labor_minutes")[1],
        label="Labor (minutes)",
    )
    labor_rate = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, label="Labor rate per hour ($)"
    )
    vendor_cost = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, label="Vendor's bill ($)"
    )
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, vendors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["vendor"].queryset = vendors


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=RepairStatus.choices)
    outcome = forms.ChoiceField(choices=[("", "—"), *Outcome.choices], required=False)
    on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(max_length=300, required=False)


class ChecklistForm(forms.Form):
    step = forms.ChoiceField(choices=ChecklistStep.choices)
    done = forms.BooleanField(required=False)


class UsePartForm(forms.Form):
    """A part by scan (its part number) or picked from the site's stock."""

    part = forms.ModelChoiceField(queryset=None, required=False, label="Pick a part")
    scan = forms.CharField(
        max_length=100, required=False, label="Or scan its part number", strip=True
    )
    quantity = forms.IntegerField(
        min_value=1, max_value=integer_range(RepairPart, "quantity")[1], initial=1
    )

    def __init__(self, *args, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.parts = parts
        self.fields["part"].queryset = parts
        self.fields["part"].empty_label = "Choose a part"
        self.fields["part"].label_from_instance = lambda p: f"{p.name} ({p.quantity_on_hand} left)"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("part") is None:
            scan = cleaned.get("scan")
            if not scan:
                raise forms.ValidationError("Pick a part or scan its part number.")
            found = self.parts.filter(part_number__iexact=scan).first()
            if found is None:
                raise forms.ValidationError(f"No part here has the number “{scan}”.")
            cleaned["part"] = found
        return cleaned


class LoanerForm(forms.Form):
    scan = forms.CharField(
        max_length=128,
        required=False,
        label="Scan a loaner",
        help_text="Leave empty to give the next free loaner of the site.",
    )


class ChargeForm(forms.Form):
    reason = forms.ModelChoiceField(queryset=None, label="Fee")
    amount = forms.DecimalField(
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        label="Amount ($)",
        help_text="Filled in with the repair's total; change it to what the policy says.",
    )
    note = forms.CharField(max_length=300, required=False)

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = reasons


class PartForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None)
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=PartKind.choices)
    part_number = forms.CharField(max_length=100, required=False, label="Part number")
    unit_cost = forms.DecimalField(
        min_value=0, max_digits=10, decimal_places=2, label="Unit cost ($)"
    )
    reorder_point = forms.IntegerField(
        min_value=0,
        max_value=integer_range(Part, "reorder_point")[1],
        initial=0,
        help_text="Below this many, the part shows as low stock.",
    )
    compatible_models = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Fits these models"
    )

    def __init__(self, *args, sites, models, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["compatible_models"].queryset = models


class PartEditForm(PartForm):
    """A part's details; its site and its stock change only through stock movements."""

    is_active = forms.BooleanField(required=False, label="Still stocked")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["site"]


class ReceiveForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=LARGEST_STOCK, label="How many arrived")
    unit_cost = forms.DecimalField(
        min_value=0,
        max_digits=10,
        decimal_places=2,
        required=False,
        label="Unit cost ($)",
        help_text="Leave empty to keep the current cost.",
    )
    note = forms.CharField(max_length=300, required=False, help_text="e.g. the order number")


class AdjustForm(forms.Form):
    quantity_on_hand = forms.IntegerField(
        min_value=0, max_value=LARGEST_STOCK, label="Count on the shelf"
    )
    reason = forms.CharField(max_length=300, help_text="e.g. shelf count, broken in storage")


class VendorForm(forms.ModelForm):
    warranty_portal_url = forms.URLField(
        assume_scheme="https", required=False, label="Warranty portal"
    )

    class Meta:
        model = Vendor
        fields = [
            "name",
            "contact_name",
            "phone",
            "email",
            "depot_address",
            "warranty_portal_url",
            "notes",
            "is_active",
        ]
        widgets = {
            "depot_address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }
