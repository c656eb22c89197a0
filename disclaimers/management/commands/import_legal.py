"""manage.py import_legal FILE.json --user NAME: validated, all-or-nothing, recorded.

Each label version and register entry goes through the model's full_clean() and
save(), the rules the legal officer's admin forms apply (disclaimers/legal_file.py).
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from disclaimers.legal_file import LegalFileError, import_document


class Command(BaseCommand):
    help = (
        "Load legal labels and register entries from a JSON file (the export_legal "
        "format). Nothing changes unless the whole file is valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--user",
            required=True,
            help="the Legal officer (or administrator) the change is recorded as",
        )

    def handle(self, file, user, **options):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"No user {user!r}.")
        if not account.has_perm("disclaimers.change_disclaimer"):
            raise CommandError(
                f"{user} may not change the legal labels (Legal role only)."
            )
        try:
            with open(file, encoding="utf-8") as handle:
                document = json.load(handle)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise CommandError(f"{file} is not valid UTF-8 JSON: {error}") from None
        try:
            labels, entries = import_document(document, account)
        except LegalFileError as error:
            # Every refused entry on a line of its own, named by its place in the file.
            raise CommandError(
                f"{file}: nothing was changed; refused:\n"
                + "\n".join(f"  {problem}" for problem in error.problems)
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {labels} labels and {entries} register entries."
            )
        )
