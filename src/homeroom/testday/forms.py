import datetime

from django import forms
from django.utils import timezone

from homeroom.testday.choices import FIGURES, IncidentKind
from homeroom.testday.models import GRADES, AssessmentPlatform, grades_of


class PlatformForm(forms.ModelForm):
    """A platform's figures, each followed by where it comes from."""

    class Meta:
        model = AssessmentPlatform
        fields = ["name", "kind", "school_year", *FIGURES, "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        labels = {"is_active": "In use"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sources = self.instance.sources if self.instance and self.instance.pk else {}
        order = ["name", "kind", "school_year"]
        for figure in FIGURES:
            name = f"note_{figure}"
            self.fields[name] = forms.CharField(
                required=False,
                max_length=500,
                label=f"Source of “{self.fields[figure].label}”",
                help_text="Where the figure comes from: the vendor's page and its date.",
                initial=sources.get(figure, ""),
            )
            order += [figure, name]
        self.order_fields([*order, "notes", "is_active"])

    def values(self) -> dict:
        """The service's arguments: the figures and their source notes."""
        data = {field: self.cleaned_data[field] for field in self.Meta.fields}
        data["sources"] = {figure: self.cleaned_data[f"note_{figure}"] for figure in FIGURES}
        return data


class WindowForm(forms.Form):
    assessment = forms.CharField(
        max_length=200, help_text="e.g. “State ELA grades 3\N{EN DASH}8, spring 2027”."
    )
    content_area = forms.CharField(
        max_length=100, required=False, help_text="e.g. English language arts."
    )
    platform = forms.ModelChoiceField(queryset=None)
    starts_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="First day")
    ends_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Last day")
    sites = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label="Schools that test"
    )
    grades = forms.CharField(
        max_length=60, required=False, help_text="e.g. 3-8, or K-2, 5. Leave empty for every grade."
    )
    coordinators = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Site coordinators",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, platforms, sites, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = platforms
        self.fields["platform"].label_from_instance = lambda platform: (
            f"{platform.name} ({platform.school_year})"
        )
        self.fields["sites"].queryset = sites
        self.fields["coordinators"].queryset = coordinators

    def clean_grades(self):
        text = self.cleaned_data["grades"]
        try:
            grades_of(text)
        except ValueError as bad:
            raise forms.ValidationError(
                f"“{bad}” is not a grade: use K and 1 to 12, or ranges like 3-8."
            ) from None
        return text

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "The window must end on or after its first day.")
        return data


class SessionForm(forms.Form):
    window = forms.ModelChoiceField(queryset=None, label="Testing window")
    title = forms.CharField(
        max_length=200, required=False, help_text="e.g. “Grade 4 ELA, unit 1”. Optional."
    )
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label="Date")
    starts = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Starts at")
    ends = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Ends at")
    room = forms.ModelChoiceField(queryset=None)
    administrators = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.SelectMultiple(attrs={"size": 6}), label="Test administrators"
    )
    proctors = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    make_up_for = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Make-up for",
        help_text="Leave empty for a regular session.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, windows, rooms, staff, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = windows
        self.fields["room"].queryset = rooms
        self.fields["room"].label_from_instance = lambda room: f"{room.site.name}, {room}"
        self.fields["administrators"].queryset = staff
        self.fields["proctors"].queryset = staff
        self.fields["make_up_for"].queryset = sessions

    def clean(self):
        data = super().clean()
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            zone = timezone.get_current_timezone()
            data["starts_at"] = timezone.make_aware(datetime.datetime.combine(day, starts), zone)
            data["ends_at"] = timezone.make_aware(datetime.datetime.combine(day, ends), zone)
            if ends <= starts:
                self.add_error("ends", "The session must end after it starts.")
        return data


class StudentsForm(forms.Form):
    school_class = forms.ModelChoiceField(queryset=None, required=False, label="A class")
    grade = forms.ChoiceField(required=False, label="A whole grade")
    identifiers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Student ids",
        help_text="Paste the school's or the state's ids, one per line or separated by commas.",
    )

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes
        self.fields["grade"].choices = [("", "—"), *((g, g) for g in GRADES)]


class BindForm(forms.Form):
    entry = forms.IntegerField(widget=forms.HiddenInput)
    device = forms.CharField(max_length=128, label="Device", help_text="Scan its asset tag.")


RESUMED = [("", "Not yet known"), ("yes", "Yes"), ("no", "No")]


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(choices=IncidentKind.choices, label="What happened")
    student = forms.ModelChoiceField(queryset=None, required=False)
    device = forms.CharField(
        max_length=128,
        required=False,
        help_text="Scan it, or leave empty for the student's device.",
    )
    noticed = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), label="Noticed at", required=False
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    action_taken = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Action taken"
    )
    swap_to = forms.CharField(
        max_length=128,
        required=False,
        label="Swap to a spare",
        help_text="Scan the spare: the student's binding moves to it and the failed device "
        "gets a ticket.",
    )
    open_ticket = forms.BooleanField(required=False, label="Open a help-desk ticket")
    resolved = forms.BooleanField(required=False, label="Resolved now")
    testing_resumed = forms.ChoiceField(choices=RESUMED, required=False, label="Testing resumed")

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["student"].label_from_instance = lambda entry: (
            f"{entry.person}" + (f" · {entry.device}" if entry.device_id else "")
        )

    def clean(self):
        data = super().clean()
        if data.get("swap_to") and not data.get("student"):
            self.add_error("student", "Choose the student to move to the spare.")
        data["testing_resumed"] = {"yes": True, "no": False}.get(data.get("testing_resumed"))
        if data.get("noticed"):
            today = timezone.localdate()
            data["noticed_at"] = timezone.make_aware(
                datetime.datetime.combine(today, data["noticed"])
            )
        else:
            data["noticed_at"] = None
        return data


class ResolveForm(forms.Form):
    action_taken = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    testing_resumed = forms.ChoiceField(choices=RESUMED, required=False, label="Testing resumed")
