"""Roles are Django groups; each role's permissions are declared here and synced on migrate.

A later module adds its permissions to ROLE_PERMISSIONS and the next `migrate` applies them.
"""

from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate

DISTRICT_ADMIN = "District admin"
TECHNICIAN = "Technician"
TEACHER = "Teacher"
LIBRARIAN = "Librarian"
TEST_COORDINATOR = "Test coordinator"
STUDENT = "Student"

ROLES = [DISTRICT_ADMIN, TECHNICIAN, TEACHER, LIBRARIAN, TEST_COORDINATOR, STUDENT]

ROLE_DESCRIPTIONS = {
    DISTRICT_ADMIN: "Everything, at every site: settings, policies, users and roles.",
    TECHNICIAN: "Works the help desk, devices, repairs and imports at their sites.",
    TEACHER: "Files tickets, sees their classes' devices, reserves carts, requests apps.",
    LIBRARIAN: "Runs the library catalog, circulation, holds and inventory.",
    TEST_COORDINATOR: "Plans testing windows and sessions and checks device readiness.",
    STUDENT: "Files a ticket, sees their own device and loans, searches the catalog.",
}

ALL_PERMISSIONS = "__all__"

SITE_READ = ["core.view_site", "core.view_room"]
# Teachers hold only view_person and view_schoolclass: the selectors then show them their
# own classes and students. view_all_students opens every student at the user's sites.
ROSTER_READ = ["people.view_person", "people.view_schoolclass", "people.view_all_students"]

DEVICE_WORK = [
    "devices.view_device",
    "devices.add_device",
    "devices.change_device",
    "devices.delete_device",
    "devices.view_assignment",
    "devices.add_assignment",
    "devices.change_assignment",
    "devices.view_devicemodel",
    "devices.add_devicemodel",
    "devices.change_devicemodel",
    "devices.view_manufacturer",
    "devices.add_manufacturer",
]

REPAIR_WORK = [
    *(f"repairs.{verb}_repairorder" for verb in ("view", "add", "change")),
    *(f"repairs.{verb}_part" for verb in ("view", "add", "change")),
    *(f"repairs.{verb}_vendor" for verb in ("view", "add", "change")),
    "repairs.view_stockmovement",
    "repairs.add_stockmovement",
    "repairs.view_loaner",
    "repairs.add_loaner",
]

# Charges, payments and waivers at the user's sites; the fee schedule and the fee policy
# stay with the district admin.
FEE_WORK = [
    "fees.view_charge",
    "fees.add_charge",
    "fees.view_payment",
    "fees.add_payment",
    "fees.view_waiver",
    "fees.add_waiver",
    "fees.view_feereason",
]

# Teachers and staff file tickets and follow their own; technicians work them at their
# sites. Students hold nothing: the district's help-desk setting lets them file.
HELPDESK_FILE = ["helpdesk.add_ticket"]
HELPDESK_WORK = [
    *HELPDESK_FILE,
    "helpdesk.view_ticket",
    "helpdesk.change_ticket",
    "helpdesk.work_ticket",
    "helpdesk.view_internal_note",
    "helpdesk.view_article",
    "helpdesk.add_article",
    "helpdesk.change_article",
    "helpdesk.view_issuetype",
    "helpdesk.view_cannedresponse",
]

# Staff see the training catalog and sign up; technicians also schedule sessions and run
# them (lists, attendance) at their sites. A presenter runs their own session whatever
# their role. Staff ask for in-class help; technicians coach.
TRAINING_JOIN = [
    "training.view_trainingsession",
    "training.add_signup",
    "training.view_coachingrequest",
    "training.add_coachingrequest",
]
TRAINING_RUN = [
    *TRAINING_JOIN,
    "training.add_trainingsession",
    "training.change_trainingsession",
    "training.view_signup",
    "training.view_attendance",
    "training.add_attendance",
    # Coaching: accept, schedule and log in-class visits at their sites.
    "training.change_coachingrequest",
    "training.add_coachinglog",
    "training.view_coachinglog",
]

# Test coordinators keep the platforms' requirements and plan testing windows at their
# sites and schedule sessions there; technicians, who prepare the devices, read both and
# run the sessions (bind devices, start and end them). Teachers see the sessions they
# administer or proctor.
TESTDAY_HELP = [
    "testday.view_assessmentplatform",
    "testday.view_testingwindow",
    "testday.view_testsession",
    "testday.change_testsession",
]
TESTDAY_RUN = [
    *TESTDAY_HELP,
    "testday.add_assessmentplatform",
    "testday.change_assessmentplatform",
    "testday.add_testingwindow",
    "testday.change_testingwindow",
    "testday.add_testsession",
]

# Staff see the catalog of apps and the decision on each, and ask for a new tool;
# technicians keep the catalog and the licences of their sites, handle the requests and
# review tools used only at their schools.
SOFTWARE_VIEW = ["software.view_tool", "software.add_toolrequest"]
SOFTWARE_WORK = [
    *SOFTWARE_VIEW,
    "software.add_tool",
    "software.change_tool",
    "software.view_licence",
    "software.add_licence",
    "software.delete_licence",
    "software.view_toolrequest",
    "software.change_toolrequest",
    "software.view_review",
    "software.add_review",
    "software.change_review",
    # LMS provisioning files of their schools.
    "software.export_provisioning",
]

