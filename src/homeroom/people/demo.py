"""Demo accounts, one per role, plus a little history for the activity pages."""

import shutil
import tempfile
from pathlib import Path

from homeroom.core import roles
from homeroom.core import services as core_services
from homeroom.core.demo import DEMO_PASSWORD, DemoContext, demo_step
from homeroom.core.import_services import import_run_check_here, import_run_upload
from homeroom.core.models import ImportRun, Room
from homeroom.people import services
from homeroom.people.models import Person
from homeroom.people.oneroster.format import KIND
from homeroom.people.oneroster.generate import School, generate

DEMO_ACCOUNTS = [
    # username, first, last, role, indexes of the schools they work at (empty: every site)
    ("admin", "Dana", "Whitfield", roles.DISTRICT_ADMIN, []),
    ("tech", "Marcus", "Reyes", roles.TECHNICIAN, [1, 2]),
    ("teacher", "Priya", "Natarajan", roles.TEACHER, [1]),
    ("librarian", "Helen", "Okafor", roles.LIBRARIAN, [2]),
    ("coordinator", "Tom", "Lindqvist", roles.TEST_COORDINATOR, [3]),
    ("student", "Maya", "Ortiz", roles.STUDENT, [3]),
]


@demo_step(order=20)
def demo_accounts(context: DemoContext) -> None:
    sites = context.shared["sites"]
    accounts = {}
    for username, first, last, role, site_indexes in DEMO_ACCOUNTS:
        accounts[username] = services.user_create(
            actor=None,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@riverside.example.org",
            role=role,
            password=DEMO_PASSWORD,
            sites=[sites[index] for index in site_indexes],
        )
    context.shared["accounts"] = accounts

    tech = accounts["tech"]
    for room in Room.objects.filter(site=sites[1], kind="classroom").order_by("number")[:3]:
        core_services.room_update(
            actor=tech,
            room=room,
            name=context.rng.choice(
                ["Art room", "Music room", "STEM lab", "Reading room", "Makerspace"]
            ),
        )
    core_services.site_update(actor=accounts["admin"], site=sites[2], phone="(555) 010-4242")


@demo_step(order=30)
def roster(context: DemoContext) -> None:
    """Students, staff, classes and enrollments, loaded the way a district loads them: a
    OneRoster export from the student information system, imported by the admin."""
    sites = [site for site in context.shared["sites"] if site.type != "district_office"]
    schools = [
        School(f"org-{site.code.lower()}", site.name, site.code, site.type) for site in sites
    ]
    admin = context.shared["accounts"]["admin"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "sis-export"
        generate(
            path,
            schools=schools,
            students=500 * len(schools),
            staff=40 * len(schools),
            classes=60 * len(schools),
            classes_per_student=4,
            seed=context.rng.randint(0, 10**6),
            district=("District Office", "DO"),
        )
        archive = shutil.make_archive(str(path), "zip", root_dir=path)  # sis-export.zip
        run = import_run_upload(actor=admin, kind=KIND, path=archive, queue=False)
        import_run_check_here(run, apply=True, actor=admin)
        ImportRun.objects.filter(pk=run.pk).update(file_path="")  # the folder is temporary

    accounts = context.shared["accounts"]
    teacher = Person.objects.filter(kind="teacher", primary_site=sites[0]).order_by("pk").first()
    student = Person.objects.filter(kind="student", primary_site=sites[-1]).order_by("pk").first()
    for person, username in ((teacher, "teacher"), (student, "student")):
        account = accounts[username]
        person.given_name, person.family_name = account.first_name, account.last_name
        person.email, person.username, person.user = account.email, account.username, account
        person.save()
