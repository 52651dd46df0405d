from django import forms

from homeroom.software.choices import (
    Agreement,
    Answer,
    Category,
    Consent,
    DataElement,
    GradeBand,
    ModelSource,
    PaidBy,
    Platform,
    RequestStatus,
    ReviewStatus,
    Rostering,
    SignIn,
    Wcag,
)
from homeroom.software.models import MAX_COST


def _ticks(choices, label: str, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=label,
        help_text=help_text,
    )


class ToolForm(forms.Form):
    name = forms.CharField(max_length=120, help_text="As people call it, e.g. “Khan Academy”.")
    vendor = forms.CharField(max_length=120, required=False, help_text="Who makes it.")
    website = forms.URLField(assume_scheme="https", max_length=300, required=False)
    category = forms.ChoiceField(choices=Category.choices)
    uses_ai = forms.BooleanField(
        required=False, label="Uses AI", help_text="It generates text, images or feedback."
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What it does."
    )
    grade_bands = _ticks(GradeBand.choices, "Grades", "Tick none for any grade.")
    subjects = forms.CharField(max_length=200, required=False, help_text="e.g. Math, Science.")
    sign_in = _ticks(SignIn.choices, "How people sign in")
    rostering = _ticks(Rostering.choices, "How it gets its class lists")
    platforms = _ticks(Platform.choices, "Where it runs")
    extension_ids = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Chrome extension or app ids",
        help_text="One per line: the 32 letters at the end of its Chrome Web Store address, "
        "for the admin console to force-install.",
    )
    sign_in_help = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Sign-in help for students",
        help_text="e.g. “Choose Sign in with Google and use your school account.”",
    )
    owner = forms.ModelChoiceField(
        queryset=None, required=False, help_text="Who looks after accounts and renewals."
    )
    champion = forms.ModelChoiceField(
        queryset=None, required=False, help_text="The teacher who helps colleagues with it."
    )
    all_schools = forms.BooleanField(required=False, label="Used at every school")
    sites = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Schools that use it",
    )

    def __init__(self, *args, owners, champions, sites, every_site: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["champion"].queryset = champions
        self.fields["sites"].queryset = sites
        if not every_site:
            del self.fields["all_schools"]


class LicenceForm(forms.Form):
    site = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="The district", label="For"
    )
    seats = forms.IntegerField(
        min_value=1, max_value=10_000_000, required=False, help_text="Empty for unlimited."
    )
    cost = forms.DecimalField(
        min_value=0, max_value=MAX_COST, decimal_places=2, required=False, label="Cost per year ($)"
    )
    renews_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, label="Renews on"
    )
    paid_by = forms.ChoiceField(choices=PaidBy.choices, label="Who pays")
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class RequestForm(forms.Form):
    tool_name = forms.CharField(max_length=120, label="The tool's name")
    website = forms.URLField(assume_scheme="https", max_length=300, required=False)
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What would you use it for?",
        help_text="e.g. “Exit tickets in grade 7 science, twice a week.”",
    )
    classes = forms.CharField(
        max_length=200, required=False, label="Which classes", help_text="e.g. Periods 2 and 4."
    )
    students = forms.IntegerField(min_value=1, max_value=100_000, label="How many students")


class RequestStatusForm(forms.Form):
    status = forms.ChoiceField(choices=RequestStatus.choices)
    note = forms.CharField(max_length=300, required=False, label="Note for the teacher")


class ReviewStartForm(forms.Form):
    terms_version = forms.CharField(
        max_length=100,
        label="Which terms are you reading?",
        help_text="e.g. “Privacy policy of 1 Aug 2025”.",
    )
    terms_url = forms.URLField(
        assume_scheme="https", max_length=500, required=False, label="Link to the terms"
    )


def _answer(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=Answer.choices, widget=forms.RadioSelect, label=label, help_text=help_text
    )


