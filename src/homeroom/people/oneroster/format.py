"""The OneRoster set as an import format on core's one lifecycle (core.import_formats):
uploaded as a zip on the page or the API, or named as a folder or zip on the command line.

Only district admins import rosters (the command line without `--as` is the server's own
operator): a roster changes people at every school. An import that makes more than a fifth
of a school's people inactive, or any site, is applied only when the importer has typed the
number of people it makes inactive (`confirmed_deactivations` in the run's options)."""

import io
import zipfile

from django import forms
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from homeroom.core import audit
from homeroom.core.access import Rule
from homeroom.core.choices import AuditInterface
from homeroom.core.import_formats import ImportFormat, ImportRefused, Plan
from homeroom.core.import_limits import LimitExceeded, check_zip
from homeroom.people.oneroster.apply import Applier, ApplyError, known_in_homeroom
from homeroom.people.oneroster.check import Checker
from homeroom.people.oneroster.source import DAMAGED, RosterSource, SetError
from homeroom.people.oneroster.spec import APPLY_ORDER

KIND = "oneroster"
REFUSAL = "Only a district admin can import a roster: a roster file changes people at every school."
ENTITY_LABELS = {
    "orgs": "Schools (orgs.csv)",
    "academicSessions": "Terms (academicSessions.csv)",
    "courses": "Courses (courses.csv)",
    "classes": "Classes (classes.csv)",
    "users": "People (users.csv)",
    "roles": "Roles (roles.csv)",
    "userProfiles": "Profiles (userProfiles.csv)",
    "enrollments": "Enrollments (enrollments.csv)",
}


