"""MARC files on core's import lifecycle (`homeroom import marc FILE --site CODE`, the upload
page, `/api/v1/imports`). The file is read once per check or apply, outside the apply's
transaction: every record's fields and holdings go to a spool file on disk, so a
250,000-record file never sits in memory. Checking matches the spool against the catalog
in batches; applying writes it in batches with bulk operations, in one transaction."""

import itertools
import pickle
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django import forms
from django.urls import reverse
from django.utils import timezone

from homeroom.core import audit
from homeroom.core.access import Rule
from homeroom.core.bulk import insert_rows
from homeroom.core.choices import AuditVerb
from homeroom.core.import_formats import ImportFormat, Plan
from homeroom.core.models import Site
from homeroom.core.selectors import sites_for
from homeroom.library import marc, search
from homeroom.library.choices import HoldingsPreset, WithoutBarcode
from homeroom.library.models import Copy, Library, Title, TitleKey

KIND = "marc"
BATCH = 1000
RECORD = "record:"  # a record's own fingerprint, for files whose records carry no number
SAMPLE = 2000  # records read to work out where a file keeps its copies
MOST_PROBLEMS = 1000
PREVIEW = 200
TITLE_FIELDS = [
    name
    for name in (f.name for f in Title._meta.concrete_fields)
    if name
    not in {"id", "record", "fingerprint", "status", "created_at", "updated_at", "source_run"}
]


