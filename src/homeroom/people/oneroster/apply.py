"""Applying a checked OneRoster set: one transaction, bulk writes, unchanged rows skipped.

Counts per file: created, updated, unchanged, deactivated (missing from a bulk file or marked
tobedeleted in a delta file) and reactivated. Nothing is ever deleted.

A bulk file deactivates what it leaves out only at the schools it covers (the schools in
orgs.csv and those its rows refer to), unless the importer says it is the whole district's
roster; terms and sites are left alone unless it is. `impact` says, per school, who becomes
inactive and which sites do, with what they still hold."""

import re
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils.text import slugify

from homeroom.core.bulk import BATCH, batched, insert_rows
from homeroom.core.choices import AuditInterface, AuditVerb, SiteType
from homeroom.core.importers import Problem
from homeroom.core.models import AuditEvent, Room, Site
from homeroom.core.registry import registry
from homeroom.people.models import (
    AcademicSession,
    Course,
    Enrollment,
    Person,
    SchoolClass,
    User,
    search_keys,
)
from homeroom.people.oneroster import spec
from homeroom.people.oneroster.check import KIND_BY_ROLE, SITE_ORG_TYPES, Checker, Record

COUNT_KEYS = ("created", "updated", "unchanged", "deactivated", "reactivated")

MODELS = {
    "orgs": Site,
    "academicSessions": AcademicSession,
    "courses": Course,
    "classes": SchoolClass,
    "users": Person,
    "enrollments": Enrollment,
}
AUDITED = {"orgs", "courses", "classes", "users"}
# Whose deactivations the import's impact names: people and sites.
WATCHED = {"users", "orgs"}
# More than this share of a school's active people made inactive needs a typed confirmation.
LARGE_SHARE = 0.2


