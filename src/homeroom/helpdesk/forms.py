from django import forms

from homeroom.core.numbers import LARGEST_ID
from homeroom.helpdesk.attachments import MAX_BYTES
from homeroom.helpdesk.choices import Audience, Level, TicketStatus
from homeroom.helpdesk.models import Article

IMPACT_CHOICES = [
    (Level.LOW, "One person, who can still work"),
    (Level.MEDIUM, "A class, a room or a group, or one person slowed down"),
    (Level.HIGH, "Someone cannot work at all, or the whole school"),
]
URGENCY_CHOICES = [
    (Level.LOW, "It can wait a few days"),
    (Level.MEDIUM, "Soon: it slows my work"),
    (Level.HIGH, "Now: a class or a test cannot go on"),
]
PHOTO_HINT = f"JPEG, PNG, WebP or HEIC, up to {MAX_BYTES // (1024 * 1024)} MB each."


class PhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once; the service checks what each file really is."""

    widget = PhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/heic"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(item, initial) for item in files]


def issue_choices(groups) -> list:
    return [("", "Pick the closest match")] + [
        (group.name, [(issue.pk, issue.name) for issue in group.issues]) for group in groups
    ]


class TicketForm(forms.Form):
    issue_type = forms.TypedChoiceField(coerce=int, label="What is the problem?", required=False)
    subject = forms.CharField(
        max_length=200,
        label="In a few words",
        help_text="For example: Screen cracked in the corner.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        label="What happened?",
        help_text="What you were doing, what you see, what you tried.",
    )
    site = forms.ModelChoiceField(queryset=None, label="School")
    room = forms.ModelChoiceField(
        queryset=None, required=False, label="Room", empty_label="Not in a room, or not sure"
    )
    asset_tag = forms.CharField(
        max_length=128,
        required=False,
        label="Device asset tag or serial",
        help_text="On the sticker under the device. Leave empty if it is not about a device.",
    )
    impact = forms.TypedChoiceField(
        coerce=int, choices=IMPACT_CHOICES, initial=Level.LOW, label="Who is affected?"
    )
    urgency = forms.TypedChoiceField(
        coerce=int, choices=URGENCY_CHOICES, initial=Level.MEDIUM, label="How urgent is it?"
    )
    on_behalf_of = forms.CharField(
        max_length=150,
        required=False,
        label="On behalf of",
        help_text="The username or email of the person who asked. Empty: yourself, or the "
        "affected person's account.",
    )
    person = forms.IntegerField(required=False, max_value=LARGEST_ID, widget=forms.HiddenInput)
    photos = PhotosField(required=False, label="Photos", help_text=PHOTO_HINT)

    def __init__(self, *args, groups, sites, rooms, technician: bool, students=None, **kwargs):
        """`students`: the students a teacher may name (their own classes'), picked from a
        list instead of the hidden `person` a link carries."""
        super().__init__(*args, **kwargs)
        self.fields["issue_type"].choices = issue_choices(groups)
        if students is not None:
            self.fields["person"] = forms.ModelChoiceField(
                queryset=students,
                required=False,
                label="Which student is it for?",
                help_text="A student in your classes. Leave empty for a device checked out to "
                "a student: the ticket is then for that student.",
                empty_label="No student, or the device's own student",
            )
            self.fields["person"].label_from_instance = student_label
            self.order_fields(
                ["issue_type", "subject", "description", "site", "room", "asset_tag", "person"]
            )
        self.fields["site"].queryset = sites
        self.fields["room"].queryset = rooms.select_related("site")
        self.fields["room"].label_from_instance = lambda room: f"{room.site.name} · {room}"
        if not technician:
            del self.fields["on_behalf_of"]


def student_label(person) -> str:
    return f"{person} (Grade {person.grade})" if person.grade else str(person)


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, label="Your reply"
    )
    photos = PhotosField(required=False, label="Photos", help_text=PHOTO_HINT)
    is_internal = forms.BooleanField(
        required=False,
        label="Internal note (only technicians see it)",
    )
    time_spent_minutes = forms.IntegerField(
        min_value=0, max_value=24 * 60, required=False, label="Time spent (minutes)"
    )

    def __init__(self, *args, technician: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not technician:
            del self.fields["is_internal"]
            del self.fields["time_spent_minutes"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=TicketStatus.choices, label="Move to")
    note = forms.CharField(max_length=300, required=False, label="Why (for the history)")

    def __init__(self, *args, allowed: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in TicketStatus.choices if value in allowed
        ]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Nobody", label="Assigned to"
    )

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = technicians


class TicketUpdateForm(forms.Form):
    issue_type = forms.TypedChoiceField(coerce=int, label="Issue", required=False)
    impact = forms.TypedChoiceField(coerce=int, choices=IMPACT_CHOICES, label="Impact")
    urgency = forms.TypedChoiceField(coerce=int, choices=URGENCY_CHOICES, label="Urgency")

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue_type"].choices = issue_choices(groups)


class EscalateForm(forms.Form):
    external_reference = forms.CharField(
        max_length=100, label="District IT ticket number", help_text="As district IT gave it."
    )
    note = forms.CharField(max_length=500, required=False, label="Note (internal)")


class BulkForm(forms.Form):
    """Change the ticked tickets of the queue at once."""

    assignee = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Keep assignee", label="Assign to"
    )
    unassign = forms.BooleanField(required=False, label="Unassign")
    status = forms.ChoiceField(
        choices=[("", "Keep status"), *TicketStatus.choices], required=False, label="Status"
    )

    def __init__(self, *args, technicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = technicians
        for field in self.fields.values():
            field.widget.attrs["form"] = "queue-selection"

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("assignee") or cleaned.get("unassign") or cleaned.get("status")):
            raise forms.ValidationError("Choose someone to assign to, Unassign, or a status.")
        if cleaned.get("assignee") and cleaned.get("unassign"):
            raise forms.ValidationError("Assign or unassign, not both.")
        return cleaned


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["title", "summary", "audience", "body", "issue_types", "is_published"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 16}),
            "issue_types": forms.CheckboxSelectMultiple,
        }
        labels = {"is_published": "Published", "issue_types": "Troubleshooting steps for"}
        help_texts = {
            "body": "Markdown: ## headings, 1. numbered steps, **bold**, [links](https://…).",
            "audience": "Students see student articles; staff see those and staff articles.",
        }

    def __init__(self, *args, issue_types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issue_types"].queryset = issue_types
        self.fields["audience"].choices = Audience.choices
