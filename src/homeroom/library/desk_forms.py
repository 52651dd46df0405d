"""Forms of the librarians' desk: labels, the collection report, cataloging by scan."""

from django import forms

from homeroom.library import labels


class LabelsForm(forms.Form):
    """Which labels to print, on which sheet; the copies come from ticks (`copy`, `titles`)
    or from a library and a date."""

    kind = forms.ChoiceField(
        choices=list(labels.KINDS.items()), initial=labels.SPINE, label="Labels"
    )
    sheet = forms.ChoiceField(
        choices=[
            (key, spec.name)
            for key, spec in {**labels.SHEETS["barcode"], **labels.SHEETS["spine"]}.items()
        ],
        initial=labels.DEFAULT_SHEET,
        label="Label sheet",
    )
    library = forms.ModelChoiceField(queryset=None, required=False, empty_label="Choose a library")
    since = forms.DateField(
        required=False,
        label="Copies added since",
        help_text="The day the first of them was added, e.g. 2026-09-01.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    start = forms.IntegerField(
        min_value=1,
        max_value=80,
        initial=1,
        label="First unused label",
        help_text="On a partly used sheet: 1 is top left, counting along the rows.",
    )
    outlines = forms.BooleanField(
        required=False, label="Draw the label edges (a test print on plain paper)"
    )

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries


class CopyScanForm(forms.Form):
    """The second scan: the new copy's barcode, and its call number."""

    barcode = forms.CharField(
        max_length=40,
        required=False,
        label="Copy barcode",
        help_text="Scan the barcode on the book; leave empty for the next of the library's range.",
    )
    call_number = forms.CharField(
        max_length=100,
        required=False,
        label="Call number",
        help_text="Suggested from the title's other copies or its Dewey number.",
    )


class ShortTitleForm(CopyScanForm):
    """A title the catalog does not have, catalogued from the book in hand."""

    title = forms.CharField(max_length=500)
    author = forms.CharField(max_length=200, required=False, help_text="Last name, first name.")
    year = forms.IntegerField(min_value=1450, max_value=2100, required=False)
    dewey = forms.CharField(max_length=40, required=False, label="Dewey number")
    lexile = forms.IntegerField(
        min_value=-2000, max_value=2500, required=False, help_text="e.g. 850; below zero for BR."
    )
    ar_level = forms.DecimalField(
        min_value=0, max_value=99.9, decimal_places=1, required=False, label="AR level"
    )
    interest_grade = forms.CharField(
        max_length=40, required=False, label="Interest grades", help_text="e.g. 3-5."
    )
    field_order = ["title", "author", "year", "dewey", "call_number"]

    def title_data(self, isbn: str) -> dict:
        """What marc.written takes, with the ISBN that was scanned."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "author": data["author"],
            "isbns": [isbn],
            "year": data["year"],
            "dewey": data["dewey"],
            "call_number": data["call_number"],
            "lexile": data["lexile"],
            "ar_level": data["ar_level"],
            "interest_grade": data["interest_grade"],
        }


class CatalogSettingsForm(forms.Form):
    sru_url = forms.URLField(
        max_length=500,
        required=False,
        label="SRU server",
        assume_scheme="https",
        help_text="The base address of an SRU catalog server, e.g. http://lx2.loc.gov:210/LCDB "
        "(the Library of Congress). Leave empty to catalog by hand only: then nothing is sent "
        "anywhere.",
    )
    sru_version = forms.ChoiceField(
        choices=[("1.1", "1.1"), ("1.2", "1.2"), ("2.0", "2.0")], label="SRU version"
    )
