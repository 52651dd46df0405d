import calendar
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


WEEKDAYS = [(str(n), name) for n, name in enumerate(calendar.day_name)]


class BellScheduleForm(forms.Form):
    """A day type: its weekdays and its periods, one a line as "name, start, end"."""

    site = forms.ModelChoiceField(queryset=None, label="School")
    name = forms.CharField(max_length=100, help_text="e.g. Regular day, Early release.")
    weekdays = forms.MultipleChoiceField(
        choices=WEEKDAYS, widget=forms.CheckboxSelectMultiple, help_text="The days it applies to."
    )
    periods = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 9}),
        help_text="One period a line: its name, start and end, e.g. 2, 8:55, 9:45 "
        "(or 2, 8:55 am, 9:45 am).",
    )

    def __init__(self, *args, sites=None, schedule=None, **kwargs):
        if schedule is not None:
            kwargs.setdefault(
                "initial",
                {
                    "site": schedule.site_id,
                    "name": schedule.name,
                    "weekdays": [str(day) for day in schedule.weekdays],
                    "periods": "\n".join(
                        f"{p.name}, {p.starts_at:%H:%M}, {p.ends_at:%H:%M}"
                        for p in schedule.periods.order_by("starts_at")
                    ),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        if schedule is not None:
            self.fields["site"].disabled = True

    def clean_weekdays(self) -> list[int]:
        return [int(day) for day in self.cleaned_data["weekdays"]]

    def clean_periods(self) -> list[tuple]:
        periods, problems = [], []
        for number, line in enumerate(self.cleaned_data["periods"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(",")]
            if len(parts) != 3 or not parts[0]:
                problems.append(
                    f"Line {number}: write the name, start and end, e.g. 2, 8:55, 9:45."
                )
                continue
            times = [_clock(part) for part in parts[1:]]
            if None in times:
                problems.append(f"Line {number}: “{line.strip()}” has a time that is not a time.")
                continue
            periods.append((parts[0], *times))
        if problems:
            raise forms.ValidationError(problems)
        return periods


def _clock(text: str) -> datetime.time | None:
    for pattern in ("%H:%M", "%I:%M %p", "%I:%M%p", "%I %p"):
        try:
            return datetime.datetime.strptime(text.upper(), pattern).time()
        except ValueError:
            continue
    return None


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
    named_devices = forms.CharField(
        required=False,
        label="Named devices",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a plan of named devices: one asset tag or serial number a line (scan them).",
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
            "is_active",
        ]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "date"})}
        labels = {
            "meter_every": "Or every so many lamp hours",
            "every": "Every",
            "is_active": "Active (untick to pause: no new tasks until it is ticked again)",
        }

    def __init__(self, *args, sites=None, devices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.device_choices = devices
        from homeroom.devices.choices import DeviceCategory

        if sites is not None:
            self.fields["site"].queryset = sites
        self.fields["target"].choices = PlanTarget.choices
        self.fields["category"] = forms.ChoiceField(
            choices=[("", "—"), *DeviceCategory.choices], required=False, label="Kind of device"
        )
        if self.instance.pk is None:
            self.fields["starts_on"].initial = timezone.localdate()
        else:
            self.initial["checklist"] = "\n".join(self.instance.checklist)
            self.initial["named_devices"] = "\n".join(
                self.instance.devices.order_by("asset_tag").values_list("asset_tag", flat=True)
            )

    def clean_named_devices(self) -> list:
        """The devices named, each by asset tag or serial, among those the user sees."""
        from django.db.models import Q

        scans = list(
            dict.fromkeys(line.strip() for line in self.cleaned_data["named_devices"].splitlines())
        )
        scans = [scan for scan in scans if scan]
        if len(scans) > 500:
            raise forms.ValidationError("Name at most 500 devices; plan a model or kind instead.")
        found, unknown = [], []
        for scan in scans:
            device = (
                self.device_choices.filter(
                    Q(asset_tag__iexact=scan) | Q(serial_number__iexact=scan)
                )
                .order_by("pk")
                .first()
                if self.device_choices is not None
                else None
            )
            (found if device is not None else unknown).append(device or scan)
        if unknown:
            raise forms.ValidationError(f"No device of yours is {', '.join(unknown)}.")
        return found

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["checklist"] = [
            line.strip() for line in data["checklist"].splitlines() if line.strip()
        ]
        data["devices"] = data.pop("named_devices")
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
    failed_opens = forms.ChoiceField(
        label="A failed step opens",
        choices=[
            ("ticket", "A help-desk ticket for each failed step"),
            ("repair", "A repair work order, escalated to district IT"),
        ],
        initial="ticket",
        required=False,
        widget=forms.RadioSelect,
    )

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
            + ["meter_reading", "minutes_spent", "notes", "failed_opens"]
        )

    def results(self) -> dict:
        return {
            item: self.cleaned_data[f"item_{number}"] for number, item in enumerate(self.checklist)
        }
