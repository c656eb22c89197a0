"""manage.py backup and restore: everything comes back, and a bad backup changes nothing.

A backup of the test database is restored, by the command run as an operator runs it
(a separate process, its own DATABASE_URL and MEDIA_ROOT), into a new empty database:
a scratch PostgreSQL database or a new SQLite file.
"""

import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from archive.backups import sha256
from articles import workflow
from articles.models import Article, Correction
from photos.images import clean_image
from photos.models import private_storage
from record.models import Entry
from tests.factories import make_article, make_author, make_photo
from tests.photos.images import photo_bytes
from tests.safety.contents import contents

# pg_dump reads what is committed, as it does on a running site.
pytestmark = pytest.mark.django_db(transaction=True)

DUMP = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}[
    connection.vendor
]


@pytest.fixture
def newsroom(make_staff, memorial):
    """Stories with tags, bylines, photos (lead and in the body), corrections,
    revisions, workflow steps and a register mention; one translation."""
    editor = make_staff("Editor")
    lead, inside = make_photo(), make_photo(size=(1200, 900))
    lead.rendition(640, "WEBP")
    story = make_article(
        language="ru",
        headline="Суд над «Мемориалом»",
        body=f"<p>Текст.</p><p>[photo:{inside.pk}]</p>",
        tags=["суды", "выборы"],
        authors=[make_author(name_en="Ruslan Aliev"), make_author()],
        lead_photo=lead,
        published_at=timezone.now() - timedelta(days=3),
        created_by=editor,
    )
    Correction.objects.create(article=story, text="Уточнена дата.")
    story.lead = "Исправленный лид."
    story.save()
    workflow.withdraw(story, editor, "Решение суда")
    workflow.publish(story, editor)
    workflow.translate(story, editor)
    make_article(status=Article.Status.DRAFT, tags=["черновик"])
    return story


