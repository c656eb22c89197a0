"""Create (or update) a newsroom account in a role: manage.py create_staff NAME --role ROLE."""

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.roles import ROLE_PERMISSIONS


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

    def read_password(self, from_stdin: bool) -> str:
        if from_stdin or not sys.stdin.isatty():
            return sys.stdin.readline().rstrip("\n")
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
