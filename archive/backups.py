"""Backups of the whole installation (the database and the uploaded files), and restores.

A backup is a folder of four files: the database (pg_dump's custom format on
PostgreSQL, an online-backup copy on SQLite), media.tar (everything under MEDIA_ROOT),
private.tar (the replaced photo originals under PHOTO_PRIVATE_ROOT, which the
database's ReplacedImage rows name) and manifest.json, written last: when it was
made, the database vendor, the applied migrations, the counts of articles and photos,
and each file's SHA-256. A restore checks all of it before it changes anything.
"""

import hashlib
import json
import os
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from archive.progress import Progress
from archive.statistics import analyse
from articles.models import Article
from newsroom import page_cache
from photos.models import Photo, private_storage

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media.tar"
PRIVATE = "private.tar"
# The folders a backup keeps, each as one tar: the manifest's part and its file.
# Backups made before the private folder was kept have no "private" part.
FOLDERS = {"media": MEDIA, "private": PRIVATE}
DATABASE_FILES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
COUNTED = {"articles": Article, "photos": Photo}


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def backup(
    folder: Path, using: str = "default", progress: Progress | None = None
) -> dict:
    """Write a backup of the database and MEDIA_ROOT into `folder` (new or empty).

    Returns the manifest. Safe while the site runs: the database copy is one
    consistent snapshot, and it is taken before the files, so every photo it holds
    already has its file (uploads write the file before the row).
    """
    progress = progress or Progress()
    connection = connections[using]
    if connection.vendor not in DATABASE_FILES:
        raise BackupError(f"Cannot back up a {connection.vendor} database.")
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: a backup never overwrites another.")
    created = not folder.exists()
    # The backup holds password hashes and unpublished stories: owner only.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    try:
        database = folder / DATABASE_FILES[connection.vendor]
        progress.stage("Copying the database...")
        if connection.vendor == "postgresql":
            state = dump_postgresql(connection, database)
        else:
            copy_sqlite(str(connection.settings_dict["NAME"]), str(database))
            with closing(sqlite3.connect(database)) as copy:
                state = describe(copy.cursor())
        progress.stage(f"Database copied ({megabytes(database)}).")
        media_files = tar_media(folder / MEDIA, progress)
        private_files = tar_folder(private_root(), folder / PRIVATE, progress)
        progress.stage("Computing checksums...")
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {
                "vendor": connection.vendor,
                "file": database.name,
                "sha256": sha256(database),
            },
            "media": {
                "file": MEDIA,
                "sha256": sha256(folder / MEDIA),
                "files": media_files,
            },
            "private": {
                "file": PRIVATE,
                "sha256": sha256(folder / PRIVATE),
                "files": private_files,
            },
            **state,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    except BaseException:
        # No half backup left to be mistaken for a whole one.
        for path in folder.iterdir():
            path.unlink()
        if created:
            folder.rmdir()
        raise
    return manifest


def restore(
    folder: Path,
    using: str = "default",
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> dict:
    """Restore the backup in `folder` into the database, then MEDIA_ROOT.

    Every check comes first (manifest, checksums, vendor, migrations, the media
    archive's paths, an empty target unless `force`); a refused restore changes
    nothing. Returns the manifest.
    """
    progress = progress or Progress()
    connection = connections[using]
    folder = Path(folder)
    progress.stage("Checking the backup (checksums, migrations, paths)...")
    manifest = checked_manifest(folder, connection.vendor)
    if not force and holds_articles(connection):
        raise BackupError(
            "The target database already holds articles; restore into an empty "
            "database, or pass --force to replace its content."
        )
    database = folder / manifest["database"]["file"]
    connection.close()  # its locks would stand in the restore's way
    progress.stage(f"Restoring the database ({megabytes(database)})...")
    if connection.vendor == "postgresql":
        restore_postgresql(connection, database)
    else:
        read_only = database.resolve().as_uri() + "?mode=ro"
        copy_sqlite(read_only, str(connection.settings_dict["NAME"]))
    for part, root in folder_roots(manifest).items():
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / manifest[part]["file"]) as archive:
            members = archive.getmembers()
            progress.start(f"{part} files")
            for done, member in enumerate(members, 1):
                archive.extract(member, root, filter="data")
                progress.update(done, len(members))
            progress.end_bar()
    if connection.vendor == "postgresql":
        progress.stage("Analysing the tables for the query planner...")
        analyse(using=using)  # pg_restore brings no statistics; SQLite's file does
    # Every page the site's processes keep shows the content just replaced.
    page_cache.record(page_cache.EVERYTHING)
    with connection.cursor() as cursor:
        restored = describe(cursor)["counts"]
    if restored != manifest["counts"]:
        raise BackupError(
            f"The restored database holds {restored}, the backup's manifest says "
            f"{manifest['counts']}."
        )
    return manifest


def missing_migrations(manifest: dict) -> list[str]:
    """Migrations of this code the backup's database has not applied yet."""
    applied = {
        (app, name) for app, names in manifest["migrations"].items() for name in names
    }
    return sorted(f"{app}.{name}" for app, name in known_migrations() - applied)


