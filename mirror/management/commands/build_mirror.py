"""manage.py build_mirror DIR: the public site as static files (mirror/)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mirror.build import MirrorError, build_mirror, parse_since
from mirror.site import LANGUAGES


class Command(BaseCommand):
    help = (
        "Write (or bring up to date) a static mirror of the public site in DIR: "
        "the first run writes everything, a later one what changed since."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR")
        parser.add_argument(
            "--language",
            help=f"only this language's pages ({', '.join(LANGUAGES)}); default: all",
        )
        parser.add_argument(
            "--since",
            help="also render again what stories changed since this date or time "
            "touch (ISO 8601, Moscow time unless a zone is given)",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="render every page again (after an upgrade of the site)",
        )
        parser.add_argument(
            "--warc",
            metavar="FILE.warc.gz",
            help="also write the mirror as a WARC file",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=None,
            help="processes rendering a long run's pages (PostgreSQL only; default: "
            "one per core)",
        )

    def handle(self, directory, language, since, full, warc, jobs, **options):
        if jobs is not None and jobs < 1:
            raise CommandError("--jobs must be 1 or more.")
        try:
            report = build_mirror(
                Path(directory),
                language=language,
                since=parse_since(since) if since else None,
                full=full,
                warc=Path(warc) if warc else None,
                jobs=jobs,
            )
        except MirrorError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(str(report))
        if report.warc:
            self.stdout.write(f"WARC: {report.warc}")