class MarcOptions(forms.Form):
    site = forms.ModelChoiceField(
        label="Library",
        queryset=None,
        to_field_name="code",
        help_text="The school whose library the copies belong to.",
        error_messages={"invalid_choice": "Choose a school you work at."},
    )
    holdings = forms.ChoiceField(
        label="Where the file keeps its copies",
        choices=HoldingsPreset.choices,
        initial=HoldingsPreset.AUTO,
        required=False,
        help_text="The check shows what each system's field would give.",
    )
    without_barcode = forms.ChoiceField(
        label="Copies without a barcode",
        choices=WithoutBarcode.choices,
        initial=WithoutBarcode.TITLE_ONLY,
        required=False,
    )
    skip_bad = forms.BooleanField(
        required=False,
        label="Skip the bad records",
        help_text="Import the good records and list the skipped ones, instead of changing "
        "nothing while any record has a problem.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        sites = sites_for(user) if user is not None else Site.objects.all()
        schools = sites.filter(is_active=True).order_by("name")
        self.fields["site"].queryset = schools
        # A librarian of one school has nothing to choose.
        self.fields["site"].empty_label = None if len(schools[:2]) == 1 else "Choose the school"

    def clean_holdings(self):
        return self.cleaned_data["holdings"] or HoldingsPreset.AUTO

    def clean_without_barcode(self):
        return self.cleaned_data["without_barcode"] or WithoutBarcode.TITLE_ONLY


def _subfield(label: str) -> forms.RegexField:
    return forms.RegexField(
        regex=r"^[a-z0-9]?$",
        required=False,
        max_length=1,
        label=label,
        error_messages={"invalid": "One subfield code: a letter or a digit."},
    )


class HoldingsMapping(forms.Form):
    """The mapping step when the file keeps copies in a field no preset knows."""

    tag = forms.RegexField(
        regex=r"^\d{3}$",
        label="Field (tag)",
        help_text="e.g. 852, 949, 952 or 999.",
        error_messages={"invalid": "Three digits, e.g. 949."},
    )
    barcode = forms.RegexField(
        regex=r"^[a-z0-9]$",
        label="Barcode subfield",
        error_messages={"invalid": "One subfield code: a letter or a digit."},
    )
    call_number = forms.RegexField(
        regex=r"^[a-z0-9]{0,6}$",
        required=False,
        label="Call number subfields",
        help_text="In the order they are printed, e.g. khim.",
        error_messages={"invalid": "Up to six subfield codes, e.g. khim."},
    )
    location = _subfield("Shelving location subfield")
    price = _subfield("Price subfield")

    def __init__(self, *args, run, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        return {"mappings": {name: data.get(name) or "" for name in self.fields}}


class Item(NamedTuple):
    """One readable record, as the spool keeps it: the record without the holdings field
    (MARC-in-JSON text) and its fingerprint, its fields, and its copies."""

    where: str
    record: str
    fingerprint: str
    tags: frozenset
    fields: dict
    holdings: list


@dataclass
class Spool:
    """What reading the file found: the records on disk, the ones that could not be read,
    the holdings preset used and how many holdings each preset finds."""

    handle: object
    preset: str = HoldingsPreset.NONE
    unreadable: list[str] = field(default_factory=list)
    presets: Counter = field(default_factory=Counter)
    records: int = 0

    def items(self):
        self.handle.seek(0)
        while True:
            try:
                yield from pickle.load(self.handle)
            except EOFError:
                return

    def close(self):
        self.handle.close()


def _mapping(run, preset: str) -> marc.HoldingsMap | None:
    if preset == HoldingsPreset.OTHER:
        chosen = run.mappings or {}
        if not chosen.get("tag"):
            return None
        return marc.HoldingsMap(
            chosen["tag"],
            chosen.get("barcode") or "p",
            call_number=chosen.get("call_number", ""),
            location=chosen.get("location", ""),
            price=chosen.get("price", ""),
        )
    return marc.PRESETS.get(preset)


def _resolved_preset(run, path) -> str:
    """The preset the run names or, to work it out, the one that finds the most barcodes
    (then holdings) in the file's first records."""
    preset = run.options.get("holdings") or HoldingsPreset.AUTO
    if preset != HoldingsPreset.AUTO:
        return preset
    found = Counter()
    for read in itertools.islice(marc.read_file(path), SAMPLE):
        if read.record is not None:
            for name, mapping in marc.PRESETS.items():
                holdings, barcodes = marc.holding_count(read.record, mapping)
                found[name] += barcodes * 1_000_000 + holdings
    best = max(marc.PRESETS, key=lambda name: found[name])
    return best if found[best] else HoldingsPreset.NONE


class Marc(ImportFormat):
    kind = KIND
    label = "library catalog (MARC)"
    description = (
        "MARC21 records (.mrc, UTF-8 or MARC-8) or MARCXML (.xml) exported from Follett "
        "Destiny, Koha, Evergreen, OPALS or another library system, with their copies."
    )
    view_rule = Rule("library.view_title")
    use_rule = Rule("library.add_title")
    refusal = "Only librarians and district admins import library catalogs."
    accept = ".mrc,.marc,.xml,.dat,application/marc,application/xml,text/xml"
    options_form = MarcOptions
    mapping_form = HoldingsMapping
    mapping_link = "Change the holdings field"
    mapping_event = "Holdings field chosen"
    recheck_with_options = True
    section_template = "library/imports/marc_presets.html"
    preview_columns = (
        ("record", "Record"),
        ("title", "Title"),
        ("change", "Change"),
        ("copies", "Copies"),
    )
    example_name = "one.mrc"

    @property
    def example(self) -> bytes:
        return one_record_file()

    def read_head(self, head: bytes, name: str) -> str:
        if not head.strip():
            return "The file is empty."
        if marc.is_xml(head):
            return "" if b"record" in head else "This XML file holds no MARC records."
        if not head[:5].isdigit():
            return (
                "This is not a MARC file: a MARC record starts with its length in five digits. "
                "Export the catalog as MARC21 (.mrc) or MARCXML."
            )
        return ""

    def needs_mapping(self, run) -> bool:
        return run.options.get("holdings") == HoldingsPreset.OTHER and not (run.mappings or {}).get(
            "tag"
        )

    def count(self, path) -> int:
        return marc.count_records(path)

    def prepare(self, run, path, *, progress) -> Spool:
        spool = Spool(handle=tempfile.TemporaryFile())  # noqa: SIM115 closed by apply or check
        spool.preset = _resolved_preset(run, path)
        chosen = _mapping(run, spool.preset)
        counted = dict(marc.PRESETS)
        if chosen is not None:
            counted[spool.preset] = chosen
        total = max(run.progress_total, 1)
        batch: list[Item] = []
        for read in marc.read_file(path):
            spool.records = read.number
            record = read.record
            if record is None:
                spool.unreadable.append(f"{read.where}: {read.error}")
                continue
            for name, mapping in counted.items():
                holdings, barcodes = marc.holding_count(record, mapping)
                if holdings:
                    spool.presets[f"{name}:records"] += 1
                    spool.presets[f"{name}:holdings"] += holdings
                    spool.presets[f"{name}:barcodes"] += barcodes
            copies = marc.holdings(record, chosen, read.where) if chosen else []
            tags = frozenset(field.tag for field in record.fields)
            fields = marc.extract(record)
            if chosen is not None:
                record.remove_fields(chosen.tag)
            text, print_ = marc.serialised(record)
            batch.append(Item(read.where, text, print_, tags, fields, copies))
            if len(batch) >= BATCH:
                pickle.dump(batch, spool.handle, pickle.HIGHEST_PROTOCOL)
                batch = []
                progress(read.number, total, f"Reading record {read.number:,}")
        if batch:
            pickle.dump(batch, spool.handle, pickle.HIGHEST_PROTOCOL)
        return spool

    def check(self, run, path, *, actor, progress, prepared: Spool) -> Plan:
        try:
            plan = Matcher(run, prepared, progress).match()
        except BaseException:
            prepared.close()
            raise
        if run.status != "applying" or plan.problems:
            prepared.close()  # apply, which reads it again, closes it otherwise
        return plan

    def apply(self, run, plan: Plan, *, actor) -> dict:
        try:
            return Writer(run, plan, actor).write()
        finally:
            plan.data.spool.close()

    def summary(self, run) -> str:
        titles = run.counts.get("titles") or {}
        copies = run.counts.get("copies") or {}
        if run.problems or not titles:
            return ""
        return f"{titles.get('new', 0)} new titles, {copies.get('new', 0)} new copies"

    def detail_context(self, request, run) -> dict:
        presets = run.details.get("presets") or {}
        return {
            "applied_link": ("See the catalog", reverse("library:title_list")),
            "preset_rows": [
                (HoldingsPreset(name).label, numbers, name == run.details.get("preset"))
                for name, numbers in presets.items()
            ],
        }


@dataclass
class Decided:
    """What applying does with each readable record, in the spool's order."""

    spool: Spool
    actions: list = field(default_factory=list)  # (change, owner, copies); None: skipped
    new_barcodes: int = 0


class Matcher:
    """Check the spool against the catalog: which records are new, which overlay a title
    Homeroom has (by ISBN, LCCN, control number or system number), which only add copies to
    an earlier record of the same file, and which copies clash."""

    def __init__(self, run, spool: Spool, progress):
        self.run, self.spool, self.progress = run, spool, progress
        self.preset = spool.preset
        self.mapping = _mapping(run, self.preset)
        self.tag = self.mapping.tag if self.mapping else ""
        self.plan = Plan(data=Decided(spool))
        self.problems: list[str] = []
        self.counts = Counter()
        self.first_of_key: dict[str, int] = {}  # key -> the slot (record) that made it known
        self.owner_of_slot: dict[int, tuple] = {}
        self.claimed: set[int] = set()  # titles Homeroom has that a record of the file matched
        self.barcode_owner: dict[str, tuple] = {}
        self.skip_bad = bool(run.options.get("skip_bad"))
        self.without = run.options.get("without_barcode") or WithoutBarcode.TITLE_ONLY

    def match(self) -> Plan:
        plan = self.plan
        for problem in self.spool.unreadable:
            self._bad(problem)
        total = max(self.spool.records, 1)
        batch: list[Item] = []
        slot = 0
        for item in self.spool.items():
            batch.append(item)
            if len(batch) >= BATCH:
                slot = self._batch(batch, slot)
                batch = []
                self.progress(slot, total, f"Matching record {slot:,}")
        slot = self._batch(batch, slot)
        plan.counts = {
            "titles": {
                words: self.counts[f"titles {what}"] for what, words in TITLE_COUNTS.items()
            },
            "copies": {words: self.counts[f"copies {what}"] for what, words in COPY_COUNTS.items()},
        }
        if self.counts["skipped"]:
            plan.counts["records"] = {"skipped": self.counts["skipped"]}
        plan.details = {
            "preset": self.preset,
            "records": self.spool.records,
            "presets": {
                name: {
                    what: self.spool.presets[f"{name}:{what}"]
                    for what in ("records", "holdings", "barcodes")
                }
                for name in [*marc.PRESETS, HoldingsPreset.OTHER]
                if name in marc.PRESETS or self.spool.presets[f"{name}:holdings"]
            },
        }
        plan.rows = self.spool.records
        if len(self.problems) > MOST_PROBLEMS:
            hidden = len(self.problems) - MOST_PROBLEMS
            self.problems = [*self.problems[:MOST_PROBLEMS], f"… and {hidden:,} more problems"]
        if self.skip_bad:
            plan.warnings = [f"Skipped {problem}" for problem in self.problems] + plan.warnings
        else:
            plan.problems = self.problems
        if not self.spool.records or (self.spool.records == self.counts["skipped"]):
            plan.problems = plan.problems or ["The file holds no MARC record Homeroom can read."]
        return plan

    def _bad(self, problem: str) -> None:
        self.problems.append(problem)
        self.counts["skipped"] += 1

    def _batch(self, batch: list[Item], slot: int) -> int:
        keys_of = [[*marc.title_keys(item.fields), f"{RECORD}{item.fingerprint}"] for item in batch]
        known: dict[str, int] = {}
        for key, title_id in (
            TitleKey.objects.filter(key__in={key for keys in keys_of for key in keys[:-1]})
            .order_by("title_id")
            .values_list("key", "title_id")
        ):
            known.setdefault(key, title_id)
        for print_, title_id in (
            Title.objects.filter(fingerprint__in={item.fingerprint for item in batch})
            .order_by("pk")
            .values_list("fingerprint", "pk")
        ):
            known.setdefault(f"{RECORD}{print_}", title_id)
        prints = dict(
            Title.objects.filter(pk__in=set(known.values())).values_list("pk", "fingerprint")
        )
        barcodes = {
            holding.barcode for item in batch for holding in item.holdings if holding.barcode
        }
        taken = {
            barcode: (title_id, title)
            for barcode, title_id, title in Copy.objects.filter(barcode__in=barcodes).values_list(
                "barcode", "title_id", "title__title"
            )
        }
        sources = (
            set(
                Copy.objects.filter(
                    source_key__in={
                        holding.source_key
                        for item in batch
                        for holding in item.holdings
                        if not holding.barcode
                    }
                ).values_list("source_key", flat=True)
            )
            if self.without == WithoutBarcode.NEW_BARCODE
            else set()
        )
        for item, keys in zip(batch, keys_of, strict=True):
            slot += 1
            decided = self._decide(item, slot, keys, known, prints, taken, sources)
            self.plan.data.actions.append(decided)
        return slot

    def _warn(self, text: str) -> None:
        if len(self.plan.warnings) < MOST_PROBLEMS:
            self.plan.warnings.append(text)

    def _decide(self, item, slot, keys, known, prints, taken, sources):
        """(change, owner, copies) for a record, or None when it is bad. The owner is
        ("title", id) of a title Homeroom has or ("slot", n) of the record of this file that
        makes the title; `copies` are the numbers of the record's holdings to write, so the
        plan keeps no more than that of each record."""
        if not item.fields["title"]:
            if "245" in item.tags:
                self._bad(f"{item.where}: 245 $a: missing")
            else:
                unimarc = " (a UNIMARC record? Its title is in 200)" if "200" in item.tags else ""
                self._bad(f"{item.where}: 245: missing{unimarc}")
            return None
        earlier = next((self.first_of_key[key] for key in keys if key in self.first_of_key), None)
        existing = next((known[key] for key in keys if key in known), None)
        if earlier is not None:
            change, owner = "merged", self.owner_of_slot[earlier]
        elif existing is not None and existing in self.claimed:
            change, owner = "merged", ("title", existing)
        elif existing is not None:
            change = "unchanged" if prints.get(existing) == item.fingerprint else "overlaid"
            owner = ("title", existing)
        else:
            change, owner = "new", ("slot", slot)
        copies, mine, problems, unchanged, new_barcodes, left_out = [], {}, [], 0, 0, 0
        code = f"{self.tag} ${self.mapping.barcode}" if self.mapping else ""
        for number, holding in enumerate(item.holdings):
            for note in holding.notes:
                self._warn(f"{item.where}: {note}")
            barcode = holding.barcode
            if not barcode:
                if self.without != WithoutBarcode.NEW_BARCODE:
                    left_out += 1
                elif holding.source_key in sources:
                    unchanged += 1
                else:
                    copies.append(number)
                    new_barcodes += 1
                continue
            if barcode in taken:
                title_id, name = taken[barcode]
                if owner == ("title", title_id):
                    unchanged += 1
                else:
                    problems.append(
                        f"{item.where}: {code}: barcode {barcode} is already a copy of “{name}”"
                    )
                continue
            seen = mine.get(barcode) or self.barcode_owner.get(barcode)
            if seen == owner:
                self._warn(
                    f"{item.where}: {code}: barcode {barcode} is listed twice; it is one copy"
                )
            elif seen is not None:
                problems.append(
                    f"{item.where}: {code}: barcode {barcode} is given to another record of "
                    "this file too"
                )
            else:
                mine[barcode] = owner
                copies.append(number)
        if problems:
            self.problems.extend(problems)
            self.counts["skipped"] += 1
            return None
        self.owner_of_slot[slot] = owner
        if change != "merged":
            for key in keys:
                self.first_of_key.setdefault(key, slot)
        if existing is not None:
            self.claimed.add(existing)
        self.barcode_owner.update(mine)
        self.counts[f"titles {change}"] += 1
        self.counts["copies new"] += len(copies) - new_barcodes
        self.counts["copies new barcodes"] += new_barcodes
        self.counts["copies unchanged"] += unchanged
        self.counts["copies left out"] += left_out
        self.plan.data.new_barcodes += new_barcodes
        if len(self.plan.changes) < PREVIEW:
            self.plan.changes.append(
                {
                    "record": item.where,
                    "title": item.fields["title"][:120],
                    "change": CHANGE_WORDS[change],
                    "copies": len(copies),
                }
            )
        self.plan.changes_total += 1
        return (change, owner, tuple(copies))


# How the counts of a run read on its page, in the history and in the API.
TITLE_COUNTS = {
    "new": "new",
    "overlaid": "record replaced",
    "unchanged": "unchanged",
    "merged": "same as an earlier record",
}
COPY_COUNTS = {
    "new": "new",
    "new barcodes": "new, with the library's barcodes",
    "unchanged": "already here",
    "left out": "left out, without a barcode",
}
CHANGE_WORDS = {
    "new": "New title",
    "overlaid": "Replaces the record of a title Homeroom has",
    "unchanged": "Unchanged",
    "merged": "Copies added to the title of an earlier record",
}


class Writer:
    """Write what the check decided, batch by batch, inside core's transaction."""

    def __init__(self, run, plan: Plan, actor):
        self.run, self.plan, self.actor = run, plan, actor
        self.decided: Decided = plan.data
        self.library = library_for(run.site)
        self.slot_title: dict[int, int] = {}
        self.now = timezone.now()

    def write(self) -> dict:
        if self.decided.new_barcodes:
            self.barcodes = new_barcodes(self.library, self.decided.new_barcodes)
        actions = iter(self.decided.actions)
        batch = []
        with search.indexed_in_one_statement(self.run.pk):
            for item in self.decided.spool.items():
                action = next(actions)
                if action is not None:
                    batch.append((item, action))
                if len(batch) >= BATCH:
                    self._batch(batch)
                    batch = []
            self._batch(batch)
        return self.plan.counts

    def _batch(self, batch) -> None:
        fresh, overlays = {}, []
        for item, (change, owner, _) in batch:
            if change == "new":
                fresh[item.fingerprint] = (owner[1], self._title_row(item), item.fields)
            elif change == "overlaid":
                overlays.append((owner[1], item))
        if fresh:
            insert_rows(Title, [row for _, row, _ in fresh.values()])
            made = Title.objects.filter(source_run=self.run, fingerprint__in=fresh).values_list(
                "fingerprint", "pk"
            )
            keys = []
            for print_, title_id in made:
                slot, _, fields = fresh[print_]
                self.slot_title[slot] = title_id
                keys += [
                    {"title_id": title_id, "key": key}
                    for key in dict.fromkeys(marc.title_keys(fields))
                ]
            insert_rows(TitleKey, keys)
        if overlays:
            self._overlay(overlays)
        insert_rows(
            Copy,
            [
                self._copy(
                    item.holdings[number],
                    owner[1] if owner[0] == "title" else self.slot_title[owner[1]],
                )
                for item, (_, owner, copies) in batch
                for number in copies
            ],
        )

    def _title_row(self, item: Item) -> dict:
        return {
            "record": item.record,
            "fingerprint": item.fingerprint,
            "source_run_id": self.run.pk,
            "created_at": self.now,
            "updated_at": self.now,
            **{name: item.fields[name] for name in TITLE_FIELDS},
        }

    def _overlay(self, overlays) -> None:
        titles = Title.objects.in_bulk([title_id for title_id, _ in overlays])
        changed = []
        for title_id, item in overlays:
            title = titles[title_id]
            before = {name: getattr(title, name) for name in TITLE_FIELDS}
            for name in TITLE_FIELDS:
                setattr(title, name, item.fields[name])
            title.record, title.fingerprint, title.updated_at = (
                item.record,
                item.fingerprint,
                self.now,
            )
            changed.append(title)
            audit.record(
                actor=self.actor,
                obj=title,
                verb=AuditVerb.UPDATED,
                message=f"Record replaced by the MARC import of {self.run.file_name}",
                changes={
                    name: [audit.as_json(before[name]), audit.as_json(item.fields[name])]
                    for name in TITLE_FIELDS
                    if before[name] != item.fields[name]
                },
            )
        Title.objects.bulk_update(changed, [*TITLE_FIELDS, "record", "fingerprint", "updated_at"])
        _add_keys((title_id, marc.title_keys(item.fields)) for title_id, item in overlays)

    def _copy(self, holding: marc.Holding, title_id: int) -> dict:
        return {
            "barcode": holding.barcode or next(self.barcodes),
            "title_id": title_id,
            "library_id": self.library.pk,
            "location": holding.location,
            "collection": holding.collection,
            "call_number": holding.call_number,
            "copy_number": holding.copy_number,
            "price": holding.price,
            "replacement_cost": holding.replacement_cost,
            "acquired_on": date.fromisoformat(holding.acquired_on) if holding.acquired_on else None,
            "circulation_type": holding.circulation_type,
            "source_key": "" if holding.barcode else holding.source_key,
            "created_at": self.now,
            "updated_at": self.now,
        }


def _add_keys(found) -> None:
    """The numbers each (title id, keys) is recognised by from now on."""
    TitleKey.objects.bulk_create(
        [TitleKey(title_id=title_id, key=key) for title_id, keys in found for key in keys],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def library_for(site) -> Library:
    library, _ = Library.objects.get_or_create(
        site=site, defaults={"name": f"{site.name} Library", "barcode_prefix": f"{site.code}-"}
    )
    return library


def new_barcodes(library: Library, wanted: int):
    """The next `wanted` free barcodes of the library's range, taken for good."""
    library = Library.objects.select_for_update().get(pk=library.pk)
    number, found = library.next_barcode, []
    while len(found) < wanted:
        candidates = [f"{library.barcode_prefix}{n:06d}" for n in range(number, number + wanted)]
        used = set(Copy.objects.filter(barcode__in=candidates).values_list("barcode", flat=True))
        found += [barcode for barcode in candidates if barcode not in used][: wanted - len(found)]
        number += wanted
    library.next_barcode = number
    library.save(update_fields=["next_barcode"])
    return iter(found)


def one_record_file() -> bytes:
    import pymarc

    record = pymarc.Record(force_utf8=True)
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("a", "Example title")],
        )
    )
    return record.as_marc()
