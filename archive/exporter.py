"""Exporting articles to the archive's JSONL, with their photos copied beside the file.

Read as plain values, a chunk of stories at a time, one query per table a chunk:
building model objects (and prefetching through them) cost ten times the rest. What
many lines share (authors, tags, regions, photos) is read once per export.
"""

import shutil
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from datetime import datetime
from itertools import batched
from pathlib import Path, PurePosixPath
from queue import Queue

import orjson
from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import F

from articles.models import (
    Article,
    ArticleEvent,
    Byline,
    Correction,
    Region,
    Tag,
    TaggedArticle,
)
from authors.models import Author, AuthorAlias
from disclaimers.models import Mention
from photos.models import BODY_PHOTO, Photo, photo_ids_in
from record.travel import export_record

LANGUAGES = [code for code, _name in settings.LANGUAGES]
CHUNK = 1000
STORY_FIELDS = (
    "pk",
    "key",
    "language",
    "headline",
    "slug",
    "lead",
    "body",
    "published_at",
    "status",
    "source",
    "region_id",
    "lead_photo_id",
    "translation_of_id",
    "created_by__username",
    "approved_by__username",
    "approved_at",
    "text_changed_at",
    "updated_at",
    "legacy__legacy_id",
)


class ExportError(Exception):
    """The archive cannot be exported whole: nothing was written."""


