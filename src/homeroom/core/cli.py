"""`homeroom import closed-days PATH [--site CODE] [--dry-run]`: a school calendar (.ics)
into closed days."""

from pathlib import Path

from django.core.exceptions import ValidationError

from homeroom.core import icalendar, services
from homeroom.core.importers import Importer, register
from homeroom.core.models import Site


def add_arguments(parser) -> None:
    parser.add_argument("path", help="An iCalendar (.ics) file; all-day events become closed days")
    parser.add_argument(
        "--site", default=None, help="The code of the school they close (default: the district)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="Check the file and list the days; change nothing"
    )


def run(command, options) -> int:
    path = Path(options["path"])
    site = None
    if options["site"]:
        site = Site.objects.filter(code=options["site"]).first()
        if site is None:
            command.stderr.write(f"No site with the code {options['site']!r}.")
            return 2
    try:
        content = path.read_bytes()
    except OSError as error:
        command.stderr.write(f"{path}: cannot read it ({error.strerror}).")
        return 2
    if options["dry_run"]:
        parsed = icalendar.parse(content, path.name)
        for problem in parsed.problems:
            command.stderr.write(str(problem))
        for period in parsed.periods:
            command.stdout.write(f"{period.starts_on} to {period.ends_on}: {period.reason}")
        return 1 if parsed.problems else 0
    try:
        imported = services.closed_days_import(
            actor=None, site=site, content=content, file_name=path.name
        )
    except ValidationError as error:
        for message in error.messages:
            command.stderr.write(message)
        command.stderr.write("Nothing was changed.")
        return 1
    command.stdout.write(
        f"Added {len(imported.added)} closed days to {site or 'the district'}; "
        f"{imported.already_there} were already there; left out {imported.timed_events} timed, "
        f"{imported.repeating_events} repeating and {imported.cancelled_events} cancelled events."
    )
    return 0


register(
    Importer("closed-days", "Import closed days from an iCalendar (.ics) file", add_arguments, run)
)
