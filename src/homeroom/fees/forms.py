from decimal import Decimal

from django import forms

from homeroom.fees.choices import PaymentMethod
from homeroom.fees.models import FeePolicy, FeeReason


class MoneyField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(max_digits=9, decimal_places=2, **kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "step": "0.01"})


class ChargeForm(forms.Form):
    person = forms.ModelChoiceField(queryset=None, label="Who pays", widget=forms.HiddenInput)
    reason = forms.ModelChoiceField(queryset=None, label="Reason", empty_label="Choose a reason")
    amount = MoneyField(
        required=False,
        label="Amount ($)",
        help_text="Leave empty for the fee schedule's amount.",
    )
    site = forms.ModelChoiceField(queryset=None, label="Site", required=False)
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What happened, e.g. “Screen cracked in a fall at recess”.",
    )

    def __init__(self, *args, people, reasons, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["reason"].queryset = reasons
        self.fields["site"].queryset = sites
        self.fields["site"].help_text = "Leave empty for the person's school."


class PaymentForm(forms.Form):
    charges = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        label="Charges this pays",
        help_text="The payment goes to the oldest ticked charge first.",
    )
    amount = MoneyField(label="Amount received ($)")
    method = forms.ChoiceField(choices=PaymentMethod.choices, label="Paid by")
    receipt_number = forms.CharField(
        max_length=100,
        required=False,
        label="Receipt or check number",
        help_text="From the receipt book, the check, or the online payment site.",
    )
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, charges, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["charges"].queryset = charges
        self.fields["charges"].label_from_instance = lambda charge: (
            f"{charge.reason} · ${charge.balance} owed (charge {charge.pk}, "
            f"{charge.created_at:%d %b %Y})"
        )


class WaiverForm(forms.Form):
    amount = MoneyField(
        required=False, label="Amount to waive ($)", help_text="Leave empty to waive all of it."
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why",
        help_text="Goes on the record and the statement, e.g. “Covered by the device warranty”.",
    )


class FeeReasonForm(forms.ModelForm):
    class Meta:
        model = FeeReason
        fields = ["name", "category", "default_amount", "is_active"]
        labels = {"default_amount": "Usual amount ($)", "is_active": "On the schedule"}


class FeePolicyForm(forms.ModelForm):
    class Meta:
        model = FeePolicy
        fields = ["block_check_out", "block_above"]
        labels = {"block_above": "Limit ($)"}
