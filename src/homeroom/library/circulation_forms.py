from django import forms

from homeroom.library.circulation import RULE_FIELDS
from homeroom.library.models import LoanRule


class LoanRuleForm(forms.ModelForm):
    """A row of the loan rules matrix; the library is one of the librarian's, or empty for
    the district's row (district admins only, which the service checks)."""

    class Meta:
        model = LoanRule
        fields = RULE_FIELDS
        widgets = {"ceiling": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, libraries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["library"].queryset = libraries
        self.fields["library"].empty_label = "Any library"
        self.fields["patron_type"].empty_label = "Any reader"
        self.fields["circulation_type"].choices = [
            ("", "Any item"),
            *self.fields["circulation_type"].choices[1:],
        ]

    def validate_unique(self):
        """The service says when the row is already in the matrix."""
