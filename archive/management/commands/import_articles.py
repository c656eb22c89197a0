"""manage.py import_articles FILE.jsonl [--user NAME] [--dry-run]: load the archive."""

import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from archive.importer import SYSTEM_USERNAME, Importer, Summary, importing_user
from archive.progress import Progress
from record import tasks
from record.models import Entry
from record.signals import edits_not_recorded
from record.travel import RecordNotImported, import_record


class Command(BaseCommand):
    help = "Import articles from the legacy archive's JSONL (one article per line)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and process every line, then roll back: nothing is written.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help=(
                "Who the stories' history names as importing them (default: the "
                f"inactive system user {SYSTEM_USERNAME!r}, created when first needed)."
            ),
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            actor = importing_user(user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--user {user}: no such user") from None
        self.total_bytes = file.stat().st_size or 1
        self.started = time.monotonic()
        self.progress = Progress(self.stdout, "lines")
        importer = self.importer(file, dry_run=dry_run, user=actor, **options)
        with edits_not_recorded():
            summary = importer.run()
        self.progress.end_bar()
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.stdout.write(
            f"{'Dry run, nothing written: ' if dry_run else ''}"
            f"{summary.lines:,} lines in {elapsed:.1f} s "
            f"({summary.lines / elapsed:,.0f}/s): {summary.created:,} created, "
            f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, "
            f"{summary.failed:,} failed; {summary.linked:,} translations linked "
            f"after the pass, {summary.unlinked:,} left unlinked."
        )
        if summary.analysed_seconds is not None:
            self.stdout.write(
                f"Tables analysed for the query planner in "
                f"{summary.analysed_seconds:.1f} s."
            )
        if summary.failed:
            raise CommandError(f"{summary.failed:,} line(s) failed, see above.")
        if not dry_run:
            self.bring_record(file)

    def bring_record(self, file: Path) -> None:
        """The publication record exported beside the file, else a record of the
        stories brought in, made by the worker (record/travel.py)."""
        try:
            entries = import_record(file)
        except RecordNotImported as refusal:
            self.stderr.write(f"Publication record not imported: {refusal}")
            entries = 0
        if entries:
            self.stdout.write(
                f"Publication record: {entries:,} entries brought back; it verifies."
            )
        else:
            transaction.on_commit(
                lambda: tasks.record_live_stories.enqueue(Entry.Event.IMPORTED)
            )
            self.stdout.write(
                "Publication record: the stories brought in are recorded by the worker."
            )

    def importer(self, file: Path, **options) -> Importer:
        return Importer(
            file,
            dry_run=options["dry_run"],
            user=options["user"],
            report=self.report,
            progress=self.show_progress,
            **self.source(file, **options),
        )

    def source(self, file: Path, **options) -> dict:
        """Where the lines come from, when not from `file` itself (Importer's
        lines, folder and where)."""
        return {}

    def report(self, message: str) -> None:
        self.progress.interrupt()
        self.stderr.write(message)

    def show_progress(self, summary: Summary, bytes_read: int) -> None:
        # The share follows the bytes read, the one measure known in advance.
        self.progress.update(summary.lines, share=bytes_read / self.total_bytes)