def database_url(name: str) -> str:
    """Where the subprocess finds `name`: a PostgreSQL database, or an SQLite file."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    params = connection.settings_dict
    password = f":{quote(params['PASSWORD'], safe='')}" if params["PASSWORD"] else ""
    return (
        f"postgres://{quote(params['USER'], safe='')}{password}"
        f"@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{name}"
    )


@pytest.fixture
def empty_database(tmp_path):
    """The name of a new, empty database, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"newsroom_restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(
    code_or_command: list[str],
    database: str,
    media_root: Path,
    private_root: Path | None = None,
):
    """A manage.py command (or Python code) in a process of its own, as on a server.

    The private folder of replaced images is `private_root`, or a folder of its own
    beside `media_root` (never the test process's).
    """
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "1",
        "DATABASE_URL": database_url(database),
        "MEDIA_ROOT": str(media_root),
        "PHOTO_PRIVATE_ROOT": str(
            private_root or media_root.with_name(media_root.name + "-private")
        ),
    }
    return subprocess.run(
        [sys.executable, *code_or_command],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


CONTENTS = (
    "import json, django; django.setup(); "
    "from tests.safety.contents import contents; print(json.dumps(contents()))"
)

# The columns of articles_article the planner has statistics of (ANALYZE makes them).
PLANNED_ARTICLES = (
    "import django; django.setup(); from django.db import connection; "
    'cursor = connection.cursor(); cursor.execute("SELECT count(*) FROM pg_stats '
    "WHERE tablename = 'articles_article'\"); print(cursor.fetchone()[0] > 0)"
)


def files_under(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(Path(root).rglob("*"))
        if path.is_file()
    }


def private_root() -> Path:
    return Path(private_storage().location)


@pytest.fixture
def replaced(newsroom, make_staff):
    """The lead photo's image replaced by an editor: its original kept privately."""
    photo = newsroom.lead_photo
    photo.put_image(
        clean_image(ContentFile(photo_bytes(size=(800, 600)))),
        by=make_staff("Editor", "photo-editor"),
    )
    assert photo.replaced_images.count() == 1
    assert files_under(private_root())  # moved on commit (a transactional test)
    return photo


def test_a_restored_backup_holds_the_same_stories_history_and_photo_files(
    newsroom, media_root, empty_database, tmp_path
):
    original = json.loads(json.dumps(contents()))
    assert len(original["articles"]) == 3 and len(original["photos"]) == 2
    assert len(files_under(media_root)) > 2  # originals and renditions
    said = io.StringIO()
    call_command("backup", tmp_path / "backup", stdout=said)
    # Each stage says so as it starts: a long backup never sits silent.
    assert said.getvalue().startswith("Copying the database...\nDatabase copied (")

    restored_media = tmp_path / "restored-media"
    restore = run(
        ["manage.py", "restore", str(tmp_path / "backup")],
        empty_database,
        restored_media,
    )
    assert restore.returncode == 0, restore.stderr
    assert "Restored 3 articles, 2 photos" in restore.stdout
    assert "Checking the backup" in restore.stdout
    assert "Restoring the database" in restore.stdout
    copy = run(["-c", CONTENTS], empty_database, restored_media)
    assert copy.returncode == 0, copy.stderr
    assert json.loads(copy.stdout) == original
    assert files_under(restored_media) == files_under(media_root)
    # The publication record came back whole, and verifies there.
    entries = Entry.objects.count()
    assert entries >= 3  # published, withdrawn, published again
    verified = run(["manage.py", "verify_record"], empty_database, restored_media)
    assert verified.returncode == 0, verified.stderr
    assert f"The record verifies: {entries} entries" in verified.stdout
    if connection.vendor == "postgresql":  # SQLite's file carries its statistics
        rows = run(["-c", PLANNED_ARTICLES], empty_database, restored_media)
        assert rows.stdout.split() == ["True"], rows.stderr

    # Once restored, the database holds articles: a second restore is refused.
    again = run(
        ["manage.py", "restore", str(tmp_path / "backup")],
        empty_database,
        restored_media,
    )
    assert again.returncode == 1
    assert "already holds articles" in again.stderr


def test_a_restored_backup_brings_back_the_replaced_images_and_their_files(
    replaced, media_root, empty_database, tmp_path
):
    original = json.loads(json.dumps(contents()))
    assert original["photos"][0]["replaced"][0][1]  # the private file's digest
    call_command("backup", tmp_path / "backup", stdout=io.StringIO())

    restored_media = tmp_path / "restored-media"
    restored_private = tmp_path / "restored-private"
    restore = run(
        ["manage.py", "restore", str(tmp_path / "backup")],
        empty_database,
        restored_media,
        restored_private,
    )
    assert restore.returncode == 0, restore.stderr
    copy = run(["-c", CONTENTS], empty_database, restored_media, restored_private)
    assert copy.returncode == 0, copy.stderr
    assert json.loads(copy.stdout) == original
    assert files_under(restored_private) == files_under(private_root())
    # The record's images stay out of the public folder.
    assert files_under(restored_media) == files_under(media_root)


def test_a_backup_without_a_private_folder_restores_as_one_made_before_it_existed(
    newsroom, media_root, empty_database, tmp_path
):
    assert not private_root().exists()
    call_command("backup", tmp_path / "backup", stdout=io.StringIO())
    folder = tmp_path / "backup"
    assert manifest_of(folder)["private"]["files"] == 0
    # A backup from before the private folder was kept: no such part at all.
    (folder / manifest_of(folder)["private"]["file"]).unlink()
    rewrite_manifest(folder, lambda manifest: manifest.pop("private"))

    restored_private = tmp_path / "restored-private"
    restore = run(
        ["manage.py", "restore", str(folder)],
        empty_database,
        tmp_path / "restored-media",
        restored_private,
    )
    assert restore.returncode == 0, restore.stderr
    assert "Restored 3 articles, 2 photos" in restore.stdout
    assert "Checking the backup" in restore.stdout
    assert "Restoring the database" in restore.stdout
    assert not files_under(restored_private)


def test_the_manifest_says_what_the_backup_holds(newsroom, tmp_path):
    call_command("backup", tmp_path / "backup", stdout=io.StringIO())
    folder = tmp_path / "backup"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["counts"] == {"articles": 3, "photos": 2}
    assert "0001_initial" in manifest["migrations"]["articles"]
    for part in ("database", "media", "private"):
        assert manifest[part]["sha256"] == sha256(folder / manifest[part]["file"])
    assert (folder.stat().st_mode & 0o777) == 0o700  # it holds password hashes


@pytest.fixture
def backup(replaced, tmp_path):
    """A fresh backup of the newsroom, and what the database and media held."""
    folder = tmp_path / "backup"
    call_command("backup", folder, stdout=io.StringIO())
    return folder


def manifest_of(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


def rewrite_manifest(folder: Path, change) -> None:
    manifest = manifest_of(folder)
    change(manifest)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def unsafe_entry(part: str, name: str):
    """Spoils the backup's `part` archive with a path out of its folder, the manifest
    updated to match (a forged backup, not a damaged one)."""

    def spoil(folder: Path) -> None:
        with tarfile.open(folder / name, "a") as archive:
            entry = tarfile.TarInfo("../outside.txt")
            entry.size = 4
            archive.addfile(entry, io.BytesIO(b"evil"))
        rewrite_manifest(
            folder, lambda manifest: manifest[part].update(sha256=sha256(folder / name))
        )

    return spoil


def other_vendor(folder: Path) -> None:
    vendor = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    rewrite_manifest(folder, lambda m: m["database"].update(vendor=vendor))


def newer_version(folder: Path) -> None:
    rewrite_manifest(
        folder, lambda m: m["migrations"]["articles"].append("9999_from_the_future")
    )


# Each way a backup can be unfit, and what the refusal says.
BAD_BACKUPS = {
    "database damaged": (lambda f: damage(f / DUMP), f"{DUMP} is damaged"),
    "media damaged": (lambda f: damage(f / "media.tar"), "media.tar is damaged"),
    "private photos damaged": (
        lambda f: damage(f / "private.tar"),
        "private.tar is damaged",
    ),
    "private photos missing": (lambda f: (f / "private.tar").unlink(), "is missing"),
    "database missing": (lambda f: (f / DUMP).unlink(), "is missing"),
    "unfinished": (lambda f: (f / "manifest.json").unlink(), "has no manifest.json"),
    "manifest garbled": (
        lambda f: (f / "manifest.json").write_text("{not json"),
        "manifest.json cannot be read",
    ),
    "manifest incomplete": (
        lambda f: (f / "manifest.json").write_text('{"format": 1}'),
        "incomplete",
    ),
    "another database vendor": (other_vendor, "export_articles"),
    "a newer version": (newer_version, "articles.9999_from_the_future"),
    "unsafe media path": (unsafe_entry("media", "media.tar"), "unsafe entry"),
    "unsafe private path": (
        unsafe_entry("private", "private.tar"),
        "private.tar holds an unsafe entry",
    ),
}


@pytest.mark.parametrize("fault", BAD_BACKUPS)
def test_an_unfit_backup_is_refused_and_changes_nothing(
    backup, media_root, tmp_path, fault
):
    spoil, reason = BAD_BACKUPS[fault]
    spoil(backup)
    before, files = contents(), files_under(media_root)
    private = files_under(private_root())
    # --force: even allowed to replace content, the restore must refuse.
    with pytest.raises(CommandError, match=reason):
        call_command("restore", backup, force=True, stdout=io.StringIO())
    assert contents() == before
    assert files_under(media_root) == files
    assert files_under(private_root()) == private
    assert not (tmp_path / "outside.txt").exists()


def test_a_database_with_articles_is_not_restored_into(backup, media_root):
    before, files = contents(), files_under(media_root)
    with pytest.raises(CommandError, match="already holds articles"):
        call_command("restore", backup, stdout=io.StringIO())
    assert contents() == before and files_under(media_root) == files


def test_a_backup_never_overwrites_another(backup):
    manifest = manifest_of(backup)
    with pytest.raises(CommandError, match="not empty"):
        call_command("backup", backup, stdout=io.StringIO())
    assert manifest_of(backup) == manifest


def test_a_failed_backup_leaves_no_folder_to_mistake_for_a_backup(
    newsroom, tmp_path, monkeypatch
):
    def full_disk(path, progress=None):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("archive.backups.tar_media", full_disk)
    with pytest.raises(OSError):
        call_command("backup", tmp_path / "backup", stdout=io.StringIO())
    assert not (tmp_path / "backup").exists()
