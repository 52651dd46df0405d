"""The vendors' platforms as published (homeroom.testday.seed)."""

from django.db import migrations

from homeroom.testday.seed import seed_platforms


def seed(apps, schema_editor):
    seed_platforms(apps.get_model("testday", "AssessmentPlatform"))


class Migration(migrations.Migration):
    dependencies = [("testday", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
