"""Writing a plan: the caller's transaction, multi-row statements, audit events in bulk.

Check-outs are written here in bulk rather than through `devices.services.device_check_out`,
which locks the device and runs some ten statements per check-out: about 3 ms each on SQLite,
two and a half minutes for the 54,000 Chromebooks a district's first import hands out, where
the bulk writes take seconds. The plan has applied the service's rules (the status allows a
check-out, no open assignment, an active person) to what Homeroom held inside this same
transaction, the rows and audit events are the ones the service writes, and the partial unique
index on open assignments still refuses a device checked out twice."""

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from homeroom.core.bulk import BATCH, batched, insert_rows, update_rows
from homeroom.core.choices import AuditInterface, AuditVerb
from homeroom.core.models import AuditEvent
from homeroom.devices.choices import AssignmentKind, DeviceStatus
from homeroom.devices.importers.plan import Plan
from homeroom.devices.models import Assignment, Device, DeviceModel, Manufacturer


class Writer:
    """Writes one plan; `run` in the transaction that made the plan."""

    def __init__(self, plan: Plan, *, actor=None, message: str):
        self.plan = plan
        self.actor = actor if actor is not None and actor.is_authenticated else None
        self.message = message[:300]
        self.now = timezone.now()
        self.events: list[dict] = []
        self.types = {
            model: ContentType.objects.get_for_model(model).pk
            for model in (Device, DeviceModel, Manufacturer)
        }

    def event(self, model, pk: int, label: str, verb: str, site, changes=None, message=None):
        self.events.append(
            {
                "at": self.now,
                "actor_id": self.actor.pk if self.actor else None,
                "actor_name": self.actor.get_username() if self.actor else "",
                "interface": AuditInterface.IMPORT,
                "verb": verb,
                "content_type_id": self.types[model],
                "object_id": pk,
                "object_repr": label[:200],
                "site_id": site,
                "changes": changes or {},
                "message": (message or self.message)[:300],
            }
        )
        if len(self.events) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.events:
            insert_rows(AuditEvent, self.events)
            self.events = []

    def run(self) -> None:
        models = self.write_models()
        self.write_updates(models)
        serials = self.write_creates(models)
        self.write_checkouts(serials)
        self.write_fingerprints()
        self.flush()
        if connection.vendor == "postgresql" and len(self.plan.creates) > 1000:
            tables = [model._meta.db_table for model in (Device, Assignment, AuditEvent)]
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))

    def write_models(self) -> dict:
        plan = self.plan
        if plan.manufacturers:
            made = Manufacturer.objects.bulk_create(
                [Manufacturer(name=name) for name in plan.manufacturers]
            )
            for maker in Manufacturer.objects.filter(name__in=[m.name for m in made]):
                self.event(Manufacturer, maker.pk, maker.name, AuditVerb.CREATED, None)
        makers = {name.lower(): pk for pk, name in Manufacturer.objects.values_list("pk", "name")}
        if plan.models:
            DeviceModel.objects.bulk_create(
                [
                    DeviceModel(
                        manufacturer_id=makers[new.manufacturer.lower()],
                        name=new.name,
                        category=new.category,
                        auto_update_through=new.auto_update_through,
                    )
                    for new in plan.models.values()
                ]
            )
        keys = {
            (maker.lower(), name.lower()): pk
            for pk, maker, name in DeviceModel.objects.values_list(
                "pk", "manufacturer__name", "name"
            )
        }
        for key, new in plan.models.items():
            self.event(
                DeviceModel,
                keys[key],
                f"{new.manufacturer} {new.name}",
                AuditVerb.CREATED,
                None,
                {"category": [None, new.category]},
            )
        for pk, label, old, new in plan.model_updates:
            DeviceModel.objects.filter(pk=pk).update(auto_update_through=new)
            self.event(
                DeviceModel,
                pk,
                label,
                AuditVerb.UPDATED,
                None,
                {"auto_update_through": [old.isoformat() if old else None, new.isoformat()]},
            )
        return keys

    def write_updates(self, models: dict) -> None:
        """Updates go first, so a tag or serial they free is free for the new devices. Tags
        moving between devices of the file pass through a temporary value."""
        updates = self.plan.updates
        if self.plan.tags_move:
            moving = [
                (pk, {"asset_tag": f"~import~{pk}"}) for pk, v, *_ in updates if "asset_tag" in v
            ]
            update_rows(Device, moving)
        rows = []
        for pk, values, audited, tag, site in updates:
            values = dict(values)
            if "model_id" in values:
                values["model_id"] = models[values["model_id"]]
            if audited or "status" in values:
                values["updated_at"] = self.now
                if "import_fingerprint" in values:
                    values["import_fingerprint_at"] = self.now
            rows.append((pk, values))
            if audited:
                verb = (
                    AuditVerb.STATUS_CHANGED if list(audited) == ["status"] else AuditVerb.UPDATED
                )
                self.event(Device, pk, tag, verb, site, audited)
        update_rows(Device, rows)

    def write_creates(self, models: dict) -> dict[str, int]:
        serials: dict[str, int] = {}
        for batch in batched(self.plan.creates):
            stamps = {"created_at": self.now, "updated_at": self.now}
            rows = [
                {
                    **values,
                    **stamps,
                    "model_id": models[values["model_id"]],
                    "import_fingerprint_at": self.now if values.get("import_fingerprint") else None,
                }
                for values in batch
            ]
            insert_rows(Device, rows)
            found = dict(
                Device.objects.filter(
                    serial_number__in=[row["serial_number"] for row in rows]
                ).values_list("serial_number", "pk")
            )
            for row in rows:
                pk = found[row["serial_number"]]
                serials[row["serial_number"]] = pk
                self.event(Device, pk, row["asset_tag"], AuditVerb.CREATED, row["site_id"])
        return serials

    def write_fingerprints(self) -> None:
        """The rows of unchanged devices, kept so that the next import skips them."""
        update_rows(
            Device,
            [
                (pk, {"import_fingerprint": fingerprint, "import_fingerprint_at": at})
                for pk, fingerprint, at in self.plan.fingerprints
            ],
        )

    def write_checkouts(self, serials: dict[str, int]) -> None:
        rows = []
        for device, person, label, tag, site, before in self.plan.checkouts:
            pk = serials[device] if isinstance(device, str) else device
            rows.append(
                {
                    "device_id": pk,
                    "person_id": person,
                    "kind": AssignmentKind.ONE_TO_ONE,
                    "checked_out_at": self.now,
                    "checked_out_by_id": self.actor.pk if self.actor else None,
                }
            )
            changes = {"holder": [None, label], "kind": [None, AssignmentKind.ONE_TO_ONE]}
            if before != DeviceStatus.DEPLOYED:
                changes["status"] = [before, DeviceStatus.DEPLOYED]
            self.event(
                Device, pk, tag, AuditVerb.CHECKED_OUT, site, changes, f"Checked out to {label}"
            )
            if len(rows) >= BATCH:
                insert_rows(Assignment, rows)
                rows = []
        if rows:
            insert_rows(Assignment, rows)
