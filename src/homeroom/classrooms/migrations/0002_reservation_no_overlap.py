"""On PostgreSQL, the database itself refuses two held bookings of one resource that share
time (an exclusion constraint over the booking's span, with btree_gist for the resource's
equality). The service's row lock already makes bookers take turns; this guard holds for any
writer that skips it. SQLite has no such constraint and serialises its writers anyway."""

from django.db import migrations

CONSTRAINT = "classrooms_reservation_no_overlap"
FORWARDS = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE classrooms_reservation ADD CONSTRAINT {CONSTRAINT}
    EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN ('pending', 'confirmed', 'picked_up'))""",
]
BACKWARDS = [f"ALTER TABLE classrooms_reservation DROP CONSTRAINT IF EXISTS {CONSTRAINT}"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARDS:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARDS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("classrooms", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
