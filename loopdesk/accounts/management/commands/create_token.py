"""Issue a personal API token for a user and print it (it is shown only this once)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loopdesk.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = ("Print a new personal API token for <username>. Only its hash is stored, so save it now; "
            "send it as 'Authorization: Bearer <token>'.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for, e.g. 'CRM sync'")

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        if not user.is_active:
            raise CommandError(f"User {user.username!r} is deactivated.")
        name = str(options["name"]).strip()[:100] or "command line"
        _row, raw = ApiToken.issue(user, name)
        # The token alone on stdout, so scripts can capture it; the explanation goes to stderr.
        self.stderr.write(f"API token {name!r} for {user.username} (shown once; revoke it in the admin):")
        self.stdout.write(raw)