# Everyone with an account searches the library's catalog (and places holds for
# themselves); librarians keep it: titles, copies, MARC imports and exports, labels, and
# run circulation at their libraries: loans, holds, the loan rules of their libraries,
# and count their shelves (stocktakes).
LIBRARY_SEARCH = ["library.search_catalog"]
LIBRARY_WORK = [
    *LIBRARY_SEARCH,
    "library.view_title",
    "library.add_title",
    "library.change_title",
    "library.view_copy",
    "library.add_copy",
    "library.change_copy",
    "library.view_library",
    "library.view_loan",
    "library.add_loan",
    "library.change_loan",
    "library.override_loan",
    "library.view_hold",
    "library.add_hold",
    "library.change_hold",
    "library.view_loanrule",
    "library.change_loanrule",
    "library.view_patrontype",
    "library.view_stocktake",
    "library.add_stocktake",
    "library.change_stocktake",
]

# Staff reserve carts, labs and equipment at their schools and see who holds what;
# technicians keep the resources and bell schedules, approve and hand out bookings, record
# AV details and run preventive maintenance at their sites.
CLASSROOMS_BOOK = [
    "classrooms.view_resource",
    "classrooms.view_reservation",
    "classrooms.add_reservation",
    "classrooms.view_bellschedule",
]
CLASSROOMS_WORK = [
    *CLASSROOMS_BOOK,
    "classrooms.add_resource",
    "classrooms.change_resource",
    "classrooms.change_reservation",
    "classrooms.add_bellschedule",
    "classrooms.change_bellschedule",
    "classrooms.view_avdetails",
    "classrooms.change_avdetails",
    "classrooms.view_maintenanceplan",
    "classrooms.add_maintenanceplan",
    "classrooms.change_maintenanceplan",
    "classrooms.view_maintenancetask",
    "classrooms.change_maintenancetask",
    "classrooms.view_inspection",
    "classrooms.add_inspection",
]

ROLE_PERMISSIONS: dict[str, list[str] | str] = {
    DISTRICT_ADMIN: ALL_PERMISSIONS,
    TECHNICIAN: [
        *DEVICE_WORK,
        *REPAIR_WORK,
        *SITE_READ,
        *ROSTER_READ,
        "core.add_room",
        "core.change_room",
        "core.view_auditevent",
        *HELPDESK_WORK,
        *FEE_WORK,
        "people.view_student_ids",
        # Roster imports stay with the district admin: one file changes people at every
        # school, which a technician limited to some schools must not do.
        "devices.view_deviceimport",
        "devices.add_deviceimport",
        "reports.view_helpdesk_metrics",
        *TESTDAY_HELP,
        *TRAINING_RUN,
        *SOFTWARE_WORK,
        *LIBRARY_SEARCH,
        *CLASSROOMS_WORK,
    ],
    TEACHER: [
        *SITE_READ,
        *HELPDESK_FILE,
        "people.view_person",
        "people.view_schoolclass",
        "testday.view_testsession",
        *TRAINING_JOIN,
        *SOFTWARE_VIEW,
        *LIBRARY_SEARCH,
        *CLASSROOMS_BOOK,
    ],
    LIBRARIAN: [
        *SITE_READ,
        *ROSTER_READ,
        *FEE_WORK,
        *HELPDESK_FILE,
        *TRAINING_JOIN,
        *SOFTWARE_VIEW,
        *LIBRARY_WORK,
        *CLASSROOMS_BOOK,
    ],
    TEST_COORDINATOR: [
        *SITE_READ,
        *ROSTER_READ,
        *HELPDESK_FILE,
        "people.view_student_ids",
        *TESTDAY_RUN,
        *TRAINING_JOIN,
        *SOFTWARE_VIEW,
        *LIBRARY_SEARCH,
        *CLASSROOMS_BOOK,
    ],
    STUDENT: [*LIBRARY_SEARCH],
}


def sync_roles(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Create the role groups and give each exactly the permissions declared above.

    Runs once per migrate, after the last app's signal, making sure every app's
    permissions exist first (receivers of that last signal run in no useful order)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    configs = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not configs[-1]:
        return
    for config in configs:
        create_permissions(config, verbosity=0, using=using)

    everything = list(Permission.objects.using(using).select_related("content_type"))
    by_name = {f"{p.content_type.app_label}.{p.codename}": p for p in everything}
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        declared = ROLE_PERMISSIONS[role]
        if declared == ALL_PERMISSIONS:
            group.permissions.set(everything)
        else:
            group.permissions.set([by_name[name] for name in declared if name in by_name])


def connect_role_sync() -> None:
    post_migrate.connect(sync_roles, dispatch_uid="homeroom.sync_roles")
