"""The school calendar's iCalendar (.ics) file as an import format: its all-day events become
closed days of one site or the whole district, after a preview of the days it adds."""

from pathlib import Path

from django import forms

from homeroom.core import icalendar, services
from homeroom.core.access import Rule
from homeroom.core.import_formats import ImportFormat, Plan
from homeroom.core.models import ClosedDay, Site
from homeroom.core.selectors import sites_for

NEW = "New closed day"
THERE = "Already in the calendar"


class CalendarOptions(forms.Form):
    site = forms.ModelChoiceField(
        queryset=Site.objects.none(),
        to_field_name="code",
        required=False,
        empty_label="The whole district",
        label="Where",
        help_text="The school these closed days belong to, or the whole district.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites_for(user) if user is not None else Site.objects.all()


def left_out(parsed) -> list[str]:
    skipped = [
        (parsed.timed_events, "not all-day events"),
        (parsed.repeating_events, "repeating events"),
        (parsed.cancelled_events, "cancelled events"),
    ]
    return [f"{count} {what}" for count, what in skipped if count]


class ClosedDaysFormat(ImportFormat):
    kind = "closed-days"
    label = "school calendar (.ics)"
    description = (
        "Export the school calendar from Google Calendar, Outlook or your student information "
        "system as an iCalendar file. All-day events (holidays, breaks, snow days) become "
        "closed days; events with a time of day, repeating and cancelled events are left out."
    )
    view_rule = Rule("core.change_site")
    use_rule = Rule("core.change_site")
    refusal = "Only those who change sites' calendars import closed days."
    accept = ".ics,text/calendar"
    max_bytes = icalendar.MAX_BYTES
    options_form = CalendarOptions
    preview_columns = (
        ("starts_on", "First day"),
        ("ends_on", "Last day"),
        ("reason", "Reason"),
        ("what", "Change"),
    )
    example_name = "calendar.ics"
    example = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:walk@example\r\n"
        b"DTSTART;VALUE=DATE:20261224\r\nSUMMARY:Winter holiday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )

    def may_use(self, actor, *, site) -> None:
        services.require_calendar_access(actor, site)

    def read_head(self, head, name):
        return "The file is empty." if not head.strip() else ""

    def count(self, path) -> int:
        return max(Path(path).read_bytes().count(b"BEGIN:VEVENT"), 1)

    def check(self, run, path, *, actor, progress) -> Plan:
        parsed = icalendar.parse(Path(path).read_bytes(), run.file_name)
        plan = Plan(problems=[str(problem) for problem in parsed.problems])
        if plan.problems:
            return plan
        if not parsed.periods:
            plan.problems.append(
                f"{run.file_name} has no all-day events, so there are no closed days to add."
            )
            return plan
        existing = set(
            ClosedDay.objects.filter(site=run.site).values_list("starts_on", "ends_on", "reason")
        )
        plan.data = []
        there = 0
        for period in parsed.periods:
            key = (period.starts_on, period.ends_on, period.reason)
            is_new = key not in existing
            existing.add(key)
            if is_new:
                plan.data.append(period)
            else:
                there += 1
            plan.changes.append(
                {
                    "starts_on": period.starts_on.isoformat(),
                    "ends_on": period.ends_on.isoformat(),
                    "reason": period.reason,
                    "what": NEW if is_new else THERE,
                }
            )
        if left_out(parsed):
            plan.warnings.append(f"{run.file_name}: left out {', '.join(left_out(parsed))}")
        plan.counts = {"closed days": {"new": len(plan.data), THERE.lower(): there}}
        progress(len(parsed.periods), len(parsed.periods), "Checked")
        return plan

    def apply(self, run, plan: Plan, *, actor) -> dict:
        for period in plan.data:
            services.closed_day_add(
                actor=actor,
                site=run.site,
                starts_on=period.starts_on,
                ends_on=period.ends_on,
                reason=period.reason,
            )
        return plan.counts

    def report_lines(self, run, *, dry_run: bool) -> list[str]:
        new = [row for row in run.preview if row["what"] == NEW]
        if dry_run:
            return [f"{row['starts_on']} to {row['ends_on']}: {row['reason']}" for row in new]
        there = run.counts.get("closed days", {}).get(THERE.lower(), 0)
        notes = "; ".join(run.warnings)
        return [
            f"Added {len(new)} closed days to {run.site or 'the district'}; {there} were "
            f"already there.{' ' + notes if notes else ''}"
        ]
