"""manage.py import_articles FILE.jsonl [--user NAME] [--dry-run]: load the archive."""

import time
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from archive.importer import SYSTEM_USERNAME, Importer, Summary, importing_user

# How often progress is shown: a terminal redraws its bar, a log gets a line.
BAR_SECONDS = 0.2
LOG_EVERY = 1000


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
        self.tty = self.stdout.isatty()
        self.started = self.last_drawn = time.monotonic()
        self.logged_lines = 0
        importer = Importer(
            file,
            dry_run=dry_run,
            user=actor,
            report=self.report,
            progress=self.show_progress,
        )
        summary = importer.run()
        if self.tty:
            self.stdout.write("")  # end the progress bar's line
        elapsed = max(time.monotonic() - self.started, 1e-6)
        self.stdout.write(
            f"{'Dry run, nothing written: ' if dry_run else ''}"
            f"{summary.lines:,} lines in {elapsed:.1f} s "
            f"({summary.lines / elapsed:,.0f}/s): {summary.created:,} created, "
            f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, "
            f"{summary.failed:,} failed; {summary.linked:,} translations linked "
            f"after the pass, {summary.unlinked:,} left unlinked."
        )
        if summary.failed:
            raise CommandError(f"{summary.failed:,} line(s) failed, see above.")

    def report(self, message: str) -> None:
        if self.tty:
            self.stdout.write("\r\033[K", ending="")  # clear the bar first
        self.stderr.write(message)

    def show_progress(self, summary: Summary, bytes_read: int) -> None:
        now = time.monotonic()
        elapsed = max(now - self.started, 1e-6)
        rate = summary.lines / elapsed
        if self.tty:
            if now - self.last_drawn < BAR_SECONDS and bytes_read < self.total_bytes:
                return
            self.last_drawn = now
            share = min(bytes_read / self.total_bytes, 1.0)
            # The ETA follows the bytes read, the one measure known in advance.
            remaining = elapsed * (1 - share) / share if share else 0
            bar = "#" * int(share * 30)
            self.stdout.write(
                f"\r[{bar:<30}] {share:4.0%} {summary.lines:,} lines "
                f"{rate:,.0f}/s ETA {timedelta(seconds=round(remaining))}",
                ending="",
            )
            self.stdout.flush()
        elif summary.lines - self.logged_lines >= LOG_EVERY:
            self.logged_lines = summary.lines
            self.stdout.write(
                f"{summary.lines:,} lines, {rate:,.0f}/s, "
                f"{bytes_read / self.total_bytes:.0%} of the file, "
                f"{summary.failed:,} failed"
            )
