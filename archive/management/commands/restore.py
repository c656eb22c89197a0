"""manage.py restore SRC [--force]: bring back a backup made by `backup`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.backups import BackupError, missing_migrations, restore
from archive.progress import Progress


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an empty database, then "
        "its files into MEDIA_ROOT. A damaged or mismatched backup is refused and "
        "nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("src", type=Path, help="the backup's folder")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the content of a database that already holds articles",
        )

    def handle(self, *args, src: Path, force: bool, **options):
        try:
            manifest = restore(
                src, force=force, progress=Progress(self.stdout, "files")
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = manifest["counts"]
        self.stdout.write(
            f"Restored {counts['articles']:,} articles, {counts['photos']:,} photos "
            f"and {manifest['media']['files']:,} media files from {src} "
            f"(backed up {manifest['created_at']})."
        )
        if missing := missing_migrations(manifest):
            self.stdout.write(
                f"The backup predates {len(missing)} migration(s) of this version: "
                "run `manage.py migrate` now."
            )
