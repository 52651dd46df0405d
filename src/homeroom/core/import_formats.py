"""Import formats: what a module registers to have its files go through core's one import
lifecycle (upload, check with progress, preview, apply, history, page, API and command line).

A format is a subclass of `ImportFormat` registered from the module's `registrations.py`
with `register_format(MyFormat())`. Core calls it in this order:

    count(path) -> int                           about how many rows, for the progress bar
    needs_mapping(run) -> bool                   wait for the mapping step before checking?
    prepare(run, path, progress=)                optional: parse the file, not looking at
                                                 Homeroom, outside the apply's transaction
    check(run, path, actor=, progress=) -> Plan  read everything, find every problem
    apply(run, plan, actor=) -> dict             write the plan; runs inside the transaction
                                                 that checked it again and records the run;
                                                 raising ImportRefused rolls it back

`check` must not write. Core stores what the plan says (counts, problems, warnings, the first
changes for the preview) on the run, and applies only a plan without problems."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied

from homeroom.core.access import Rule
from homeroom.core.import_limits import LimitExceeded, check_upload_size

Progress = Callable[[int, int, str], None]  # (done, total, what is happening)
PREVIEW_ROWS = 200
HEAD_BYTES = 256 * 1024  # what `read_head` is given of an upload


class ImportRefused(Exception):
    """Raised by a format's `apply` to refuse after all: the transaction is rolled back and
    the run recorded as rejected with these problems, `details` added to its own."""

    def __init__(self, problems: list[str], *, details: dict | None = None):
        super().__init__("; ".join(problems))
        self.problems = problems
        self.details = details or {}


@dataclass
class Plan:
    """What checking a file found: its problems (`file:line: column: message`), things worth
    knowing, counts of what applying would change ({"closed days": {"created": 3}}), the
    changes row by row for the preview (dicts keyed by the format's `preview_columns`), and
    whatever the format needs to apply it (`data`, kept in memory only)."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict = field(default_factory=dict)
    changes: list[dict] = field(default_factory=list)
    changes_total: int = 0  # when `changes` lists only the first of them
    rows: int = 0
    details: dict = field(default_factory=dict)  # kept on the run for the format's own pages
    data: Any = None


class ImportFormat:
    """One kind of file. Subclasses set the class attributes and write `count`, `check` and
    `apply`; the rest has defaults."""

    kind: str = ""  # the key in URLs, the API and `homeroom import KIND`
    label: str = ""  # "School calendar (.ics)"
    description: str = ""  # a sentence on the upload page
    view_rule: Rule = Rule(permission="core.view_importrun")  # history and the run's pages
    use_rule: Rule = Rule(permission="core.add_importrun")  # upload, check again, apply
    refusal: str = ""  # what a role outside `use_rule` is told
    accept: str = ""  # the file input's accept attribute: ".ics,text/calendar"
    max_bytes: int | None = None  # None: the settings' upload limit (HOMEROOM_IMPORT_MAX_UPLOAD_MB)
    options_form: type | None = None  # a Form of extra choices on upload, built with user=
    mapping_form: type | None = None  # a Form for the mapping step, built with run= and user=
    preview_columns: tuple[tuple[str, str], ...] = ()  # (key, heading) of each preview column
    example_name: str = ""  # a small valid file: the authorization walk and docs use it
    example: bytes = b""
    detail_template: str = ""  # shown on the run's page in place of the counts and preview
    section_template: str = ""  # a section of its own, shown above the counts and preview
    mapping_template: str = ""  # the mapping step's page, in place of core's
    mapping_saved: str = "Mapping saved. Checking the file now."
    mapping_link: str = "Change the mapping"  # "" when the run's page offers the step itself
    mapping_event: str = "Mapping chosen"  # the audit trail's words for the mapping step
    recheck_with_options: bool = False  # offer the options form again with Check again
    accepts_folder: bool = False  # the command line may name a folder of the format's files

    def detail_context(self, request, run) -> dict:
        """What `detail_template` or `section_template` need besides `run` and `found`."""
        return {}

    def save_mappings(self, run, mappings: dict, *, actor) -> dict:
        """Called in the transaction that keeps the mapping step's answer: return what is kept
        on the run. A format whose mapping outlives the run saves it here (ValidationError or
        PermissionDenied refuse it, and nothing is kept)."""
        return mappings

    def summary(self, run) -> str:
        """A few words on what the run found, for the history list."""
        return ""

    def applied_message(self, run) -> str:
        """The audit trail's words for an applied run ("" for core's own)."""
        return ""

    def too_large(self, size: int) -> str:
        """What to tell of an upload of `size` bytes that is too large, or ""."""
        if self.max_bytes is None:
            try:
                check_upload_size(size)
            except LimitExceeded as error:
                return str(error)
            return ""
        if size <= self.max_bytes:
            return ""
        return (
            f"The file is larger than {self.max_bytes // (1024 * 1024) or 1} MB, "
            f"the most a {self.label} file may be."
        )

    def may_use(self, actor, *, site) -> None:
        """Refuse (PermissionDenied) an actor the format does not let import; the role and
        sites are checked by core before this. Formats with stricter rules add them here."""

    def needs_mapping(self, run) -> bool:
        return False

    def apply_form(self, run, data=None):
        """A Form that comes with the Apply button of this checked run (e.g. a typed
        confirmation), bound to `data` when given, or None."""
        return None

    def apply_answers(self, run, cleaned: dict) -> dict:
        """The options the apply form's answers keep on the run."""
        return cleaned

    def held_back(self, run) -> str:
        """Why this run, checked without problems, is not applied on its own when it was
        uploaded to be applied at once (it needs someone's answer first), or ""."""
        return ""

    def read_head(self, head: bytes, name: str) -> str:
        """A first look at the start of an upload before it is recorded: return what is wrong
        with it in plain words, or "" when it may be recorded and checked."""
        return ""

    def read_upload(self, upload, name: str) -> str:
        """The same look at the whole upload (a file object, left at its start), for a
        format that must see more than its head (a zip's directory); by default `read_head`."""
        head = upload.read(HEAD_BYTES)
        upload.seek(0)
        return self.read_head(head, name)

    def report_lines(self, run, *, dry_run: bool) -> list[str] | None:
        """What `homeroom import KIND` prints for a clean run; None prints the counts."""
        return None

    def count(self, path) -> int:
        raise NotImplementedError

    def prepare(self, run, path, *, progress: Progress):
        """Optionally read and parse the file without looking at Homeroom, before the
        transaction of an apply starts (so the progress it reports is seen). What it returns,
        unless None, comes to `check` as the keyword `prepared`."""
        return None

    def check(self, run, path, *, actor, progress: Progress) -> Plan:
        raise NotImplementedError

    def apply(self, run, plan: Plan, *, actor) -> dict:
        raise NotImplementedError


_FORMATS: dict[str, ImportFormat] = {}


def register_format(found: ImportFormat) -> None:
    if not found.kind or not found.label:
        raise ValueError("An import format needs a kind and a label.")
    _FORMATS[found.kind] = found


def unregister_format(kind: str) -> None:
    _FORMATS.pop(kind, None)


def formats() -> dict[str, ImportFormat]:
    return dict(_FORMATS)


def format_for(kind: str) -> ImportFormat | None:
    return _FORMATS.get(kind)


def viewable_kinds(user) -> list[str]:
    return [kind for kind, found in _FORMATS.items() if found.view_rule.allows(user)]


def usable_kinds(user) -> list[str]:
    return [kind for kind, found in _FORMATS.items() if found.use_rule.allows(user)]


def require_use(found: ImportFormat, actor) -> None:
    if actor is not None and not found.use_rule.allows(actor):
        raise PermissionDenied(found.refusal or f"Your role does not import {found.label} files.")


@dataclass(frozen=True)
class KindRule(Rule):
    """The rule of the import pages whose URL names a kind: the kind's own `view_rule` or
    `use_rule`. Without a kind it allows whoever one of the kinds allows (so a role that
    imports nothing is turned away), and `for_kind` gives the rule of one kind, which the
    views apply and the authorization walk checks kind by kind."""

    which: str = "view"
    needs_role = True

    def allows(self, user) -> bool:
        if not user.is_authenticated or not user.is_active:
            return False
        return any(self.for_kind(kind).allows(user) for kind in _FORMATS)

    def for_kind(self, kind: str) -> Rule:
        found = _FORMATS.get(kind)
        if found is None:
            return Rule(permission="core.no_such_import_kind")
        return found.view_rule if self.which == "view" else found.use_rule


ANY_IMPORT = KindRule(which="view")
ANY_IMPORT_USE = KindRule(which="use")
