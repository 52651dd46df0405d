from datetime import date, datetime

from ninja import Field, ModelSchema, Schema

from homeroom.people.models import Enrollment, Person, SchoolClass


class PersonOut(ModelSchema):
    primary_site_id: int | None
    homeroom_id: int | None
    identifier: str | None = None
    state_id: str | None = None

    class Meta:
        model = Person
        fields = [
            "id",
            "sourced_id",
            "kind",
            "given_name",
            "preferred_given_name",
            "middle_name",
            "family_name",
            "username",
            "email",
            "grades",
            "grade",
            "is_active",
        ]

    @staticmethod
    def resolve_identifier(person, context) -> str | None:
        return (
            person.identifier
            if context["request"].auth.has_perm("people.view_student_ids")
            else None
        )

    @staticmethod
    def resolve_state_id(person, context) -> str | None:
        return (
            person.state_id if context["request"].auth.has_perm("people.view_student_ids") else None
        )


class ClassOut(ModelSchema):
    site_id: int
    course_id: int | None
    term_ids: list[int]

    class Meta:
        model = SchoolClass
        fields = [
            "id",
            "sourced_id",
            "title",
            "class_code",
            "class_type",
            "location",
            "grades",
            "subjects",
            "periods",
            "is_active",
        ]

    @staticmethod
    def resolve_term_ids(school_class) -> list[int]:
        return [term.pk for term in school_class.terms.all()]


class EnrollmentOut(ModelSchema):
    person_id: int
    school_class_id: int
    site_id: int
    begin_date: date | None
    end_date: date | None

    class Meta:
        model = Enrollment
        fields = ["id", "sourced_id", "role", "primary", "is_active"]


class RosterImportOut(Schema):
    """A roster import run (core's ImportRun of kind "oneroster") in the shape this route has
    always answered with."""

    id: int
    created_at: datetime
    created_by: str | None
    file_name: str
    file_sha256: str
    version: str
    modes: dict
    whole_district: bool
    status: str
    percent: int
    progress_note: str
    counts: dict
    impact: dict
    confirmed_deactivations: int | None
    errors: list[str] = Field(
        description="What stops the import, each as `file:line: column: message`."
    )
    warnings: list[str] = Field(
        description="What was accepted but worth a look, in the same form as `errors`."
    )
    checked_at: datetime | None
    applied_at: datetime | None

    @staticmethod
    def resolve_created_by(run) -> str | None:
        return run.created_by.username if run.created_by else None

    @staticmethod
    def resolve_version(run) -> str:
        return run.details.get("version", "")

    @staticmethod
    def resolve_modes(run) -> dict:
        return run.details.get("modes", {})

    @staticmethod
    def resolve_impact(run) -> dict:
        return run.details.get("impact", {})

    @staticmethod
    def resolve_whole_district(run) -> bool:
        return bool(run.options.get("whole_district"))

    @staticmethod
    def resolve_confirmed_deactivations(run) -> int | None:
        return run.options.get("confirmed_deactivations")

    @staticmethod
    def resolve_errors(run) -> list[str]:
        return run.problems


class ImportOptions(Schema):
    dry_run: bool = True
    whole_district: bool = Field(
        False,
        description="The file is the whole district's roster: what it leaves out becomes "
        "inactive at every school (otherwise only at the schools in the file).",
    )
    confirm_deactivations: int | None = Field(
        None,
        description="With dry_run=false, needed when the file makes more than a fifth of a "
        "school's people inactive, or any school: the number of people it makes inactive.",
    )
