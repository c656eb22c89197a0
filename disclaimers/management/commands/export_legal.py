"""manage.py export_legal FILE.json: the labels and the register, for review or moving."""

import json

from django.core.management.base import BaseCommand

from disclaimers.legal_file import export_document


class Command(BaseCommand):
    help = (
        "Write the legal labels and the register of designated entities to a JSON file."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write; - for standard output")

    def handle(self, file, **options):
        text = json.dumps(export_document(), ensure_ascii=False, indent=2) + "\n"
        if file == "-":
            self.stdout.write(text, ending="")
        else:
            with open(file, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stderr.write(self.style.SUCCESS(f"Wrote {file}."))
