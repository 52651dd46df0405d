from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="rosterimport",
            name="whole_district",
            field=models.BooleanField(
                default=False,
                help_text="The file is the whole district's roster: what it leaves out becomes "
                "inactive at every school. Otherwise only at the schools the file contains.",
            ),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="impact",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="What applying makes inactive, by school, and whether it needs "
                "confirming.",
            ),
        ),
        migrations.AddField(
            model_name="rosterimport",
            name="confirmed_deactivations",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="The number of people made inactive that the importer typed to confirm.",
                null=True,
            ),
        ),
    ]