def known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def checked_manifest(folder: Path, vendor: str) -> dict:
    """The backup's manifest, once the backup proved whole and fit for this target."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{folder} has no {MANIFEST}: it is not a backup, or an unfinished one."
        ) from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{MANIFEST} cannot be read: {error}") from None
    try:
        check_contents(folder, manifest, vendor)
    except (KeyError, TypeError, AttributeError):
        raise BackupError(
            f"{MANIFEST} is incomplete or not a Newsroom manifest."
        ) from None
    return manifest


def check_contents(folder: Path, manifest: dict, vendor: str) -> None:
    if manifest["format"] != FORMAT:
        raise BackupError(f"{MANIFEST} is of a format this version cannot read.")
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"This is a backup of a {manifest['database']['vendor']} database and "
            f"cannot be restored into {vendor}; move the content with "
            "export_articles and import_articles instead."
        )
    for part in ("database", *folder_roots(manifest)):
        name = manifest[part]["file"]
        path = folder / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(f"The backup's {part} file {name!r} is missing.")
        if sha256(path) != manifest[part]["sha256"]:
            raise BackupError(
                f"{name} is damaged: its checksum differs from the manifest's."
            )
    known = known_migrations()
    unknown = sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )
    if unknown:
        raise BackupError(
            "The backup was made by a newer version of Newsroom (migrations unknown "
            f"here: {', '.join(unknown)}); restore it with that version."
        )
    for part, root in folder_roots(manifest).items():
        name = manifest[part]["file"]
        with tarfile.open(folder / name) as archive:
            for member in archive.getmembers():
                try:
                    tarfile.data_filter(member, str(root))
                except tarfile.FilterError as error:
                    raise BackupError(
                        f"{name} holds an unsafe entry: {error}"
                    ) from None


def private_root() -> Path:
    """Where replaced photo originals are kept (PHOTO_PRIVATE_ROOT or its default)."""
    return Path(private_storage().location)


def folder_roots(manifest: dict) -> dict[str, Path]:
    """The folders the backup holds (its manifest's parts), each with where it goes."""
    roots = {"media": Path(settings.MEDIA_ROOT), "private": private_root()}
    return {part: roots[part] for part in FOLDERS if part in manifest}


def holds_articles(connection) -> bool:
    if Article._meta.db_table not in connection.introspection.table_names():
        return False
    return Article.objects.using(connection.alias).exists()


def describe(cursor) -> dict:
    """The applied migrations and the counts of articles and photos `cursor` sees."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = {}
    for app, name in cursor.fetchall():
        migrations.setdefault(app, []).append(name)
    counts = {}
    for key, model in COUNTED.items():
        cursor.execute(f'SELECT COUNT(*) FROM "{model._meta.db_table}"')
        counts[key] = cursor.fetchone()[0]
    return {"migrations": migrations, "counts": counts}


def dump_postgresql(connection, path: Path) -> dict:
    """pg_dump of the database, and what it holds, from one snapshot."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        # pg_dump reads the snapshot this transaction holds open, so the manifest's
        # counts and migrations are exactly the dump's.
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = describe(cursor)
        run_postgres(
            connection,
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={path}",
        )
    return state


def restore_postgresql(connection, path: Path) -> None:
    run_postgres(
        connection,
        "pg_restore",
        # All or nothing; tables a migrate made in the empty target are replaced.
        "--single-transaction",
        "--exit-on-error",
        "--clean",
        "--if-exists",
        # The target's own role owns what is restored.
        "--no-owner",
        "--no-privileges",
        str(path),
    )


def run_postgres(connection, program: str, *arguments: str) -> None:
    """Run a PostgreSQL client program against `connection`'s database."""
    params = connection.settings_dict
    command = [program, "--no-password", *arguments, "--dbname", params["NAME"]]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if params.get(key):
            command += [flag, str(params[key])]
    env = dict(os.environ)
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = params["PASSWORD"]  # not on the command line, seen by all
    if sslmode := params.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = sslmode
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(
            f"{program} is not installed (Debian: apt-get install postgresql-client)."
        ) from None
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()}")


def copy_sqlite(source: str, target: str) -> None:
    """Copy a live SQLite database whole and consistent (the online backup API)."""
    with (
        closing(sqlite3.connect(source, uri=True)) as origin,
        closing(sqlite3.connect(target)) as copy,
    ):
        origin.backup(copy)


def tar_media(path: Path, progress: Progress | None = None) -> int:
    """Put every file under MEDIA_ROOT into an uncompressed tar; returns the count."""
    return tar_folder(Path(settings.MEDIA_ROOT), path, progress)


def tar_folder(root: Path, path: Path, progress: Progress | None = None) -> int:
    """Every file under `root` (none when it does not exist) into an uncompressed
    tar at `path`; returns the count."""
    progress = progress or Progress()
    files = sorted(root.rglob("*")) if root.exists() else []
    progress.start(f"files of {root}")
    count = 0
    with tarfile.open(path, "w", dereference=True) as archive:
        for done, file in enumerate(files, 1):
            progress.update(done, len(files))
            if not file.is_file():
                continue
            try:
                archive.add(file, arcname=file.relative_to(root).as_posix())
            except FileNotFoundError:
                continue  # removed meanwhile (a rendition that lost a race)
            count += 1
    progress.end_bar()
    return count


def megabytes(path: Path) -> str:
    return f"{path.stat().st_size / 2**20:,.1f} MB"


def sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def media_is_local() -> bool:
    """Whether uploads live under MEDIA_ROOT (not in object storage)."""
    return isinstance(default_storage, FileSystemStorage)