def export(
    path: Path,
    *,
    since: datetime | None = None,
    language: str | None = None,
    with_history: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the matching articles to `path`; returns how many were written.

    The workflow history goes along `with_history`; by default when the whole
    archive is exported (an installation moving), not a part of it. The whole
    archive takes its publication record along, beside it (record/travel.py).
    """
    if with_history is None:
        with_history = since is None and language is None
    path = Path(path)
    stories = (
        Article.objects.all()
        # Originals first, so an import of the file finds each original before its
        # translations (the importer copes either way, this spares a second pass).
        .order_by(F("translation_of").asc(nulls_first=True), "published_at", "pk")
    )
    if since:
        stories = stories.filter(published_at__gte=since)
    if language:
        stories = stories.filter(language=language)
    total = stories.count() if progress else 0
    writer = LineWriter(path.resolve().parent, with_history)
    count = 0
    # Written beside and put in place once whole: a failed export leaves the file
    # it would have replaced, and none of the photos it copied.
    partial = path.with_name(f"{path.name}.partial")
    try:
        with partial.open("wb") as out, written_behind(out) as put:
            # In chunks: memory stays flat for any archive size.
            rows = stories.values(*STORY_FIELDS).iterator(chunk_size=CHUNK)
            for chunk in batched(rows, CHUNK):
                put(writer.lines(chunk))
                count += len(chunk)
                if progress:
                    progress(count, total)
    except BaseException:
        partial.unlink(missing_ok=True)
        writer.remove_copies()
        raise
    partial.replace(path)
    if since is None and language is None:
        # The whole archive: its publication record goes beside it.
        export_record(path)
    return count


@contextmanager
def written_behind(out, depth: int = 2):
    """A `put(lines)` that encodes (UTF-8 JSON, orjson: 2.4 times as fast as json
    here) and writes the lines in a thread of its own: JSON and the file take turns
    with the next chunk's queries (the driver lets go of the interpreter while it
    waits). An error there is raised here; memory stays bounded."""
    queue: Queue = Queue(maxsize=depth)
    failed: list[BaseException] = []

    def write():
        while (lines := queue.get()) is not None:
            if failed:
                continue  # drained, so the exporter never waits on a full queue
            try:
                out.write(b"".join(orjson.dumps(line) + b"\n" for line in lines))
            except BaseException as error:
                failed.append(error)

    def put(lines: list[dict]) -> None:
        if failed:
            raise failed[0]
        queue.put(lines)

    thread = threading.Thread(target=write, name="export-write-behind", daemon=True)
    thread.start()
    try:
        yield put
    finally:
        queue.put(None)
        thread.join()
    if failed:
        raise failed[0]


class LineWriter:
    """Stories (rows of STORY_FIELDS) as lines of the format."""

    def __init__(self, folder: Path, with_history: bool):
        self.folder = folder
        self.with_history = with_history
        self.regions = {
            region["pk"]: region
            for region in Region.objects.values("pk", "name_ru", "name_en", "slug")
        }
        self.tag_names_in = {
            language: {
                tag["pk"]: both_names(tag, language, slug=False)
                for tag in Tag.objects.values("pk", "name_ru", "name_en")
            }
            for language in LANGUAGES
        }
        self.authors: dict[int, dict] = {}
        self.photos: dict[int, dict] = {}  # each photo's line, its file copied once
        self.copies: list[Path] = []  # the files this export copied

    def lines(self, rows: Iterable[dict]) -> list[dict]:
        rows = list(rows)
        # A set: the ORM walks a list's every value before any_of reads it.
        ids = {row["pk"] for row in rows}
        bylines = grouped(
            Byline.objects.filter(article__any_of=ids)
            .order_by("article", "position", "pk")
            .values_list("article", "author")
        )
        tags = grouped(
            TaggedArticle.objects.filter(content_object__any_of=ids).values_list(
                "content_object", "tag"
            )
        )
        corrections = grouped(
            Correction.objects.filter(article__any_of=ids)
            .order_by("article", "noted_at", "pk")
            .values_list("article", "noted_at", "text", "kind")
        )
        mentions = grouped(
            Mention.objects.filter(article__any_of=ids).values_list(
                "article",
                "entity__names_ru",
                "matched_text",
                "status",
                "reviewed_by__username",
            )
        )
        history = (
            grouped(
                ArticleEvent.objects.filter(article__any_of=ids)
                .order_by("article", "at", "pk")
                .values_list("article", "action", "actor__username", "at", "comment")
            )
            if self.with_history
            else {}
        )
        originals = {
            pk: (key, legacy)
            for pk, key, legacy in Article.objects.filter(
                pk__in={row["translation_of_id"] for row in rows} - {None}
            ).values_list("pk", "key", "legacy__legacy_id")
        }
        self.know_authors({author for row in bylines.values() for (author,) in row})
        body_photos = {row["pk"]: photo_ids_in(row["body"]) for row in rows}
        self.know_photos(
            {row["lead_photo_id"] for row in rows} - {None}
            | {pk for ids in body_photos.values() for pk in ids}
        )
        lines = []
        for row in rows:
            pk, language = row["pk"], row["language"]
            original = originals.get(row["translation_of_id"])
            placed = [pk for pk in body_photos[pk] if pk in self.photos]
            line = {
                # Times and keys as orjson writes them: as isoformat() and str().
                "key": row["key"],
                "number": pk,
                "id": row["legacy__legacy_id"],
                "language": language,
                "translation_of": original[1] if original else None,
                "translation_of_key": original[0] if original else None,
                "headline": row["headline"],
                "slug": row["slug"],
                "lead": row["lead"],
                "body": self.body_by_keys(row["body"]),
                "published_at": row["published_at"],
                "status": row["status"],
                "authors": [
                    self.author(author, language) for (author,) in bylines.get(pk, [])
                ],
                "source": row["source"],
                "region": both_names(self.regions.get(row["region_id"]), language),
                "tags": self.tag_names(tags.get(pk), language),
                "photo": self.photos.get(row["lead_photo_id"]),
                "photos": [self.photos[photo] for photo in dict.fromkeys(placed)],
                "corrections": [
                    {"at": at, "text": text, "kind": kind}
                    for at, text, kind in corrections.get(pk, [])
                ],
                "mentions": sorted(
                    (
                        {
                            "entity": entity,
                            "text": text,
                            "status": status,
                            "reviewed_by": reviewer or "",
                        }
                        for entity, text, status, reviewer in mentions[pk]
                    ),
                    key=lambda mention: (mention["entity"], mention["text"]),
                )
                if pk in mentions
                else [],
                "created_by": row["created_by__username"] or "",
                "approved_by": row["approved_by__username"] or "",
                "approved_at": row["approved_at"],
                "text_changed_at": row["text_changed_at"],
                "updated_at": row["updated_at"],
            }
            if self.with_history:
                line["history"] = [
                    {"action": action, "by": by, "at": at, "comment": note}
                    for action, by, at, note in history.get(pk, [])
                ]
            lines.append(line)
        return lines

    def tag_names(self, tags: list[tuple] | None, language: str) -> list[dict]:
        """A line's tags, each in both languages, by name in the line's."""
        if not tags:
            return []
        named = self.tag_names_in[language]
        return sorted((named[tag] for (tag,) in tags), key=lambda names: names["name"])

    def body_by_keys(self, body: str) -> str:
        """Photos placed in the body by their key, which every installation shares."""

        def by_key(found) -> str:
            photo = self.photos.get(int(found[1]))
            if photo is None:
                return found[0]
            return found[0].replace(f"[photo:{found[1]}]", f"[photo:{photo['key']}]")

        return BODY_PHOTO.sub(by_key, body)

    def author(self, pk: int, language: str) -> dict:
        """The names a person gave (a transliterated English name is made again on
        import), `name` in the line's language when there is one."""
        author = self.authors[pk]
        given = {
            "ru": author["name_ru"],
            "en": "" if author["name_en_transliterated"] else author["name_en"],
        }
        return {
            "name": given[language] or given["en" if language == "ru" else "ru"],
            "name_ru": given["ru"],
            "name_en": given["en"],
            "aliases": author["aliases"],
            "slug": author["slug"],
            "name_ru_genitive": author["name_ru_genitive"],
        }

    def know_authors(self, ids: set[int]) -> None:
        if missing := ids - self.authors.keys():
            aliases = grouped(
                AuthorAlias.objects.filter(author__in=missing)
                .order_by("author", "name")
                .values_list("author", "name")
            )
            for author in Author.objects.filter(pk__in=missing).values(
                "pk",
                "name_ru",
                "name_en",
                "name_en_transliterated",
                "name_ru_genitive",
                "slug",
            ):
                author["aliases"] = [name for (name,) in aliases.get(author["pk"], [])]
                self.authors[author["pk"]] = author

    def know_photos(self, ids: set[int]) -> None:
        """Each photo's part of a line, its image copied beside the file (once)."""
        for photo in Photo.objects.filter(pk__in=ids - self.photos.keys()).values(
            "pk",
            "key",
            "image",
            *(f"caption_{code}" for code in LANGUAGES),
            *(f"alt_{code}" for code in LANGUAGES),
            "credit_form",
            "credit_text",
            "focal_x",
            "focal_y",
            "photographer__name_ru",
            "photographer__name_en",
            "photographer__name_ru_genitive",
        ):
            photographer = {
                code: photo[f"photographer__name_{code}"] for code in LANGUAGES
            }
            self.photos[photo["pk"]] = {
                "key": str(photo["key"]),
                "file": self.copy_image(photo["image"], photo["key"]),
                **{f"caption_{code}": photo[f"caption_{code}"] for code in LANGUAGES},
                **{f"alt_{code}": photo[f"alt_{code}"] for code in LANGUAGES},
                "focal": [photo["focal_x"], photo["focal_y"]],
                "credit": {
                    "form": photo["credit_form"],
                    "photographer": {
                        **both_names(
                            {
                                f"name_{code}": name
                                for code, name in photographer.items()
                            },
                            "ru",
                            slug=False,
                        ),
                        "name_ru_genitive": photo["photographer__name_ru_genitive"],
                    }
                    if any(photographer.values())
                    else None,
                    "text": photo["credit_text"],
                },
            }

    def copy_image(self, name: str, key) -> str:
        """The image beside the file, named by the photo's key; its relative path."""
        relative = f"photos/{key}{PurePosixPath(name).suffix}"
        target = self.folder / relative
        if target.exists():
            return relative
        try:
            source = default_storage.open(name, "rb")
        except OSError as error:
            raise ExportError(
                f"photo {key}: its file {name} cannot be read from storage "
                f"({error.strerror or error}); put it back, or remove the photo "
                "from its stories, and export again"
            ) from None
        with source:
            if not target.parent.exists():
                target.parent.mkdir(parents=True)
                self.copies.append(target.parent)
            self.copies.append(target)
            with target.open("wb") as copy:
                shutil.copyfileobj(source, copy)
        return relative

    def remove_copies(self) -> None:
        for copied in reversed(self.copies):
            if copied.is_dir():
                copied.rmdir()
            else:
                copied.unlink(missing_ok=True)


def grouped(rows) -> dict[int, list[tuple]]:
    """Rows (owner id, values...) by owner, in their order."""
    groups = defaultdict(list)
    for owner, *values in rows:
        groups[owner].append(tuple(values))
    return groups


def both_names(named: dict | None, language: str, *, slug: bool = True) -> dict | None:
    """`name` in the line's language (else the other's), both names as they are,
    and a region's slug (its address; a tag's follows from its names)."""
    if named is None:
        return None
    other = "en" if language == "ru" else "ru"
    names = {
        "name": named[f"name_{language}"] or named[f"name_{other}"],
        "name_ru": named["name_ru"],
        "name_en": named["name_en"],
    }
    if slug:
        names["slug"] = named["slug"]
    return names
