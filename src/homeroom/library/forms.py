from decimal import Decimal

from django import forms

from homeroom.library.choices import HAND_STATUSES, CirculationType, CopyStatus
from homeroom.library.marc import normalise_isbn
from homeroom.library.models import MAX_PRICE, Title


class TitleForm(forms.Form):
    """What a librarian catalogs by hand; it writes the MARC record's fields."""

    title = forms.CharField(max_length=500)
    subtitle = forms.CharField(max_length=500, required=False)
    author = forms.CharField(max_length=200, required=False, help_text="Last name, first name.")
    responsibility = forms.CharField(
        max_length=500,
        required=False,
        label="Statement of responsibility",
        help_text="As the title page says it, e.g. by Kate DiCamillo.",
    )
    isbns = forms.CharField(
        max_length=500, required=False, label="ISBNs", help_text="One or more, separated by spaces."
    )
    publisher = forms.CharField(max_length=300, required=False)
    year = forms.IntegerField(min_value=1450, max_value=2100, required=False)
    edition = forms.CharField(max_length=200, required=False)
    series = forms.CharField(max_length=500, required=False)
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    dewey = forms.CharField(max_length=40, required=False, label="Dewey number")
    call_number = forms.CharField(max_length=100, required=False, label="Local call number")
    lexile = forms.IntegerField(
        min_value=-2000, max_value=2500, required=False, help_text="e.g. 850; below zero for BR."
    )
    interest_grade = forms.CharField(
        max_length=40, required=False, label="Interest grades", help_text="e.g. 3-5."
    )
    ar_level = forms.DecimalField(
        min_value=0, max_value=Decimal("99.9"), decimal_places=1, required=False, label="AR level"
    )
    ar_points = forms.DecimalField(
        min_value=0,
        max_value=Decimal("9999.9"),
        decimal_places=1,
        required=False,
        label="AR points",
    )
    ar_quiz = forms.RegexField(
        regex=r"^\d{0,8}$",
        required=False,
        label="AR quiz number",
        error_messages={"invalid": "Digits only."},
    )

    def clean_isbns(self):
        numbers = []
        for raw in self.cleaned_data["isbns"].replace(",", " ").split():
            number, valid = normalise_isbn(raw)
            if not valid:
                raise forms.ValidationError(f"{raw} is not a valid ISBN: check its digits.")
            if number not in numbers:
                numbers.append(number)
        return numbers

    def record_data(self) -> dict:
        return dict(self.cleaned_data)


def title_initial(title: Title) -> dict:
    return {
        "title": title.title,
        "subtitle": title.subtitle,
        "author": title.authors.split("; ")[0] if title.authors else "",
        "responsibility": title.responsibility,
        "isbns": title.isbns,
        "publisher": title.publisher,
        "year": title.year,
        "edition": title.edition,
        "series": title.series.split("; ")[0] if title.series else "",
        "summary": title.summary,
        "dewey": title.dewey,
        "call_number": title.call_number,
        "lexile": title.lexile,
        "interest_grade": title.interest_grade,
        "ar_level": title.ar_level,
        "ar_points": title.ar_points,
        "ar_quiz": title.ar_quiz,
    }


PRICE = {"min_value": 0, "max_value": MAX_PRICE, "decimal_places": 2, "required": False}


class CopyForm(forms.Form):
    library = forms.ModelChoiceField(queryset=None, empty_label=None)
    barcode = forms.CharField(
        max_length=40, required=False, help_text="Scan it; left empty, the library's next barcode."
    )
    call_number = forms.CharField(max_length=100, required=False)
    location = forms.CharField(max_length=100, required=False, label="Shelving location")
    collection = forms.CharField(max_length=100, required=False)
    circulation_type = forms.ChoiceField(
        choices=CirculationType.choices, initial=CirculationType.BOOK
    )
    copy_number = forms.IntegerField(min_value=1, max_value=9999, required=False)
    price = forms.DecimalField(**PRICE)
    replacement_cost = forms.DecimalField(**PRICE, help_text="Left empty: the price.")
    acquired_on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    funding_source = forms.CharField(max_length=100, required=False)
    vendor = forms.CharField(max_length=100, required=False)

    def __init__(self, *args, libraries=None, instance_copy=None, **kwargs):
        if instance_copy is not None:
            kwargs.setdefault(
                "initial",
                {
                    name: getattr(instance_copy, name)
                    for name in self.base_fields
                    if hasattr(instance_copy, name)
                },
            )
        super().__init__(*args, **kwargs)
        if instance_copy is not None:
            del self.fields["library"]
            del self.fields["barcode"]
        else:
            self.fields["library"].queryset = libraries


class BulkForm(forms.Form):
    titles = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), error_messages={"required": "Tick the titles whose copies change."}
    )
    location = forms.CharField(max_length=100, required=False, label="New shelving location")
    collection = forms.CharField(max_length=100, required=False, label="New collection")
    status = forms.ChoiceField(
        required=False,
        label="New status",
        choices=[
            ("", "Keep the status"),
            *((v, label) for v, label in CopyStatus.choices if v in HAND_STATUSES),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data:
            self.fields["titles"].choices = [
                (value, value) for value in self.data.getlist("titles") if value.isdigit()
            ]

    def changes(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("location", "collection", "status")
            if self.cleaned_data.get(name)
        }

    def clean(self):
        data = super().clean()
        if not self.errors and not self.changes():
            raise forms.ValidationError("Choose a new location, collection or status.")
        return data
