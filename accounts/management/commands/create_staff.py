"""Create (or update) a newsroom account in a role: manage.py create_staff NAME --role ROLE.

The account obeys the rules of the administrator's user form: the model's validation
(username characters, e-mail address, a unique name), no control characters in names
or address (newsroom.text), and Django's password validators.
"""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import ROLE_PERMISSIONS
from newsroom.text import check_plain_text


class Command(BaseCommand):
    help = "Create a staff account in a newsroom role, or update its role and password."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            choices=[role.lower() for role in ROLE_PERMISSIONS],
            help="the newsroom role",
        )
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the password from standard input instead of prompting",
        )

    def handle(self, username, role, email, first_name, last_name, **options):
        User = get_user_model()
        group = Group.objects.filter(name__iexact=role).first()
        if group is None:
            raise CommandError(f"The role {role!r} does not exist: run migrate first.")
        user = User.objects.filter(username=username).first() or User(username=username)
        user.email = email or user.email
        user.first_name = first_name or user.first_name
        user.last_name = last_name or user.last_name
        # Checked before the password is asked for: nothing to type twice in vain.
        self.check_account(user)
        password = self.read_password(options["password_stdin"])
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(
                "Password refused: " + " ".join(error.messages)
            ) from None
        user.set_password(password)
        user.is_staff = True
        with transaction.atomic():
            created = user.pk is None
            user.save()
            # One role per account keeps what each person may do easy to read.
            user.groups.set([group])
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {username} as {group.name}."))

    def check_account(self, user) -> None:
        """The user's names and address by the model's rules, or a CommandError
        naming each refused field."""
        errors = {}
        for field in ("username", "first_name", "last_name", "email"):
            try:
                check_plain_text(getattr(user, field), field)
            except ValidationError as error:
                errors.update(error.error_dict)
        try:
            user.full_clean(exclude=["password", *errors])
        except ValidationError as error:
            errors.update(error.error_dict)
        if errors:
            raise CommandError(
                "Refused: "
                + "; ".join(
                    f"{field}: {' '.join(message for item in items for message in item)}"
                    for field, items in errors.items()
                )
            )

    def read_password(self, from_stdin: bool) -> str:
        if from_stdin or not sys.stdin.isatty():
            return sys.stdin.readline().rstrip("\n")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
