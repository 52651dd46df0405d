from datetime import date

from ninja import Field, ModelSchema, Schema

from homeroom.people.models import Enrollment, Person, RosterImport, SchoolClass


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


class RosterImportOut(ModelSchema):
    created_by: str | None
    percent: int
    errors: list[str] = Field(
        description="What stops the import, each as `file:line: column: message`."
    )
    warnings: list[str] = Field(
        description="What was accepted but worth a look, in the same form as `errors`."
    )

    class Meta:
        model = RosterImport
        fields = [
            "id",
            "created_at",
            "file_name",
            "file_sha256",
            "version",
            "modes",
            "whole_district",
            "status",
            "progress_note",
            "counts",
            "impact",
            "confirmed_deactivations",
            "checked_at",
            "applied_at",
        ]

    @staticmethod
    def resolve_created_by(record) -> str | None:
        return record.created_by.username if record.created_by else None


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
