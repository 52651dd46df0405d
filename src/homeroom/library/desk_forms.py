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
