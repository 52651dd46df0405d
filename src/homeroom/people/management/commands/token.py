from django.core.exceptions import PermissionDenied
from django.core.management.base import CommandError

from homeroom.core.commands import AuditedCommand
from homeroom.people import services
from homeroom.people.models import ApiToken, User


class Command(AuditedCommand):
    help = "Create, list or revoke personal API tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="Create a token; it is printed once.")
        create.add_argument("username")
        create.add_argument("--name", default="Command line")
        listing = actions.add_parser("list", help="List a user's tokens.")
        listing.add_argument("username")
        revoke = actions.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, action, **options):
        if action == "revoke":
            token = ApiToken.objects.select_related("user").filter(pk=options["token_id"]).first()
            if token is None:
                raise CommandError(f"No token with id {options['token_id']}.")
            services.token_revoke(actor=None, token=token)
            self.stdout.write(f"Revoked token {token.pk} ({token.name}) of {token.user}.")
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if action == "create":
            if not user.is_active:
                raise CommandError(f"{user.username} cannot sign in; turn the account on first.")
            try:
                _, key = services.token_create(actor=None, user=user, name=options["name"])
            except PermissionDenied as refused:
                raise CommandError(str(refused)) from refused
            self.stdout.write(key)
            self.stderr.write("Store it now: it is not shown again.")
            return
        for token in user.api_tokens.all():
            state = "active" if token.is_active else "revoked"
            self.stdout.write(f"{token.pk}\t{token.prefix}…\t{state}\t{token.name}")
