"""manage.py import_wordpress FILE.xml [--media DIR] [--mapping FILE.json] ...

A WordPress export (WXR) through the archive import: the same checks, workflow
steps, report (`item N (post ID): reason`) and dry run (archive/wordpress.py).
"""

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.management.base import CommandError

from archive.management.commands import import_articles
from archive.wordpress import Mapping, WordPressError, read_wordpress


class Command(import_articles.Command):
    help = "Import the posts of a WordPress export (WXR), with their photos."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--media",
            type=Path,
            help="the export's uploads folder (wp-content/uploads), for the photos",
        )
        parser.add_argument(
            "--mapping",
            type=Path,
            help=(
                "a JSON file saying which categories and tags become regions or "
                "other tags, which are skipped, and the photos' credit"
            ),
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            help="the posts' language where the export does not say (default: the "
            "site's <language>)",
        )
        parser.add_argument(
            "--time-zone",
            default=settings.TIME_ZONE,
            help="the site's time zone, for posts without a UTC date",
        )

    def source(self, file: Path, **options) -> dict:
        media = options["media"]
        if media is not None and not media.is_dir():
            raise CommandError(f"--media {media}: no such folder")
        try:
            ZoneInfo(options["time_zone"])
        except (ZoneInfoNotFoundError, ValueError):
            raise CommandError(
                f"--time-zone {options['time_zone']}: not a time zone name "
                "(such as Europe/Moscow)"
            ) from None
        try:
            lines, names = read_wordpress(
                file,
                mapping=Mapping.read(options["mapping"]),
                time_zone=options["time_zone"],
                language=options["language"],
            )
        except WordPressError as error:
            raise CommandError(str(error)) from None
        return {
            "lines": lines,
            "folder": media or file.parent,
            "where": lambda number: names.get(number, f"item {number}"),
        }
