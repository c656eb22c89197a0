"""manage.py export_articles FILE.jsonl [--since DATE] [--language ru]."""

from argparse import BooleanOptionalAction
from datetime import datetime, time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from archive.exporter import ExportError, export
from archive.progress import Progress


def since_date(value: str) -> datetime:
    """A date (2024-03-14) or a time, read in the newsroom's time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: not a date: {value!r}") from None
    if len(value) == 10:
        moment = datetime.combine(moment.date(), time.min)
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class Command(BaseCommand):
    help = "Export articles as the archive's JSONL, photos copied beside the file."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--since", type=since_date, help="Only articles published on or after."
        )
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES]
        )
        parser.add_argument(
            "--with-history",
            action=BooleanOptionalAction,
            help=(
                "Write each story's workflow history (default: yes for the whole "
                "archive, no with --since or --language)."
            ),
        )

    def handle(self, *args, file: Path, since, language, with_history, **options):
        if not file.parent.is_dir():
            raise CommandError(f"{file.parent}: no such folder")
        progress = Progress(self.stdout, "articles")
        try:
            count = export(
                file,
                since=since,
                language=language,
                with_history=with_history,
                progress=progress.update,
            )
        except ExportError as error:
            raise CommandError(str(error)) from None
        finally:
            progress.end_bar()
        self.stdout.write(f"Exported {count:,} articles to {file}.")
