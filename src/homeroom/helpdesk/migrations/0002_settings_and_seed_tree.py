from django.db import migrations, models

# The starting issue tree: (group, device category, [(issue, impact, urgency)]). Impact and
# urgency: 1 high, 2 medium, 3 low. Districts edit the tree afterwards.
ISSUE_TREE = [
    (
        "Chromebook",
        "chromebook",
        [
            ("Cracked screen", 3, 2),
            ("Won't power on", 3, 1),
            ("Keyboard or trackpad", 3, 2),
            ("Charging port or charger", 3, 2),
            ("Can't sign in", 3, 1),
            ("Slow or freezing", 3, 3),
        ],
    ),
    (
        "Laptop",
        "windows_laptop",
        [("Won't power on", 3, 1), ("Cracked screen", 3, 2), ("Software or update", 3, 3)],
    ),
    (
        "Interactive display",
        "interactive_display",
        [("No image", 2, 1), ("Touch not working", 2, 2), ("No sound", 2, 2)],
    ),
    ("Projector", "projector", [("No image", 2, 1), ("Bulb or dim picture", 2, 3)]),
    ("Document camera", "document_camera", [("No picture", 3, 2)]),
    ("iPad / tablet", "tablet", [("Cracked screen", 3, 2), ("App missing", 3, 3)]),
    (
        "Account",
        "",
        [
            ("Password reset", 3, 1),
            ("Access to Google Classroom", 3, 2),
            ("Access to Canvas", 3, 2),
            ("Access to Schoology", 3, 2),
        ],
    ),
    (
        "Testing",
        "",
        [("Kiosk app won't start", 2, 1), ("Device locked mid-test", 3, 1)],
    ),
    ("Network", "", [("Wi-Fi down in a room", 2, 1), ("Printer", 2, 3)]),
]

# Business minutes to respond and to resolve, per priority (1 critical … 4 low).
SLA_TARGETS = [(1, 30, 240), (2, 120, 510), (3, 240, 1530), (4, 510, 2550)]


def seed(apps, schema_editor):
    IssueType = apps.get_model("helpdesk", "IssueType")
    SlaTarget = apps.get_model("helpdesk", "SlaTarget")
    for group_order, (group, category, issues) in enumerate(ISSUE_TREE):
        parent, _ = IssueType.objects.get_or_create(
            parent=None,
            name=group,
            defaults={"device_category": category, "order": group_order},
        )
        for order, (name, impact, urgency) in enumerate(issues):
            IssueType.objects.get_or_create(
                parent=parent,
                name=name,
                defaults={
                    "device_category": category,
                    "order": order,
                    "default_impact": impact,
                    "default_urgency": urgency,
                },
            )
    for priority, response, resolution in SLA_TARGETS:
        SlaTarget.objects.get_or_create(
            priority=priority,
            defaults={"response_minutes": response, "resolution_minutes": resolution},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0001_initial"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="helpdesksettings",
            name="close_resolved_after_hours",
        ),
        migrations.AlterField(
            model_name="helpdesksettings",
            name="reopen_window_days",
            field=models.PositiveIntegerField(
                default=7,
                help_text="A requester may reopen a resolved ticket for this many days; after "
                "that it closes.",
            ),
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
