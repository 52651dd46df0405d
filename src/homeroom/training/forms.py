import datetime

from django import forms
from django.utils import timezone

from homeroom.training.choices import AttendanceKind, AudienceRole, SupportKind, Topic
from homeroom.training.models import MAX_HOURS


class SessionForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="e.g. “AI in the classroom: a first look”.")
    topic = forms.ChoiceField(choices=Topic.choices)
    tool_name = forms.CharField(
        max_length=100, required=False, label="Tool or app", help_text="If it is about one."
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What people will be able to do afterwards.",
    )
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    starts = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Starts at")
    ends = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Ends at")
    repeat_weekly = forms.IntegerField(
        min_value=0,
        max_value=20,
        initial=0,
        label="Repeat weekly",
        help_text="How many more weeks, at the same time, for a series; 0 for one session.",
    )
    room = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Leave empty for an online session."
    )
    online_link = forms.URLField(
        assume_scheme="https",
        required=False,
        max_length=500,
        label="Online link",
        help_text="Meet, Zoom or Teams.",
    )
    capacity = forms.IntegerField(min_value=1, max_value=10000, label="Seats")
    credit_hours = forms.DecimalField(
        min_value=0.25, max_value=MAX_HOURS, decimal_places=2, label="Credit hours"
    )
    presenter = forms.ModelChoiceField(queryset=None)
    audience_roles = forms.MultipleChoiceField(
        choices=AudienceRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="For",
        help_text="Tick none for everyone.",
    )
    audience_sites = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Open to schools",
        help_text="Tick none for every school.",
    )
    audience_grades = forms.CharField(
        max_length=50, required=False, label="Grades taught", help_text="e.g. K-5."
    )

    def __init__(self, *args, rooms, presenters, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        self.fields["room"].label_from_instance = lambda room: f"{room.site.name}, {room}"
        self.fields["presenter"].queryset = presenters
        self.fields["audience_sites"].queryset = sites

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            zone = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, starts), zone)
            data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, ends), zone)
            if ends <= starts:
                self.add_error("ends", "The session must end after it starts.")
        if not data.get("room") and not data.get("online_link"):
            self.add_error("room", "Choose a room, or give an online link.")
        return data


class ScanForm(forms.Form):
    scan = forms.CharField(
        max_length=100,
        label="Staff badge",
        help_text="Scan the badge, or type the staff id and press Enter.",
    )


class AttendanceRowForm(forms.Form):
    """One person's line on the attendance list."""

    kind = forms.ChoiceField(
        choices=[("", "Not here"), *AttendanceKind.choices], required=False, label="Attendance"
    )
    hours = forms.DecimalField(
        min_value=0, max_value=MAX_HOURS, decimal_places=2, required=False, label="Hours"
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        coerce=int,
        choices=[
            (5, "5 — Very useful"),
            (4, "4 — Useful"),
            (3, "3 — Somewhat useful"),
            (2, "2 — Not very useful"),
            (1, "1 — Not useful"),
        ],
        widget=forms.RadioSelect,
        label="How useful was the session?",
    )
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Anything to add?",
        help_text="What helped, what to change, what you would like next. The presenter reads it.",
    )


def _at(day, time):
    if day is None or time is None:
        return None
    return timezone.make_aware(
        datetime.datetime.combine(day, time), timezone.get_current_timezone()
    )


class CoachingRequestForm(forms.Form):
    tool_name = forms.CharField(
        max_length=100, label="Tool or app", help_text="e.g. Flipgrid, the interactive display."
    )
    topic = forms.ChoiceField(choices=Topic.choices, initial=Topic.TOOL)
    room = forms.ModelChoiceField(queryset=None, help_text="Where the coach should come.")
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    time = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}),
        label="Time",
        help_text="When the lesson starts, e.g. period 3.",
    )
    details = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What would help?",
        help_text="e.g. “First lesson with Flipgrid; be the safety net” or “Show me the "
        "display's whiteboard”.",
    )
    kind = forms.ChoiceField(
        choices=[("", "Whatever fits best"), *SupportKind.choices],
        required=False,
        label="Kind of support",
    )

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
        self.fields["room"].label_from_instance = lambda room: f"{room.site.name}, {room}"

    def clean(self):
        data = super().clean()
        data["wanted_at"] = _at(data.get("day"), data.get("time"))
        return data


class ScheduleForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Time")
    coach = forms.ModelChoiceField(queryset=None, help_text="Who visits the class.")

    def __init__(self, *args, coaches, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coach"].queryset = coaches
        self.fields["coach"].label_from_instance = lambda user: user.get_full_name() or str(user)

    def clean(self):
        data = super().clean()
        data["visit_at"] = _at(data.get("day"), data.get("time"))
        return data


class GuidesForm(forms.Form):
    guides = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Quick guides",
        help_text="How-to articles for teachers from the knowledge base.",
    )

    def __init__(self, *args, guides, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guides"].queryset = guides


class CoachingLogForm(GuidesForm):
    visited_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Visit date")
    goal = forms.CharField(max_length=300, help_text="What the teacher wanted to be able to do.")
    kind = forms.ChoiceField(
        choices=SupportKind.choices, widget=forms.RadioSelect, label="Kind of support"
    )
    done = forms.CharField(
        max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), label="What was done"
    )
    next_step = forms.CharField(max_length=300, required=False, label="Next step")
    follow_up_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        label="Follow up on",
        help_text="It shows on your Today from that day.",
    )
    field_order = ["visited_on", "goal", "kind", "done", "next_step", "follow_up_on", "guides"]
