"""manage.py backup DEST: the database and the uploaded files, for `restore`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.backups import BackupError, backup, media_is_local
from archive.progress import Progress


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump or an SQLite online backup) and MEDIA_ROOT "
        "into the folder DEST, with a manifest that `restore` checks."
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", type=Path, help="a new or empty folder")

    def handle(self, *args, dest: Path, **options):
        try:
            manifest = backup(dest, progress=Progress(self.stdout, "files"))
        except BackupError as error:
            raise CommandError(str(error)) from None
        counts = manifest["counts"]
        self.stdout.write(
            f"Backed up {counts['articles']:,} articles, {counts['photos']:,} photos "
            f"and {manifest['media']['files']:,} media files to {dest}."
        )
        if not media_is_local():
            self.stderr.write(
                "Uploaded files are kept in object storage, not in MEDIA_ROOT: back "
                "them up with the storage provider's tools."
            )
