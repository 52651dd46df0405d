import datetime

from django import forms
from django.utils import timezone

from homeroom.classrooms.choices import ItemResult, PlanTarget, ResourceKind
from homeroom.classrooms.models import AVDetails, MaintenancePlan, Period, Resource
from homeroom.core.calendar import district_zone


class ResourceForm(forms.ModelForm):
    class Meta:
        model = Resource
        fields = [
            "site",
            "kind",
            "name",
            "room",
            "description",
            "needs_approval",
            "max_minutes",
            "advance_days",
            "is_active",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"max_minutes": "Longest booking (minutes)", "advance_days": "Days ahead"}

    def __init__(self, *args, sites=None, rooms=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sites is not None:
            self.fields["site"].queryset = sites
        if rooms is not None:
            self.fields["room"].queryset = rooms
        self.fields["kind"].choices = ResourceKind.choices


class ReservationForm(forms.Form):
    """A booking by periods of the day's bell schedule, or by times; weekly if asked."""

    day = forms.DateField(
        label="Day", widget=forms.DateInput(attrs={"type": "date"}), help_text="The first day."
    )
    periods = forms.ModelMultipleChoiceField(
        queryset=Period.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the periods, one after another (e.g. 2 and 3).",
    )
    starts_at = forms.TimeField(
        required=False,
        label="Or from",
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="Only when you book by time instead of periods.",
    )
    ends_at = forms.TimeField(
        required=False, label="Until", widget=forms.TimeInput(attrs={"type": "time"})
    )
    repeat_until = forms.DateField(
        required=False,
        label="Every week until",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty for one day. Days the school is closed are skipped.",
    )
    purpose = forms.CharField(required=False, max_length=200, label="What for (optional)")

    def __init__(self, *args, periods=None, **kwargs):
        super().__init__(*args, **kwargs)
        if periods is not None:
            self.fields["periods"].queryset = periods
            self.fields["periods"].label_from_instance = lambda period: (
                f"{period} · {period.starts_at:%-I:%M}\N{EN DASH}"
                f"{period.ends_at:%-I:%M %p} ({period.schedule.name})"
            )

    def clean(self):
        data = super().clean()
        if not data.get("periods") and not (data.get("starts_at") and data.get("ends_at")):
            raise forms.ValidationError("Tick the periods, or give a start and an end time.")
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            "day": data["day"],
            "repeat_until": data.get("repeat_until"),
            "purpose": data.get("purpose", ""),
        }
        if data.get("periods"):
            values["periods"] = list(data["periods"])
        else:
            zone = district_zone()
            values["starts_at"] = datetime.datetime.combine(data["day"], data["starts_at"], zone)
            values["ends_at"] = datetime.datetime.combine(data["day"], data["ends_at"], zone)
            values.pop("day")
        return values


class AVForm(forms.ModelForm):
    class Meta:
        model = AVDetails
        fields = [
            "firmware",
            "mount",
            "connected_computer",
            "lamp_hours",
            "lamp_life",
            "filter_cleaned_on",
        ]
        widgets = {"filter_cleaned_on": forms.DateInput(attrs={"type": "date"})}


class PlanForm(forms.ModelForm):
    checklist = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One step a line, e.g. Clean the filter.",
    )

    class Meta:
        model = MaintenancePlan
        fields = [
            "name",
            "site",
            "target",
            "device_model",
            "category",
            "room_kind",
            "every",
            "unit",
            "meter_every",
            "window_days",
            "starts_on",
        ]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"meter_every": "Or every so many lamp hours", "every": "Every"}

    def __init__(self, *args, sites=None, **kwargs):
        super().__init__(*args, **kwargs)
        from homeroom.devices.choices import DeviceCategory

        if sites is not None:
            self.fields["site"].queryset = sites
        self.fields["target"].choices = PlanTarget.choices
        self.fields["category"] = forms.ChoiceField(
            choices=[("", "—"), *DeviceCategory.choices], required=False, label="Kind of device"
        )
        self.fields["starts_on"].initial = timezone.localdate()

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["checklist"] = [
            line.strip() for line in data["checklist"].splitlines() if line.strip()
        ]
        return data


class TaskForm(forms.Form):
    """A result for each checklist step, the reading and the time spent."""

    meter_reading = forms.IntegerField(
        required=False, min_value=0, max_value=10_000_000, label="Lamp hours now (if any)"
    )
    minutes_spent = forms.IntegerField(
        required=False, min_value=0, max_value=24 * 60, label="Minutes spent"
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, checklist=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.checklist = list(checklist)
        for number, item in enumerate(self.checklist):
            self.fields[f"item_{number}"] = forms.ChoiceField(
                label=item,
                choices=ItemResult.choices,
                widget=forms.RadioSelect,
                initial=ItemResult.PASS,
            )
        self.order_fields(
            [f"item_{n}" for n in range(len(self.checklist))]
            + ["meter_reading", "minutes_spent", "notes"]
        )

    def results(self) -> dict:
        return {
            item: self.cleaned_data[f"item_{number}"] for number, item in enumerate(self.checklist)
        }