class ReviewForm(forms.Form):
    """The checklist, in the order a reviewer reads a vendor's terms, each question in
    plain words."""

    SECTIONS = [
        ("The terms", ["terms_version", "terms_url"]),
        ("What student data it collects", ["data_elements"]),
        (
            "The agreement",
            ["agreement", "agreement_url", "agreement_signed_on", "agreement_expires_on"],
        ),
        (
            "Children under 13 (COPPA) and FERPA",
            [
                "under_13",
                "consent",
                "third_party_consent",
                "retention_policy",
                "ferpa_school_official",
            ],
        ),
        (
            "What the vendor does with the data",
            [
                "sells_data",
                "targeted_ads",
                "third_party_sharing",
                "deletion_on_request",
                "breach_notification",
            ],
        ),
        (
            "AI",
            [
                "generative_ai",
                "trains_on_student_data",
                "human_review",
                "minimum_age",
                "content_filtering",
                "ai_opt_out",
                "model_source",
            ],
        ),
        ("Accessibility and security", ["vpat", "wcag", "sso", "mfa", "encryption"]),
        ("Notes", ["notes"]),
    ]

    terms_version = forms.CharField(max_length=100, label="Which terms")
    terms_url = forms.URLField(
        assume_scheme="https", max_length=500, required=False, label="Link to the terms"
    )
    data_elements = forms.MultipleChoiceField(
        choices=DataElement.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Tick every kind of student data it collects",
        help_text="As the National Data Privacy Agreement's Exhibit B lists them.",
    )
    agreement = forms.ChoiceField(choices=Agreement.choices, label="Is an agreement signed?")
    agreement_url = forms.URLField(
        assume_scheme="https",
        max_length=500,
        required=False,
        label="Link to the signed agreement",
        help_text="e.g. its page in the Student Data Privacy Consortium registry.",
    )
    agreement_signed_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, label="Signed on"
    )
    agreement_expires_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        label="Expires on",
        help_text="Its owner is emailed 60 and 14 days before.",
    )
    under_13 = _answer("Will children under 13 use it?")
    consent = forms.ChoiceField(
        choices=Consent.choices, widget=forms.RadioSelect, label="Whose consent is needed?"
    )
    third_party_consent = _answer(
        "Does it ask separate consent before sharing children's data with third parties?",
        "The 2025 COPPA rule requires it.",
    )
    retention_policy = _answer("Does it have a written data retention policy?")
    ferpa_school_official = _answer(
        "Do its terms make it a school official under FERPA?",
        "The district keeps control of the data; it uses the data only for the school.",
    )
    sells_data = _answer("Does it sell student data?")
    targeted_ads = _answer("Does it show targeted advertising?")
    third_party_sharing = _answer("Does it share student data with other companies?")
    deletion_on_request = _answer("Does it delete student data when the district asks?")
    breach_notification = _answer("Does it promise to tell the district of a data breach?")
    generative_ai = _answer("Does it use generative AI?")
    trains_on_student_data = _answer(
        "Does it use student data to train AI models?", "Look for “improve our services”."
    )
    human_review = _answer(
        "Does a person check the AI before it affects grades, placement or discipline?"
    )
    minimum_age = forms.IntegerField(
        min_value=0, max_value=21, required=False, label="Youngest age its terms allow"
    )
    content_filtering = _answer("Does it filter what the AI shows students?")
    ai_opt_out = _answer("Can the AI features be turned off?")
    model_source = forms.ChoiceField(
        choices=ModelSource.choices, widget=forms.RadioSelect, label="Whose AI model is it?"
    )
    vpat = _answer("Is there a VPAT (accessibility report)?")
    wcag = forms.ChoiceField(choices=Wcag.choices, label="Accessibility level")
    sso = _answer("Do people sign in with their school account?")
    mfa = _answer("Can staff use two-step sign-in?")
    encryption = _answer("Is the data encrypted in transit and at rest?")
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def sections(self):
        return [(title, [self[name] for name in names]) for title, names in self.SECTIONS]


class DecideForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (ReviewStatus.APPROVED, "Approve"),
            (ReviewStatus.CONDITIONS, "Approve with conditions"),
            (ReviewStatus.DENIED, "Deny"),
        ],
        widget=forms.RadioSelect,
        label="Your decision",
    )
    conditions = forms.CharField(
        max_length=300,
        required=False,
        help_text="For an approval with conditions, e.g. “staff only”, “grades 6\N{EN DASH}12”.",
    )
    reasons = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Why; the teachers who asked read this.",
    )
    rereview_on = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), required=False, label="Look again on"
    )


class SettingsForm(forms.Form):
    public_list = forms.BooleanField(
        required=False,
        label="Publish the list of approved apps for families",
        help_text="Anyone can then read it at /apps/public/, without signing in: the approved "
        "tools by school and grade, the data each collects and the agreement signed.",
    )
    public_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="A note above the list",
        help_text="e.g. whom families can ask about a tool.",
    )
