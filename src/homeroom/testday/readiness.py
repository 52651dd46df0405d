"""Is a device ready to test on a platform? The rules, kept apart from the database so each
can be tested on its own and a whole district checked by kinds of device rather than one
device at a time.

A device is *not ready* when it cannot test (an operating system below the one the app
runs on or excluded by the vendor, the wrong org unit, not managed, in repair, auto-update
expired), *warning* when it can but should be looked at (below the vendor's supported
minimum but still running the app, not synced for a while, its version unknown), and
*ready* otherwise. Every verdict carries its reasons in plain words."""

import datetime
import re
from dataclasses import dataclass, field

from homeroom.testday.models import AssessmentPlatform, majors_of

READY, WARNING, NOT_READY = "ready", "warning", "not_ready"
STATE_LABELS = {READY: "Ready", WARNING: "Warning", NOT_READY: "Not ready"}
# A device Google Admin has not heard from for this long may have missed updates.
STALE_AFTER = datetime.timedelta(days=14)
# Statuses in which a device cannot be handed to a student on test day.
OUT_OF_SERVICE = {
    "in_repair": "In repair",
    "lost": "Reported lost",
    "stolen": "Reported stolen",
    "retired": "Retired",
    "disposed": "Disposed of",
}
TESTING_CATEGORIES = ("chromebook", "windows_laptop", "mac", "tablet")


def version_tuple(text: str) -> tuple[int, ...] | None:
    """ "131.0.6778.256" as (131, 0, 6778, 256); None when there is no leading number."""
    found = re.match(r"\s*(\d+(?:\.\d+)*)", text or "")
    if not found:
        return None
    return tuple(int(part) for part in found.group(1).split("."))


@dataclass(frozen=True)
class Facts:
    """What the fleet knows of one device (or of every device alike in these respects)."""

    category: str
    os_version: str = ""
    org_unit_path: str = ""
    last_sync: datetime.datetime | None = None
    status: str = "deployed"
    auto_update_through: datetime.date | None = None
    in_repair: bool = False


@dataclass
class Verdict:
    state: str = READY
    reasons: list[str] = field(default_factory=list)

    def fail(self, reason: str) -> None:
        self.state = NOT_READY
        self.reasons.append(reason)

    def warn(self, reason: str) -> None:
        if self.state == READY:
            self.state = WARNING
        self.reasons.append(reason)

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


@dataclass(frozen=True)
class Rules:
    """A platform's requirements, parsed once for many devices."""

    name: str
    chromeos_min: int | None
    chromeos_runs_from: int | None
    excluded: frozenset[int]
    lts: frozenset[int]
    minimums: dict  # category: (version tuple, label)
    must_be_managed: bool
    org_unit: str

    @classmethod
    def of(cls, platform: AssessmentPlatform) -> "Rules":
        minimums = {}
        for category, value, label in (
            ("tablet", platform.ipados_min, "iPadOS"),
            ("windows_laptop", platform.windows_min, "Windows"),
            ("mac", platform.macos_min, "macOS"),
        ):
            if version_tuple(value):
                minimums[category] = (version_tuple(value), label, value)
        return cls(
            name=platform.name,
            chromeos_min=platform.chromeos_min,
            chromeos_runs_from=platform.chromeos_runs_from,
            excluded=frozenset(majors_of(platform.chromeos_excluded)),
            lts=frozenset(majors_of(platform.chromeos_lts)),
            minimums=minimums,
            must_be_managed=platform.must_be_managed,
            org_unit=platform.testing_org_unit.rstrip("/"),
        )


def _in_org_unit(path: str, unit: str) -> bool:
    path = (path or "").rstrip("/")
    return path == unit or path.startswith(unit + "/")


def _chromeos(facts: Facts, rules: Rules, verdict: Verdict) -> None:
    version = version_tuple(facts.os_version)
    if version is None:
        verdict.warn("ChromeOS version unknown: not yet synced from Google Admin")
        return
    major = version[0]
    if major in rules.excluded:
        verdict.fail(f"ChromeOS {major} is excluded by {rules.name}")
    elif rules.chromeos_runs_from and major < rules.chromeos_runs_from:
        verdict.fail(f"ChromeOS {major} is too old: {rules.name} needs {rules.chromeos_runs_from}")
    elif rules.chromeos_min and major < rules.chromeos_min:
        if major in rules.lts:
            return  # a long-term-support release the vendor accepts
        if rules.chromeos_runs_from:
            verdict.warn(f"ChromeOS {major} is below the supported {rules.chromeos_min}: update it")
        else:
            verdict.fail(f"ChromeOS {major} is below the minimum {rules.chromeos_min}")


def assess(facts: Facts, rules: Rules, now: datetime.datetime) -> Verdict:
    """The verdict on one device for one platform at `now`."""
    verdict = Verdict()
    if facts.status in OUT_OF_SERVICE:
        verdict.fail(OUT_OF_SERVICE[facts.status])
    elif facts.in_repair:
        verdict.fail("In repair")
    if facts.category == "chromebook":
        _chromeos(facts, rules, verdict)
        # The model's last month of updates still counts; the month after, it has expired.
        if facts.auto_update_through and facts.auto_update_through < now.date().replace(day=1):
            verdict.fail(f"Auto-update expired {facts.auto_update_through:%b %Y}")
        if rules.must_be_managed and not facts.org_unit_path:
            verdict.fail("Not managed: not in Google Admin")
        elif rules.org_unit and not _in_org_unit(facts.org_unit_path, rules.org_unit):
            verdict.fail(f"In org unit {facts.org_unit_path or '(none)'}, not {rules.org_unit}")
        if facts.last_sync is None:
            verdict.warn("Never synced with Google Admin")
        elif now - facts.last_sync > STALE_AFTER:
            verdict.warn(f"Not synced with Google Admin for over {STALE_AFTER.days} days")
    elif facts.category in rules.minimums:
        minimum, label, text = rules.minimums[facts.category]
        version = version_tuple(facts.os_version)
        if version is None:
            verdict.warn(f"{label} version unknown")
        elif version < minimum:
            verdict.fail(f"{label} {facts.os_version} is below the minimum {text}")
    return verdict