def _example() -> bytes:
    """A zip of a manifest alone: enough for the authorization walk to upload."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.csv", "propertyName,value\nmanifest.version,1.0\n")
    return buffer.getvalue()


class RosterOptions(forms.Form):
    whole_district = forms.BooleanField(
        required=False,
        label="This file is the whole district's roster",
        help_text="Tick only for a full export of every school. Then people, classes, terms "
        "and schools that are not in the file become inactive everywhere. Left unticked, "
        "they become inactive only at the schools the file contains.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class RosterApplyForm(forms.Form):
    """The typed confirmation an import that makes many people inactive needs."""

    confirm_deactivations = forms.IntegerField(
        min_value=0,
        label="Number of people who become inactive",
        help_text="Type the number shown above to confirm.",
        error_messages={
            "required": "Type the number of people who become inactive to confirm.",
            "invalid": "Type the number of people who become inactive, in digits.",
        },
    )

    def __init__(self, *args, impact: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.impact = impact

    def clean_confirm_deactivations(self):
        given = self.cleaned_data["confirm_deactivations"]
        if not confirmed(self.impact, given):
            raise forms.ValidationError(unconfirmed_message(self.impact))
        return given


def confirmed(impact: dict, confirm_deactivations: int | None) -> bool:
    """Whether an import may go ahead: it needs no confirmation, or has the right number."""
    return not impact.get("needs_confirmation") or confirm_deactivations == impact["people"]


def unconfirmed_message(impact: dict) -> str:
    """What a large deactivation does, and what to type to go ahead."""
    return f"{describe_impact(impact)} Type {impact['people']} to confirm."


def describe_impact(impact: dict) -> str:
    """What a large deactivation does, in plain words."""
    people = impact["people"]
    parts = [f"Applying this makes {people} {'person' if people == 1 else 'people'} inactive"]
    large = [row for row in impact["schools"] if row["large"]]
    if large:
        parts.append(
            ": "
            + "; ".join(
                f"{row['inactive']} of the {row['active']} at {row['site']}" for row in large
            )
        )
    if impact["sites"]:
        parts.append(
            ", and makes "
            + "; ".join(
                row["site"]
                + (
                    " (still with " + ", ".join(f"{n} {label}" for label, n in row["holds"]) + ")"
                    if row["holds"]
                    else ""
                )
                for row in impact["sites"]
            )
            + " inactive"
        )
    return "".join(parts) + "."


def summary(counts: dict) -> str:
    """ "120 new, 8 updated, 3 made inactive" across the files of an import."""
    totals = {
        key: sum(entity.get(key, 0) for entity in counts.values() if isinstance(entity, dict))
        for key in ("created", "updated", "deactivated", "reactivated")
    }
    words = {
        "created": "new",
        "updated": "updated",
        "deactivated": "made inactive",
        "reactivated": "back again",
    }
    parts = [f"{value} {words[key]}" for key, value in totals.items() if value]
    return ", ".join(parts) or "nothing changed"


def entity_rows(counts: dict) -> list[tuple[str, dict]]:
    """Counts in the order the files are applied, with plain names."""
    return [
        (ENTITY_LABELS.get(name, name), numbers)
        for name, numbers in sorted(
            ((name, numbers) for name, numbers in counts.items() if isinstance(numbers, dict)),
            key=lambda item: APPLY_ORDER.index(item[0]) if item[0] in APPLY_ORDER else 99,
        )
    ]


def _texts(problems) -> list[str]:
    return [str(problem) for problem in problems]


class OneRoster(ImportFormat):
    kind = KIND
    label = "roster (OneRoster)"
    description = (
        "A .zip of the OneRoster 1.1 or 1.2 CSV files (manifest.csv, orgs.csv, users.csv, "
        "classes.csv, enrollments.csv …) from your student information system."
    )
    view_rule = Rule("people.view_rosterimport")
    use_rule = Rule("people.add_rosterimport")
    refusal = REFUSAL
    accept = ".zip,application/zip"
    accepts_folder = True
    options_form = RosterOptions
    detail_template = "people/imports/run_details.html"
    example_name = "roster.zip"
    example = _example()

    def read_upload(self, upload, name: str) -> str:
        if not zipfile.is_zipfile(upload):
            return (
                "This is not a zip file. Export the roster as OneRoster CSV and upload the "
                ".zip your student information system made (or zip the CSV files together)."
            )
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload) as archive:
                check_zip(archive, upload.size)
        except zipfile.BadZipFile as error:
            return f"The zip file is damaged ({error}); make the zip again and upload it."
        except LimitExceeded as error:
            return str(error)
        finally:
            upload.seek(0)
        return ""

    def may_use(self, actor, *, site) -> None:
        if not actor.sees_all_sites:
            raise PermissionDenied(REFUSAL)

    def count(self, path) -> int:
        """Lines in the set, for the progress bar; a damaged member is reported by the check."""
        try:
            source = RosterSource(path)
        except SetError:
            return 1
        total = 0
        try:
            for name in source.files:
                try:
                    with source.open_binary(name) as handle:
                        for block in iter(lambda h=handle: h.read(1 << 20), b""):
                            total += block.count(b"\n")
                except (*DAMAGED, LimitExceeded):
                    continue
        finally:
            source.close()
        return max(total, 1)

    def check(self, run, path, *, actor, progress) -> Plan:
        """Check the whole set; unless it is being applied, work out what applying it would
        change (the applying itself works that out as it writes)."""
        try:
            source = RosterSource(path)
        except SetError as error:
            return Plan(problems=[str(error.problem)])
        total = max(run.progress_total, 1)
        checker = Checker(
            source, known_in_homeroom, progress=lambda note, rows: progress(rows, total, note)
        )
        applying = False
        try:
            clean = checker.check()
            details = {"version": checker.version, "modes": checker.modes}
            plan = Plan(warnings=_texts(checker.warnings), details=details, data=checker)
            if not clean:
                plan.problems = _texts(checker.problems)
            elif run.status == "applying":
                applying = True  # apply() goes on from this reading and closes the source
            else:
                applier = Applier(
                    checker,
                    write=False,
                    import_id=run.pk,
                    whole_district=run.options.get("whole_district", False),
                )
                plan.counts = applier.run()
                details["impact"] = applier.impact
        except ApplyError as error:
            plan.problems = _texts(error.problems)
        finally:
            if not applying:
                source.close()
        return plan

    def apply(self, run, plan: Plan, *, actor) -> dict:
        checker = plan.data
        try:
            with audit.interface(AuditInterface.IMPORT):
                applier = Applier(
                    checker,
                    write=True,
                    actor=actor,
                    import_id=run.pk,
                    whole_district=run.options.get("whole_district", False),
                )
                counts = applier.run()
        except ApplyError as error:
            raise ImportRefused(_texts(error.problems)) from None
        finally:
            checker.source.close()
        given = run.options.get("confirmed_deactivations")
        if not confirmed(applier.impact, given):
            told = (
                "Nothing was changed."
                if given is None
                else f"You confirmed {given}; nothing was changed. Check the file again."
            )
            reason = f"{describe_impact(applier.impact)} {told}"
            raise ImportRefused([reason], details={"impact": applier.impact})
        plan.details["impact"] = applier.impact
        return counts

    def apply_form(self, run, data=None):
        impact = run.details.get("impact") or {}
        if run.status != "checked" or not impact.get("needs_confirmation"):
            return None
        return RosterApplyForm(data, impact=impact)

    def apply_answers(self, run, cleaned: dict) -> dict:
        return {"confirmed_deactivations": cleaned["confirm_deactivations"]}

    def held_back(self, run) -> str:
        impact = run.details.get("impact") or {}
        if confirmed(impact, run.options.get("confirmed_deactivations")):
            return ""
        people = impact["people"]
        return (
            f"Not applied: it makes {people} people inactive. Apply it again confirming {people}."
        )

    def summary(self, run) -> str:
        return "" if run.problems else summary(run.counts)

    def applied_message(self, run) -> str:
        return summary(run.counts)

    def detail_context(self, request, run) -> dict:
        return {
            "entities": entity_rows(run.counts),
            "impact": run.details.get("impact") or {},
            "applied_link": ("See the people", reverse("people:person_list")),
        }
