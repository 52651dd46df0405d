"""Demo accounts, one per role, plus a little history for the activity pages."""

from homeroom.core import roles
from homeroom.core import services as core_services
from homeroom.core.demo import DEMO_PASSWORD, DemoContext, demo_step
from homeroom.core.models import Room
from homeroom.people import services

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
