from django.db import migrations, models

# The starting tree's device issues said “low impact”, so a student's broken Chromebook
# filed as Low priority. A student (or teacher) whose own device is broken cannot work:
# high impact. Each row: (group, issue, impact then, impact now, urgency then, urgency
# now, physical damage). Urgency stays medium where high would make every dead
# Chromebook a critical ticket: a loaner gets the student working again within the day.
# Rows the district already changed are left as they are.
IMPACTS = [
    ("Chromebook", "Cracked screen", 3, 1, 2, 2, True),
    ("Chromebook", "Won't power on", 3, 1, 1, 2, False),
    ("Chromebook", "Keyboard or trackpad", 3, 2, 2, 2, False),
    ("Chromebook", "Charging port or charger", 3, 2, 2, 2, False),
    ("Chromebook", "Can't sign in", 3, 1, 1, 2, False),
    ("Laptop", "Won't power on", 3, 1, 1, 2, False),
    ("Laptop", "Cracked screen", 3, 1, 2, 2, True),
    ("iPad / tablet", "Cracked screen", 3, 1, 2, 2, True),
]
# Damage the tree did not name yet: (group, issue, impact, urgency).
NEW_DAMAGE = [
    ("Chromebook", "Liquid spill", 1, 2),
    ("Chromebook", "Broken hinge or case", 1, 2),
    ("Laptop", "Liquid spill", 1, 2),
    ("iPad / tablet", "Liquid spill", 1, 2),
]


def update_tree(apps, schema_editor):
    """Idempotent: the help-desk demo runs it again on a test database emptied after
    migrating."""
    IssueType = apps.get_model("helpdesk", "IssueType")
    for group, name, impact_then, impact, urgency_then, urgency, damage in IMPACTS:
        issue = IssueType.objects.filter(parent__name=group, parent__parent=None, name=name)
        issue.filter(default_impact=impact_then, default_urgency=urgency_then).update(
            default_impact=impact, default_urgency=urgency
        )
        if damage:
            issue.update(physical_damage=True)
    for group, name, impact, urgency in NEW_DAMAGE:
        parent = IssueType.objects.filter(parent=None, name=group).first()
        if parent is None:
            continue
        IssueType.objects.get_or_create(
            parent=parent,
            name=name,
            defaults={
                "device_category": parent.device_category,
                "order": parent.children.count(),
                "default_impact": impact,
                "default_urgency": urgency,
                "physical_damage": True,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0004_queue_indexes_by_site"),
    ]

    operations = [
        migrations.AddField(
            model_name="issuetype",
            name="physical_damage",
            field=models.BooleanField(
                default=False,
                help_text="Broken hardware (a cracked screen, a spill, a broken hinge): no "
                "troubleshooting step fixes it, so “This fixed it” is not offered.",
            ),
        ),
        migrations.RunPython(update_tree, migrations.RunPython.noop),
    ]
