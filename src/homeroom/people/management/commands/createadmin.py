import getpass

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from homeroom.core import roles
from homeroom.core.commands import AuditedCommand
from homeroom.people import services
from homeroom.people.models import User


class Command(AuditedCommand):
    help = "Create a district admin account (asks for the password unless --password is given)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password", help="Avoid on shared machines: it stays in history.")

    def handle(self, *args, username, email, first_name, last_name, password, **options):
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        if password is None:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords do not match.")
        try:
            validate_password(password, User(username=username, email=email))
            user = services.user_create(
                actor=None,
                username=username,
                email=email,
                first_name=first_name,
                last_name=last_name,
                password=password,
                role=roles.DISTRICT_ADMIN,
                is_superuser=True,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"Created district admin {user.username}."))