class ApplyError(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def known_in_homeroom(entity: str) -> set[str]:
    """The sourcedIds Homeroom already holds for one file's records."""
    if entity in {"roles", "userProfiles"}:
        field = "roles" if entity == "roles" else "profiles"
        return {
            key
            for value in Person.objects.exclude(**{field: {}})
            .values_list(field, flat=True)
            .iterator()
            for key in value
        }
    return set(
        MODELS[entity]
        .objects.filter(sourced_id__isnull=False)
        .values_list("sourced_id", flat=True)
        .iterator()
    )


class Applier:
    """Works out (dry run) or writes (apply) what a checked set changes."""

    def __init__(
        self,
        checker: Checker,
        *,
        actor=None,
        import_id: int | None = None,
        write: bool,
        whole_district: bool = False,
        progress: Callable[[str, int], None] | None = None,
    ):
        self.checker = checker
        self.actor = actor
        self.import_id = import_id
        self.write = write
        self.whole_district = whole_district
        self.progress = progress or (lambda note, rows: None)
        self.counts = {
            entity: dict.fromkeys(COUNT_KEYS, 0)
            for entity in spec.APPLY_ORDER
            if checker.mode(entity) != "absent"
        }
        self.pks: dict[str, dict[str, int]] = {}
        # In a dry run, what would be created gets a stand-in key so later files resolve.
        self.planned: dict[str, dict[str, int]] = defaultdict(dict)
        self.audit: list[AuditEvent] = []
        self.linked_accounts = 0
        self.children_changed: set[str] = set()  # people whose 1.2 roles or profiles changed
        self.made_inactive: dict[str, list[int]] = defaultdict(list)  # of WATCHED entities
        self._covered: set[int] | None = None
        self._people_within_reach: set[str] | None = None
        self._covered_sids: set[str] = set()
        self.active_before: dict[int | None, int] = {}
        self.impact: dict = {}

    def run(self) -> dict:
        steps = [
            ("orgs", self.apply_orgs),
            ("academicSessions", self.apply_sessions),
            ("courses", self.apply_courses),
            ("classes", self.apply_classes),
            ("users", self.apply_people),
            ("enrollments", self.apply_enrollments),
        ]
        self.active_before = dict(
            Person.objects.filter(is_active=True)
            .values_list("primary_site")
            .annotate(n=Count("pk"))
            .order_by()
        )
        with transaction.atomic():
            for entity, step in steps:
                self.pks[entity] = self.existing_pks(entity)
                files = ["users", "roles", "userProfiles"] if entity == "users" else [entity]
                if any(self.checker.mode(name) != "absent" for name in files):
                    self.progress(f"Applying {entity}.csv", 0)
                    step()
                    self.pks[entity] = {**self.planned[entity], **self.existing_pks(entity)}
            self.impact = self.deactivation_impact()
            if self.write:
                self.update_homerooms()
                self.link_accounts()
                self.refresh_statistics()
                AuditEvent.objects.bulk_create(self.audit, batch_size=BATCH)
        result = dict(self.counts)
        if self.linked_accounts:
            result["accounts linked"] = self.linked_accounts
        return result

    def existing_pks(self, entity: str) -> dict[str, int]:
        if entity == "enrollments":
            return {}  # nothing refers to an enrollment
        return dict(
            MODELS[entity]
            .objects.filter(sourced_id__isnull=False)
            .values_list("sourced_id", "pk")
            .iterator()
        )

    # Deciding what a record does

    def plan(self, entity: str, records: Iterable[Record], assume_stored: dict | None = None):
        """Yields (record, action, pk); action is one of COUNT_KEYS or None for a tobedeleted
        record Homeroom never had. Bulk files then deactivate whatever they no longer list.

        Stored fingerprints are read a batch at a time, so memory stays flat however large
        the file."""
        model = MODELS[entity]
        counts = self.counts.setdefault(entity, dict.fromkeys(COUNT_KEYS, 0))
        for batch in batched(records, BATCH):
            stored = {
                sid: (pk, fingerprint, active)
                for sid, pk, fingerprint, active in model.objects.filter(
                    sourced_id__in=[record.sourced_id for record in batch]
                ).values_list("sourced_id", "pk", "row_hash", "is_active")
            }
            stored.update(assume_stored or {})
            for record in batch:
                action, pk = self.decide(record, stored.get(record.sourced_id))
                if action:
                    counts[action] += 1
                if action == "deactivated" and entity in WATCHED:
                    self.made_inactive[entity].append(pk)
                yield record, action, pk
        if self.checker.mode(entity) == "bulk":
            listed = self.checker.ids[entity]
            gone = [
                pk
                for sid, pk in self.within_reach(entity).values_list("sourced_id", "pk").iterator()
                if sid not in listed
            ]
            counts["deactivated"] += len(gone)
            if entity in WATCHED:
                self.made_inactive[entity] += gone
            if self.write and gone:
                for chunk in batched(gone, BATCH):
                    model.objects.filter(pk__in=chunk).update(is_active=False)
                if entity in AUDITED:
                    self.audit_many(
                        model,
                        gone,
                        AuditVerb.DEACTIVATED,
                        f"Not in the bulk {entity}.csv of roster import {self.import_id}",
                    )

    def covered_sites(self) -> set[int]:
        """The schools the set covers: those in orgs.csv and those its rows refer to (not
        district offices; they are touched only by a whole-district file)."""
        if self._covered is None:
            orgs = self.checker.records.get("orgs", {})
            named = {sid for sid, record in orgs.items() if record.values["org_type"] == "school"}
            wanted = {self.pks["orgs"].get(sid) for sid in named | self.checker.referred_orgs}
            self._covered = set(
                Site.objects.filter(pk__in=wanted - {None, 0})
                .exclude(type=SiteType.DISTRICT_OFFICE)
                .values_list("pk", flat=True)
            )
        return self._covered

    def within_reach(self, entity: str):
        """Active stored records that a bulk file deactivates when it leaves them out: all of
        them for a whole-district file; else those at the schools it covers (a person only
        when every school they belong to is covered)."""
        stored = MODELS[entity].objects.filter(is_active=True, sourced_id__isnull=False)
        if self.whole_district:
            return stored
        covered = self.covered_sites()
        if entity in {"courses", "classes", "enrollments"}:
            return stored.filter(site__in=covered)
        if entity == "users":
            belongs = Person.sites.through.objects.values("person_id")
            elsewhere = Site.objects.exclude(pk__in=covered)
            return (
                stored.filter(
                    Q(primary_site__in=covered) | Q(pk__in=belongs.filter(site__in=covered))
                )
                .exclude(primary_site__in=elsewhere)
                .exclude(pk__in=belongs.filter(site__in=elsewhere))
            )
        return stored.none()  # sites and terms belong to the whole district

    @staticmethod
    def decide(record: Record, stored: tuple | None) -> tuple[str | None, int | None]:
        if stored is None:
            return ("created" if record.active else None), None
        pk, fingerprint, active = stored
        if not record.active:
            return ("deactivated" if active else "unchanged"), pk
        if not active:
            return "reactivated", pk
        return ("unchanged" if fingerprint == record.fingerprint else "updated"), pk

    def save(
        self,
        entity: str,
        planned,
        build: Callable[[Record], dict],
        after_write: Callable[[list], None] | None = None,
    ) -> None:
        """Create and update the planned records with the field values `build` gives."""
        creates, updates = [], []
        for record, action, pk in planned:
            if not self.write and action == "created":
                self.planned[entity][record.sourced_id] = 0
            if action in {None, "unchanged"} or not self.write:
                continue
            values = build(record)
            values.update(
                sourced_id=record.sourced_id, is_active=record.active, row_hash=record.fingerprint
            )
            if action == "created":
                creates.append(values)
            else:
                updates.append((pk, values))
            if len(creates) >= BATCH:
                self.create(entity, creates, after_write)
                creates = []
        if creates:
            self.create(entity, creates, after_write)
        if updates:
            self.update(entity, updates, after_write)

    def create(self, entity, rows: list[dict], after_write) -> None:
        """Insert new rows in bulk (core.bulk); the values here are already clean."""
        model = MODELS[entity]
        insert_rows(model, rows)
        if after_write is None and entity not in AUDITED:
            return
        by_sid = dict(
            model.objects.filter(sourced_id__in=[row["sourced_id"] for row in rows]).values_list(
                "sourced_id", "pk"
            )
        )
        instances = [model(pk=by_sid[row["sourced_id"]], **row) for row in rows]
        if after_write:
            after_write(instances)
        if entity in AUDITED:
            self.queue_audit(
                [self.event(model, instance, AuditVerb.CREATED) for instance in instances]
            )

    def update(self, entity, updates: list[tuple[int, dict]], after_write) -> None:
        model = MODELS[entity]
        fields = sorted({name for _, values in updates for name in values} - {"sourced_id"})
        for chunk in batched(updates, 500):
            before = model.objects.in_bulk([pk for pk, _ in chunk])
            instances = []
            for pk, values in chunk:
                instance = before[pk]
                changes = {}
                for name, value in values.items():
                    old = getattr(instance, name)
                    if old != value and name not in {"row_hash", "date_last_modified"}:
                        changes[name] = [_plain(old), _plain(value)]
                    setattr(instance, name, value)
                instances.append(instance)
                if entity in AUDITED and changes:
                    verb = AuditVerb.UPDATED
                    if list(changes) == ["is_active"]:
                        verb = (
                            AuditVerb.REACTIVATED if values["is_active"] else AuditVerb.DEACTIVATED
                        )
                    self.queue_audit([self.event(model, instance, verb, changes)])
            model.objects.bulk_update(instances, fields, batch_size=500)
            if after_write:
                after_write(instances)

    # Audit events

    def event(self, model, instance, verb, changes=None, message=None) -> AuditEvent:
        site_id = (
            instance.pk
            if model is Site
            else getattr(instance, "site_id", None) or getattr(instance, "primary_site_id", None)
        )
        return AuditEvent(
            actor=self.actor,
            actor_name=self.actor.get_username() if self.actor else "",
            interface=AuditInterface.IMPORT,
            verb=verb,
            content_type=ContentType.objects.get_for_model(model),
            object_id=instance.pk,
            object_repr=str(instance)[:200],
            site_id=site_id,
            changes=changes or {},
            message=message or f"From roster import {self.import_id}",
        )

    def queue_audit(self, events: list[AuditEvent]) -> None:
        self.audit += events
        if len(self.audit) >= BATCH:
            AuditEvent.objects.bulk_create(self.audit, batch_size=BATCH)
            self.audit = []

    def audit_many(self, model, pks: list[int], verb: str, message: str) -> None:
        for chunk in batched(pks, BATCH):
            self.queue_audit(
                [
                    self.event(model, instance, verb, message=message)
                    for instance in model.objects.filter(pk__in=chunk)
                ]
            )

    # The files, in order

    def apply_orgs(self) -> None:
        records = self.checker.records["orgs"]
        stored_sites = {site.sourced_id: site for site in Site.objects.all() if site.sourced_id}
        # A school Homeroom already has (by code or name) is linked instead of duplicated.
        unlinked = [site for site in Site.objects.filter(sourced_id__isnull=True)]
        by_code = {site.code.lower(): site for site in unlinked}
        by_name = {site.name.lower(): site for site in unlinked}
        taken_codes = {code.lower() for code in Site.objects.values_list("code", flat=True)}
        counts = self.counts["orgs"]
        counts["skipped"] = 0
        storable, linked = {}, {}
        for sid, record in records.items():
            if record.values["org_type"] not in SITE_ORG_TYPES:
                counts["skipped"] += 1
                continue
            if sid not in stored_sites:
                match = (
                    by_code.get(record.values["identifier"].lower())
                    if record.values["identifier"]
                    else None
                )
                match = match or by_name.get(record.values["name"].lower())
                if match is not None:
                    linked[sid] = (match.pk, "", match.is_active)
                    stored_sites[sid] = match
                    if self.write:
                        match.sourced_id = sid
                        match.save(update_fields=["sourced_id"])
            storable[sid] = record

        def build(record: Record) -> dict:
            values = {
                "name": record.values["name"],
                "date_last_modified": record.values["date_last_modified"],
            }
            existing = stored_sites.get(record.sourced_id)
            if existing is None:
                values["type"] = _site_type(record.values)
                values["code"] = _unique_code(record.values, taken_codes)
            return values

        by_name = {site.name.lower(): site for site in Site.objects.all()}
        clashes = [
            Problem(
                "orgs.csv",
                record.line,
                "name",
                f"“{record.values['name']}” is already the name of another site in Homeroom",
            )
            for sid, record in storable.items()
            if sid not in linked
            and (other := by_name.get(record.values["name"].lower())) is not None
            and other.sourced_id != sid
        ]
        if clashes:
            raise ApplyError(clashes)
        self.planned["orgs"].update({sid: pk for sid, (pk, _, _) in linked.items()})
        self.save("orgs", self.plan("orgs", storable.values(), linked), build)

    def apply_sessions(self) -> None:
        records = self.checker.records["academicSessions"]
        self.save(
            "academicSessions",
            self.plan("academicSessions", records.values()),
            lambda record: {**record.values},
        )
        if self.write:
            pks = self.existing_pks("academicSessions")
            parents = [
                (pks[sid], pks.get(r.refs["parent"])) for sid, r in records.items() if sid in pks
            ]
            for pk, parent in parents:
                AcademicSession.objects.filter(pk=pk).exclude(parent_id=parent).update(
                    parent_id=parent
                )

    def apply_courses(self) -> None:
        sites, sessions = self.pks["orgs"], self.pks["academicSessions"]
        records = self.checker.records["courses"]
        self.save(
            "courses",
            self.plan("courses", records.values()),
            lambda record: {
                **record.values,
                "site_id": sites.get(record.refs["site"]),
                "school_year_id": sessions.get(record.refs["school_year"]),
            },
        )

    def apply_classes(self) -> None:
        sites, courses = self.pks["orgs"], self.pks["courses"]
        sessions = self.pks["academicSessions"]
        records = self.checker.records["classes"]
        missing = [
            Problem("classes.csv", r.line, "schoolSourcedId", f"“{r.refs['site']}” is not a school")
            for r in records.values()
            if r.refs["site"] not in sites
        ]
        if missing:
            raise ApplyError(missing[:50])

        def set_terms(instances) -> None:
            through = SchoolClass.terms.through
            through.objects.filter(schoolclass_id__in=[i.pk for i in instances]).delete()
            through.objects.bulk_create(
                [
                    through(schoolclass_id=i.pk, academicsession_id=sessions[term])
                    for i in instances
                    for term in records[i.sourced_id].refs["terms"].split(",")
                    if term in sessions
                ],
                batch_size=BATCH,
            )

        self.save(
            "classes",
            self.plan("classes", records.values()),
            lambda record: {
                **record.values,
                "site_id": sites[record.refs["site"]],
                "course_id": courses.get(record.refs["course"]),
            },
            after_write=set_terms,
        )

    def apply_people(self) -> None:
        users = self.checker.records.get("users", {})
        roles_by_user, profiles_by_user = self.child_records()
        sites = self.pks["orgs"]
        if self.checker.mode("users") == "absent":
            users = self.stored_users_with_children()
        for sid, record in users.items():
            record.values["roles"] = roles_by_user.get(sid, record.values.get("roles", {}))
            record.values["profiles"] = profiles_by_user.get(sid, record.values.get("profiles", {}))
            if record.values["roles"] or record.values["profiles"]:
                record.extra = repr(
                    (
                        sorted(record.values["roles"].items()),
                        sorted(record.values["profiles"].items()),
                    )
                )

        def site_ids(record: Record) -> list[int]:
            if self.checker.version == "1.1":
                wanted = record.refs["sites"].split(",")
            else:
                wanted = [role["org"] for role in record.values["roles"].values()]
            return list(dict.fromkeys(sites[sid] for sid in wanted if sid in sites))

        def build(record: Record) -> dict:
            values = dict(record.values)
            values["family_key"], values["given_key"] = search_keys(
                values["family_name"], values["given_name"], values.get("preferred_given_name", "")
            )
            values["grade"] = values["grades"].split(",")[0]
            placed = site_ids(record)
            if self.checker.version == "1.2":
                primary = [
                    role for role in values["roles"].values() if role["role_type"] == "primary"
                ]
                if primary:
                    values["kind"] = KIND_BY_ROLE.get(primary[0]["role"], "staff")
                    placed = [sites[primary[0]["org"]]] * (primary[0]["org"] in sites) + placed
                chosen = record.refs.get("primary_site")
                values["primary_site_id"] = (
                    sites.get(chosen) if chosen else (placed[0] if placed else None)
                )
            else:
                values["primary_site_id"] = placed[0] if placed else None
            return values

        def set_sites(instances) -> None:
            through = Person.sites.through
            through.objects.filter(person_id__in=[i.pk for i in instances]).delete()
            through.objects.bulk_create(
                [
                    through(person_id=i.pk, site_id=site)
                    for i in instances
                    for site in site_ids(users[i.sourced_id])
                ],
                batch_size=BATCH,
            )

        self.save("users", self.plan("users", users.values()), build, after_write=set_sites)

    def child_records(self) -> tuple[dict, dict]:
        """1.2 roles and profiles grouped by person, merged with stored ones for delta files;
        counted per file."""
        grouped = []
        for entity, field in (("roles", "roles"), ("userProfiles", "profiles")):
            mode = self.checker.mode(entity)
            by_user: dict[str, dict] = defaultdict(dict)
            stored = {
                sid: value
                for sid, value in Person.objects.filter(sourced_id__isnull=False)
                .exclude(**{field: {}})
                .values_list("sourced_id", field)
                .iterator()
            }
            if mode == "absent":
                grouped.append(stored)  # people keep what they have
                continue
            stored_entries = {
                key: entry for entries in stored.values() for key, entry in entries.items()
            }
            owner = {key: sid for sid, entries in stored.items() for key in entries}
            if mode == "delta":
                for sid, entries in stored.items():
                    by_user[sid].update(entries)
            elif not self.whole_district:
                # A file for some schools keeps people's roles at the other schools.
                for key, entry in stored_entries.items():
                    if not self.child_within_reach(field, entry, owner[key]):
                        by_user[owner[key]][key] = entry
            counts = self.counts[entity]
            for key, record in self.checker.records[entity].items():
                user = record.refs["user"]
                entry = {
                    name: _plain(value)
                    for name, value in record.values.items()
                    if name != "date_last_modified"
                }
                if field == "roles":
                    entry["org"] = record.refs["site"]
                old = stored_entries.get(key)
                if not record.active:
                    if by_user[user].pop(key, None) is not None or (mode == "bulk" and old):
                        counts["deactivated"] += 1
                        self.children_changed.add(user)
                    continue
                by_user[user][key] = entry
                action = "created" if old is None else "unchanged" if old == entry else "updated"
                counts[action] += 1
                if action != "unchanged":
                    self.children_changed.add(user)
            if mode == "bulk":
                listed = set(self.checker.records[entity])
                gone = [
                    key
                    for key, entry in stored_entries.items()
                    if key not in listed and self.child_within_reach(field, entry, owner[key])
                ]
                counts["deactivated"] += len(gone)
                self.children_changed.update(owner[key] for key in gone)
            grouped.append(by_user)
        return grouped[0], grouped[1]

    def child_within_reach(self, field: str, entry: dict, person: str) -> bool:
        """Whether a bulk roles or userProfiles file may drop this stored entry: its person
        is in the set or within reach, and a role is at a school the set covers."""
        if self.whole_district:
            return True
        if self._people_within_reach is None:
            self._people_within_reach = set(self.checker.ids.get("users", ())) | set(
                self.within_reach("users").values_list("sourced_id", flat=True)
            )
            self._covered_sids = {
                sid for sid, pk in self.pks["orgs"].items() if pk in self.covered_sites()
            }
        if person not in self._people_within_reach:
            return False
        return field != "roles" or entry.get("org") in self._covered_sids

    def stored_users_with_children(self) -> dict:
        """When only roles or profiles change, the people they changed are saved with them."""
        touched = self.children_changed
        site_sids = {pk: sid for sid, pk in self.pks["orgs"].items()}
        records = {}
        for person in Person.objects.filter(sourced_id__in=touched).prefetch_related("sites"):
            values = {
                name: getattr(person, name)
                for name in (
                    "enabled_user",
                    "username",
                    "given_name",
                    "family_name",
                    "middle_name",
                    "identifier",
                    "email",
                    "phone",
                    "grades",
                    "state_id",
                    "metadata",
                    "kind",
                    "preferred_given_name",
                    "preferred_family_name",
                    "date_last_modified",
                    "roles",
                    "profiles",
                )
            }
            refs = {
                "agents": "",
                "sites": ",".join(site_sids.get(site.pk, "") for site in person.sites.all()),
                "primary_site": site_sids.get(person.primary_site_id, ""),
            }
            records[person.sourced_id] = Record(person.sourced_id, person.is_active, values, refs)
        return records

    def apply_enrollments(self) -> None:
        classes, people, sites = self.pks["classes"], self.pks["users"], self.pks["orgs"]
        class_sites = dict(SchoolClass.objects.values_list("pk", "site_id"))
        count = 0

        def records():
            nonlocal count
            for record in self.checker.unconverted("enrollments"):
                count += 1
                if count % 20000 == 0:
                    self.progress("Applying enrollments.csv", count)
                yield record

        def build(light: Record) -> dict:
            record = self.checker.convert("enrollments", light.line, light.raw)
            school_class = classes[record.refs["school_class"]]
            return {
                **record.values,
                "school_class_id": school_class,
                "person_id": people[record.refs["person"]],
                "site_id": sites.get(record.refs["site"], class_sites[school_class]),
            }

        self.save("enrollments", self.plan("enrollments", records()), build)

    # What deactivation does

    def deactivation_impact(self) -> dict:
        """Who becomes inactive, per school, against that school's active people before;
        the sites that become inactive with what they still hold; and whether it is large
        enough (more than a fifth of a school, or any site) to need a typed confirmation."""
        people, sites = self.made_inactive["users"], self.made_inactive["orgs"]
        by_site: dict[int | None, int] = defaultdict(int)
        for chunk in batched(people, BATCH):
            for site, n in (
                Person.objects.filter(pk__in=chunk)
                .values_list("primary_site")
                .annotate(n=Count("pk"))
                .order_by()
            ):
                by_site[site] += n
        names = dict(Site.objects.filter(pk__in=[*by_site, *sites]).values_list("pk", "name"))
        schools = sorted(
            (
                {
                    "site": names.get(site, "No school"),
                    "inactive": n,
                    "active": self.active_before.get(site, 0),
                    "large": n > self.active_before.get(site, 0) * LARGE_SHARE,
                }
                for site, n in by_site.items()
            ),
            key=lambda row: row["site"],
        )
        held = self.site_holdings(sites)
        return {
            "people": len(people),
            "schools": schools,
            "sites": [
                {"site": names[pk], "holds": held[pk]} for pk in sorted(sites, key=names.get)
            ],
            "people_hold": self.people_holdings(people),
            "needs_confirmation": bool(sites) or any(row["large"] for row in schools),
        }

    @staticmethod
    def site_holdings(sites: list[int]) -> dict[int, list]:
        """[label, count] of what each site still has: rooms, and what modules register."""
        held: dict[int, list] = {pk: [] for pk in sites}
        if not sites:
            return held

        def rooms(ids):
            return dict(
                Room.objects.filter(site__in=ids, is_active=True)
                .values_list("site")
                .annotate(n=Count("pk"))
                .order_by()
            )

        counters = [("rooms", rooms)] + [
            (holding.label, holding.count) for holding in registry.holdings if holding.of == "sites"
        ]
        for label, count in counters:
            found = count(sites)
            for pk in sites:
                if found.get(pk):
                    held[pk].append([label, found[pk]])
        return held

    @staticmethod
    def people_holdings(people: list[int]) -> list:
        """[label, how many, of how many people] of what the people made inactive still have
        (devices checked out, say)."""
        held = []
        for holding in registry.holdings:
            if holding.of != "people":
                continue
            found: dict[int, int] = {}
            for chunk in batched(people, BATCH):
                found.update(holding.count(chunk))
            found = {pk: n for pk, n in found.items() if n}
            if found:
                held.append([holding.label, sum(found.values()), len(found)])
        return held

    # Derived data

    def update_homerooms(self) -> None:
        """A student's homeroom is the homeroom-type class they are actively enrolled in."""
        homerooms = dict(
            Enrollment.objects.filter(
                is_active=True,
                role="student",
                school_class__class_type="homeroom",
                school_class__is_active=True,
            )
            .values_list("person_id", "school_class_id")
            .iterator()
        )
        current = dict(
            Person.objects.filter(homeroom__isnull=False)
            .values_list("pk", "homeroom_id")
            .iterator()
        )
        changed = defaultdict(list)
        for person in set(homerooms) | set(current):
            if homerooms.get(person) != current.get(person):
                changed[homerooms.get(person)].append(person)
        for homeroom, people in changed.items():
            for chunk in batched(people, BATCH):
                Person.objects.filter(pk__in=chunk).update(homeroom_id=homeroom)

    def refresh_statistics(self) -> None:
        """PostgreSQL plans queries from table statistics; after a large load they would be
        stale until autovacuum gets there, and lists would run on wrong row estimates."""
        if connection.vendor == "postgresql":
            tables = [model._meta.db_table for model in MODELS.values()]
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))

    def link_accounts(self) -> None:
        """Links people to the login account with the same email, when exactly one has it."""
        unlinked = dict(
            Person.objects.filter(user__isnull=True, is_active=True)
            .exclude(email="")
            .values_list("email", "pk")
            .iterator()
        )
        if not unlinked:
            return
        taken = set(Person.objects.filter(user__isnull=False).values_list("user_id", flat=True))
        accounts = defaultdict(list)
        lowered = {email.lower(): pk for email, pk in unlinked.items()}
        for user_pk, email in User.objects.exclude(email="").values_list("pk", "email"):
            if email.lower() in lowered and user_pk not in taken:
                accounts[email.lower()].append(user_pk)
        for email, user_pks in accounts.items():
            if len(user_pks) == 1:
                Person.objects.filter(pk=lowered[email]).update(user_id=user_pks[0])
                self.linked_accounts += 1


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _site_type(values: dict) -> str:
    if values["org_type"] == "district":
        return SiteType.DISTRICT_OFFICE
    name = values["name"].lower()
    for word, site_type in (
        ("elementary", SiteType.ELEMENTARY),
        ("primary", SiteType.ELEMENTARY),
        ("middle", SiteType.MIDDLE),
        ("junior", SiteType.MIDDLE),
        ("high", SiteType.HIGH),
    ):
        if word in name:
            return site_type
    return SiteType.K12


def _unique_code(values: dict, taken: set[str]) -> str:
    base = (
        slugify(values["identifier"])
        or "".join(word[0] for word in re.findall(r"[A-Za-z0-9]+", values["name"])).upper()
        or "SCH"
    )
    base = base[:28]
    code, n = base, 2
    while code.lower() in taken:
        code, n = f"{base}-{n}", n + 1
    taken.add(code.lower())
    return code
