from django import forms
from django.forms.renderers import TemplatesSetting

from homeroom.core.models import Room, Site


class FormRenderer(TemplatesSetting):
    """Every form: an error summary at the top, then label, hint, error and input per field."""

    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


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
