from django import forms

from homeroom.software.choices import Category, GradeBand, PaidBy, Platform, Rostering, SignIn
from homeroom.software.models import MAX_COST


def _ticks(choices, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class ToolForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="As people call it, e.g. “Khan Academy”.")
    vendor = forms.CharField(max_length=120, required=False, help_text="Who makes it.")
    website = forms.URLField(assume_scheme="https", max_length=300, required=False)
    category = forms.ChoiceField(choices=Category.choices)
    uses_ai = forms.BooleanField(
        required=False, label="Uses AI", help_text="It generates text, images or feedback."
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What it does."
    )
    grade_bands = _ticks(GradeBand.choices, "Grades", "Tick none for any grade.")
    subjects = forms.CharField(max_length=200, required=False, help_text="e.g. Math, Science.")
    sign_in = _ticks(SignIn.choices, "How people sign in")
    rostering = _ticks(Rostering.choices, "How it gets its class lists")
    platforms = _ticks(Platform.choices, "Where it runs")
    extension_ids = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Chrome extension or app ids",
        help_text="One per line: the 32 letters at the end of its Chrome Web Store address, "
        "for the admin console to force-install.",
    )
    sign_in_help = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Sign-in help for students",
        help_text="e.g. “Choose Sign in with Google and use your school account.”",
    )
    owner = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Who looks after accounts and renewals."
    )
    champion = forms.ModelChoiceField(
        queryset=None, required=False, help_text="The teacher who helps colleagues with it."
    )
    all_schools = forms.BooleanField(required=False, label="Used at every school")
    sites = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Schools that use it",
    )

    def __init__(self, *args, owners, champions, sites, every_site: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["champion"].queryset = champions
        self.fields["sites"].queryset = sites
        if not every_site:
            del self.fields["all_schools"]


class LicenceForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="The district", label="For"
    )
    seats = forms.IntegerField(
        min_value=1, max_value=10_000_000, required=False, help_text="Empty for unlimited."
    )
    cost = forms.DecimalField(
        min_value=0, max_value=MAX_COST, decimal_places=2, required=False, label="Cost per year ($)"
    )
    renews_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, label="Renews on"
    )
    paid_by = forms.ChoiceField(choices=PaidBy.choices, label="Who pays")
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
