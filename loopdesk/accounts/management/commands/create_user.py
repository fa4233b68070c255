"""Create a staff account with a role and a department."""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from loopdesk.accounts.models import Department, Role, User


class Command(BaseCommand):
    help = ("Create a staff account: manage.py create_user <username> --role R --department CODE "
            "[--password P]. Without --password the password is asked for. Role admin also gets the Django admin "
            "and may be created without a department.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--department", help="department code, e.g. cs, logistics (optional for admin)")
        parser.add_argument("--password", help="omit to be asked (safer: stays out of the shell history)")
        parser.add_argument("--display-name", default="", help="name shown to colleagues, e.g. 张伟")
        parser.add_argument("--email", default="")
        parser.add_argument("--phone", default="")

    def handle(self, *args: object, **options: object) -> None:
        username = str(options["username"]).strip()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"User {username!r} already exists.")
        department = None
        if options["department"] or options["role"] != Role.ADMIN:
            # The first administrator of a new installation comes before any department exists.
            department = Department.objects.filter(code=options["department"] or "").first()
            if department is None:
                codes = ", ".join(Department.objects.values_list("code", flat=True)) or "none yet"
                raise CommandError(f"Unknown department {options['department']!r} (known: {codes}).")
        user = User(username=username, role=options["role"], department=department,
                    display_name=options["display_name"], email=options["email"], phone=options["phone"])
        user.is_staff = user.is_superuser = options["role"] == Role.ADMIN
        password = options["password"] or self._ask_password()
        try:
            user.full_clean(exclude=["password"])
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        user.set_password(password)
        with transaction.atomic():
            user.save()
        self.stdout.write(self.style.SUCCESS(
            f"Created {user.username} ({user.get_role_display()}, {department or 'no department'})."))

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError("Give --password, or run the command in a terminal to be asked.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first
