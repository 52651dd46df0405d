from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting

from homeroom.core.models import Room, Site


class FormRenderer(TemplatesSetting):
    """Every form: an error summary at the top, then label, hint, error and input per field."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


def form_errors(form, error: ValidationError) -> None:
    """Show a service's refusal next to the field it is about, or at the top of the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


class SiteForm(forms.ModelForm):
    class Meta:
        model = Site
        fields = ["name", "code", "type", "address", "phone", "is_active"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_active": "Active"}


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["site", "number", "name", "kind", "floor", "is_active"]
        labels = {"is_active": "In use"}

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


WEEKDAY_CHOICES = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class SchoolHoursForm(forms.Form):
    use_district_hours = forms.BooleanField(
        required=False,
        label="Use the district hours instead",
        help_text="This school then follows the district's days and times.",
    )
    school_days = forms.TypedMultipleChoiceField(
        choices=WEEKDAY_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The help desk clock runs only on these days.",
    )
    opens_at = forms.TimeField(
        label="Opens at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="For example 07:30.",
    )
    closes_at = forms.TimeField(
        label="Closes at",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="For example 16:00.",
    )

    def __init__(self, *args, district_hours: str | None, **kwargs):
        """`district_hours` describes the district's hours for a site that has its own, which
        it can go back to; None hides that choice."""
        super().__init__(*args, **kwargs)
        if district_hours is None:
            del self.fields["use_district_hours"]
        else:
            self.fields["use_district_hours"].help_text = f"The district's hours: {district_hours}."

    def clean(self):
        data = super().clean()
        if data.get("use_district_hours"):
            return data
        if not data.get("school_days"):
            self.add_error("school_days", "Pick at least one school day.")
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", "Closing time must be after opening time.")
        return data


class ClosedDayForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        required=False,
        empty_label="The whole district",
        label="Where",
        help_text="One school, or every school in the district.",
    )
    starts_on = forms.DateField(
        label="First closed day", widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label="Last closed day",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for a single day.",
    )
    reason = forms.CharField(
        max_length=200, help_text="For example Thanksgiving break or Snow day."
    )

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean(self):
        data = super().clean()
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last closed day cannot be before the first.")
        return data
