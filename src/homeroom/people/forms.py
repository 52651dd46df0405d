from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, UsernameField

from homeroom.core import roles
from homeroom.core.roles import ROLE_DESCRIPTIONS, ROLES
from homeroom.people.models import User

ROLE_CHOICES = [(role, f"{role} — {ROLE_DESCRIPTIONS[role]}") for role in ROLES]


class UserForm(forms.ModelForm):
    role = forms.ChoiceField(choices=ROLE_CHOICES, widget=forms.RadioSelect)

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "sites"]
        field_classes = {"username": UsernameField}
        widgets = {"sites": forms.CheckboxSelectMultiple}
        help_texts = {
            "username": "Letters, digits and @ . + - _ only. Usually the school email's name.",
            "sites": "Leave all unticked to let this person work at every site.",
            "email": "Password reset links and notifications go here.",
        }

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sites"].queryset = sites
        self.fields["sites"].required = False
        if self.instance.pk:
            self.fields["username"].disabled = True
            self.initial.setdefault("role", (self.instance.role_names or [None])[0])


class UserCreateForm(UserForm):
    send_invite = forms.BooleanField(
        required=False,
        initial=True,
        label="Email a link to set their password",
        help_text="They choose their own password; nobody else ever sees it.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("send_invite") and not cleaned.get("email"):
            self.add_error("email", "Enter an email address to send the link to.")
        return cleaned


class UserEditForm(UserForm):
    """Editing an account; nobody can turn off their own account or drop their own admin
    role, so a district never loses its last way into user management by accident."""

    class Meta(UserForm.Meta):
        fields = [*UserForm.Meta.fields, "is_active"]
        labels = {"is_active": "Can sign in"}

    def __init__(self, *args, editor, **kwargs):
        super().__init__(*args, **kwargs)
        self.editor = editor

    def clean(self):
        cleaned = super().clean()
        if self.instance == self.editor:
            if not cleaned.get("is_active"):
                self.add_error("is_active", "You cannot turn off your own account.")
            if roles.DISTRICT_ADMIN in self.editor.role_names and cleaned.get("role") not in (
                None,
                roles.DISTRICT_ADMIN,
            ):
                self.add_error(
                    "role", "You cannot remove your own District admin role; ask another one."
                )
        return cleaned


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label="What is this token for?",
        help_text="For example: Inventory script on the library PC.",
    )


class PasswordLinkForm(PasswordResetForm):
    """Sends a link to set a password, also to new accounts that never had one. Given an
    `account`, only that account gets a link, even if others share its address."""

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def get_users(self, email):
        if self.account is not None:
            return [self.account] if self.account.is_active else []
        return User.objects.filter(email__iexact=email, is_active=True)

    def save(self, **options):
        """The link is built from HOMEROOM_SITE_URL, never from the Host header of the
        request that asked for it, which the asker chooses."""
        site = urlsplit(settings.SITE_URL)
        options.update(domain_override=site.netloc, use_https=site.scheme == "https")
        options["extra_email_context"] = {
            **(options.get("extra_email_context") or {}),
            "site_url": settings.SITE_URL,
        }
        return super().save(**options)
