"""Importing the legacy archive's JSONL: one line at a time, idempotent, all or nothing."""

import itertools
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from queue import Full, Queue

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import translation

from archive.batch import NewArticles, draft, reset_numbering
from archive.jsonl import LANGUAGES, BadLine, Name, Record, all_photos, parse_line
from archive.models import LegacyId
from archive.statistics import analyse
from articles import workflow
from articles.freshness import story_changed
from articles.html import sanitize_html
from articles.models import (
    Article,
    ArticleEvent,
    Byline,
    Correction,
    Region,
    StaleEdit,
    Tag,
    TaggedArticle,
)
from articles.tags import tag_named
from authors.models import Author, AuthorAlias, unique_slug
from background.queue import enqueue_with
from disclaimers.models import DesignatedEntity, Mention
from newsroom import page_cache
from newsroom.text import latin_slug
from photos import credentials
from photos.images import CleanImage, clean_image, with_renditions
from photos.models import Photo, Photographer, Rendition
from photos.rendering import make_renditions
from photos.tasks import CREDITED, recrop, sign_again

# Lines read, written and committed together. New articles without photos (the bulk
# of an archive) are inserted in one go; the rest, and a whole batch whose insert
# fails, go one line at a time, each in its own savepoint, so a bad line leaves
# nothing behind and is reported by its number.
BATCH = 1000
# Names already matched, so a big file does not ask for the same author every line.
# Bounded, so memory stays flat however many distinct names the archive has.
CACHE_SIZE = 10_000
# Photos are read (checked, cleaned, resized) on a thread per core, four at most
# (each holds a decoded photo: up to 360 MB at PHOTO_MAX_PIXELS). Pillow lets go of
# the interpreter while it decodes, resizes and encodes, so the renditions of the
# lines to come are made on every core while the database stores the current one.
PHOTO_THREADS = min(4, os.cpu_count() or 1)
# How many lines, and photos, ahead of the line being written: memory stays flat.
PHOTOS_AHEAD = 2 * PHOTO_THREADS
# From this many lines written, the tables are analysed at the end (statistics.py).
ANALYSE_AFTER = 1000
# The tables an import writes.
WRITTEN = (
    Article,
    Article.history.model,
    ArticleEvent,
    Byline,
    TaggedArticle,
    Tag,
    Correction,
    LegacyId,
    Mention,
    Author,
    AuthorAlias,
    Region,
    Photo,
    Photographer,
    Rendition,
)
# Who imports when no user is named: an inactive account that cannot log in, so the
# stories' history says a machine did it.
SYSTEM_USERNAME = "importer"


@dataclass
class ParsedBatch:
    records: list[Record]
    bad_lines: list[BadLine]
    last_line: int
    bytes_read: int
    drafts: dict[int, Article]  # the article each photo-less line would make


def file_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """A JSONL file's lines, numbered from 1."""
    with path.open("rb") as lines:
        yield from enumerate(lines, 1)


def parsed_batches(lines: Iterable[tuple[int, bytes | str]]) -> Iterator[ParsedBatch]:
    """The lines (numbered), BATCH at a time, checked and drafted (no database work)."""
    bytes_read = 0
    for batch in itertools.batched(lines, BATCH):
        records, bad_lines, drafts = [], [], {}
        for number, raw in batch:
            bytes_read += len(raw)
            if not raw.strip():
                continue
            try:
                record = parse_line(number, raw)
                # Every line is drafted: the story's rules (Article.check_values)
                # judge it here, whichever path then writes it.
                article = draft(record)
            except BadLine as error:
                bad_lines.append(error)
                continue
            except ValidationError as error:
                bad_lines.append(BadLine.refused(number, error))
                continue
            records.append(record)
            if not record.photo:
                drafts[number] = article
        yield ParsedBatch(records, bad_lines, batch[-1][0], bytes_read, drafts)


def read_ahead[T](items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """`items`, produced in a thread of their own up to `depth` ahead.

    The next batch is read and parsed while the database stores the current one
    (the driver lets go of the interpreter while it waits); memory stays bounded.
    """
    queue: Queue = Queue(maxsize=depth)
    done = object()
    stop = threading.Event()

    def offer(item) -> bool:
        """Put `item` in the queue unless the consumer has stopped meanwhile."""
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce():
        try:
            for item in items:
                if not offer(item):
                    return
        except BaseException as error:  # handed to the consumer, raised there
            offer(error)
            return
        offer(done)

    thread = threading.Thread(target=produce, name="import-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not done:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        # The consumer stopped early (an error, or a closed generator): release the
        # producer, which may be waiting for room in the queue.
        stop.set()
        thread.join()


@dataclass
class PhotosRead:
    """A line's photos being read on the photo threads (None: stored already)."""

    readings: list[Future | None]

    def result(self) -> list[CleanImage | None]:
        """The photos, checked and cleaned; BadLine for the first unreadable one."""
        return [None if each is None else each.result() for each in self.readings]

    def cancel(self) -> None:
        for each in self.readings:
            if each is not None:
                each.cancel()


@dataclass
class Summary:
    lines: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    linked: int = 0
    unlinked: int = 0
    analysed_seconds: float | None = None  # None: the tables were not analysed


class Importer:
    """Imports archive lines (a JSONL file, or lines made from another format);
    failures go to `report`, progress to `progress`."""

    def __init__(
        self,
        path: Path,
        *,
        dry_run: bool = False,
        user=None,
        report: Callable[[str], None] = print,
        progress: Callable[[Summary, int], None] | None = None,
        lines: Iterable[tuple[int, bytes | str]] | None = None,
        folder: Path | None = None,
        where: Callable[[int], str] | None = None,
    ):
        """`lines`: the lines to import when they are not `path`'s (another format
        converted, WordPress's); `folder`: where their photos' files are (`path`'s
        folder by default); `where`: a line's name in reports (`line N`)."""
        self.path = Path(path)
        self.lines = file_lines(self.path) if lines is None else lines
        self.folder = (folder or self.path.parent).resolve()
        self.where = where or (lambda number: f"line {number}")
        self.dry_run = dry_run
        self.user = user
        self.report = report
        self.progress = progress or (lambda summary, bytes_read: None)
        self.summary = Summary()
        self._cache: dict[tuple, int] = {}
        # Lines refused as a second translation: the second pass does not report
        # them again (a file imported twice names each conflict once).
        self._second_translations: set[tuple[str, str]] = set()
        # Translations born elsewhere whose original, named by its key, comes later
        # in the file: (article id, line).
        self._later_originals: list[tuple[int, Record]] = []
        self._register: dict[str, int] | None = None

    # The two passes --------------------------------------------------------------

    def run(self) -> Summary:
        if self.user is None:
            self.user = importing_user()
        with ThreadPoolExecutor(PHOTO_THREADS, "import-photos") as self.photo_readers:
            for batch in read_ahead(parsed_batches(self.lines)):
                for error in batch.bad_lines:
                    self.fail(error)
                self.import_batch(batch.records, batch.drafts)
                self.summary.lines = batch.last_line
                self.progress(self.summary, batch.bytes_read)
        if not self.dry_run:
            self.link_translations()
            # Stories may have taken their numbers (also in a run cut short before):
            # the next one made here follows them.
            reset_numbering([Article])
            if self.summary.created + self.summary.updated >= ANALYSE_AFTER:
                # The first search after the import is as fast as the hundredth.
                self.summary.analysed_seconds = analyse(WRITTEN)
        return self.summary

    def import_batch(self, records: list[Record], drafts: dict[int, Article]) -> None:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The commit does not wait for the disk: a crash may lose the last
                # batches, and importing the same file again restores them.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            fresh, one_by_one = self.split(records)
            if fresh:
                try:
                    with transaction.atomic():
                        NewArticles(self, fresh, drafts).insert()
                    self.summary.created += len(fresh)
                except (DatabaseError, ValidationError):
                    # Line by line instead, so the bad one is found and named.
                    self.forget_names()
                    one_by_one = records
            for record, photos in self.with_photos_read(one_by_one):
                self.import_line(record, photos)
            if self.dry_run:
                transaction.set_rollback(True)
                self.forget_names()
            else:
                # Bulk inserts send no signals: readers' cached pages are told here.
                page_cache.content_changed()

    def split(self, records: list[Record]) -> tuple[list[Record], list[Record]]:
        """The batch's new articles without photos, and every other line, in order."""
        known = set(
            Article.objects.filter(
                key__in=[record.key for record in records if record.key]
            ).values_list("key", flat=True)
        )
        for language in LANGUAGES:
            ids = [r.legacy_id for r in records if r.language == language]
            known.update(
                (language, legacy_id)
                for legacy_id in LegacyId.objects.filter(
                    language=language, legacy_id__in=ids
                ).values_list("legacy_id", flat=True)
            )
        fresh, one_by_one = [], []
        slow: set = set()  # identities of the lines going one at a time
        for record in records:
            identities = {record.key, (record.language, record.legacy_id)} - {
                None,
                (record.language, ""),
            }
            originals = {record.translation_of_key} | {
                (language, record.translation_of) for language in LANGUAGES
            }
            if (
                # A line repeating an earlier one in the batch updates what it made.
                identities & known
                or record.photo
                or record.photos
                or PLACED_BY_KEY.search(record.body)
                # After its original, which goes one at a time (its photo).
                or originals & slow
            ):
                one_by_one.append(record)
                slow |= identities
            else:
                fresh.append(record)
            known |= identities
        return fresh, one_by_one

    def import_line(self, record: Record, photos: "PhotosRead") -> None:
        try:
            outcome = self.import_record(record, photos)
        except BadLine as error:
            self.fail(error)
            return
        setattr(self.summary, outcome, getattr(self.summary, outcome) + 1)

    def fail(self, error: BadLine) -> None:
        self.summary.failed += 1
        self.report(f"{self.where(error.number)}: {error.reason}")

    def link_translations(self) -> None:
        """Second pass: link translations whose original came later in the file.

        Reads the unresolved links from the database in pages, so nothing about the
        file's lines is held in memory between the passes.
        """
        pending = (
            LegacyId.objects.filter(article__translation_of__isnull=True)
            .exclude(original_legacy_id="")
            .order_by("pk")
        )
        last = 0
        while page := list(pending.filter(pk__gt=last)[:1000]):
            for legacy in page:
                self.link(legacy)
            last = page[-1].pk
        self.link_by_key()

    def link_by_key(self) -> None:
        """Link translations whose original, named by its key, came later."""
        for pk, record in self._later_originals:
            name = f"{self.where(record.number)} (#{pk})"
            if Article.objects.filter(pk=pk, translation_of__isnull=False).exists():
                continue  # linked by its legacy id meanwhile
            original = self.original(record)
            problem = None
            if original is None:
                problem = f"original {record.translation_of_key} not found"
            elif (
                original == pk
                or Article.objects.filter(
                    pk=original, language=record.language
                ).exists()
            ):
                problem = f"{record.translation_of_key} is not in another language"
            elif other := self.translation_in_place(original, record.language, pk):
                problem = f"the original already has a translation ({other})"
            if problem is None:
                try:
                    self.set_original(pk, original)
                except DatabaseError as error:
                    problem = f"not linked to its original ({error})"
            if problem:
                self.summary.unlinked += 1
                if original is not None:  # found, but it cannot be linked
                    self.summary.failed += 1
                self.report(f"{name}: {problem}, left unlinked")
                continue
            self.summary.linked += 1

    @staticmethod
    def set_original(pk: int, original: int) -> None:
        """Link a translation to its original, keeping the times its line gave (a
        save would stamp them now, and the next import would find it changed)."""
        with transaction.atomic():
            Article.objects.filter(pk=pk).update(translation_of_id=original)
            page_cache.changed(story_changed(Article.objects.get(pk=pk)))

    def link(self, legacy: LegacyId) -> None:
        """Link one translation to its original, or say why it stays unlinked.

        A second translation of one original in the same language (the model allows
        one) is a bad line: reported by its legacy id, kept unlinked, the run goes on.
        """
        name = f"{legacy.language}/{legacy.legacy_id}"
        if (legacy.language, legacy.legacy_id) in self._second_translations:
            self.summary.unlinked += 1  # reported with its line already
            return
        original = self.original_of(legacy.language, legacy.original_legacy_id)
        if original is None:
            self.summary.unlinked += 1
            self.report(
                f"{name}: original {legacy.original_legacy_id!r} not found, "
                "left unlinked"
            )
            return
        if other := self.translation_in_place(
            original, legacy.language, legacy.article_id
        ):
            self.summary.unlinked += 1
            self.summary.failed += 1
            self.report(
                f"{name}: original {legacy.original_legacy_id!r} already has a "
                f"translation in {legacy.language} ({other}), left unlinked"
            )
            return
        try:
            self.set_original(legacy.article_id, original)
        # An editor's click meanwhile (a translation made).
        except DatabaseError as error:
            self.summary.unlinked += 1
            self.summary.failed += 1
            self.report(f"{name}: not linked to its original ({error}), left unlinked")
            return
        self.summary.linked += 1

    # One line ----------------------------------------------------------------------

    def import_record(self, record: Record, photos: "PhotosRead") -> str:
        """Create or update the record's article; "created", "updated" or "unchanged"."""
        # The photos are read and cleaned before any write: an unreadable one fails
        # the line with nothing to undo.
        cleans = photos.result()
        written: list[Photo] = []
        try:
            with transaction.atomic():
                outcome = self.write(record, cleans, written)
                if self.dry_run:
                    transaction.set_rollback(True)
        # OSError: a photo the disk would not take (photos.models.PhotoNotStored).
        except ValidationError as error:
            self.forget(written)
            self.forget_names()
            raise BadLine.refused(record.number, error) from None
        except (DatabaseError, StaleEdit, OSError) as error:
            self.forget(written)
            self.forget_names()
            raise BadLine(record.number, f"not saved ({error})") from None
        except BadLine:  # a photo read late (Importer.photo) was unreadable
            self.forget(written)
            self.forget_names()
            raise
        if self.dry_run:
            self.forget(written)
        else:
            for photo in written:
                # As after an upload: every width made now, so no reader waits
                # (the crops for cards are cut when a page first needs them).
                make_renditions(photo, crops=False)
        return outcome

    def write(self, record: Record, cleans: dict, written: list) -> str:
        legacy = (
            LegacyId.objects.filter(
                language=record.language, legacy_id=record.legacy_id
            ).first()
            or LegacyId(language=record.language, legacy_id=record.legacy_id)
            if record.legacy_id
            else None
        )
        # Loaded fresh: Article.save() checks `version` against the stored row.
        article = self.existing(record, legacy) or Article(language=record.language)
        original = self.original(record)
        photos = self.photos(record, article, original, cleans, written)
        wanted = {
            "headline": record.headline,
            "lead": record.lead,
            # Compared as it will be stored: Article.save() sanitises the body.
            "body": sanitize_html(placed_photos(record, photos)),
            "status": record.status,
            "published_at": record.published_at,
            "source": record.source,
            "region_id": self.region(record.region, record.language),
            "translation_of_id": original,
            **self.people(record),
        }
        if original and (
            other := self.translation_in_place(original, record.language, article.pk)
        ):
            # Checked before any write, so the line is refused by name and field
            # rather than by the database's constraint (one_translation_per_language).
            self._second_translations.add((record.language, record.legacy_id))
            raise ValidationError(
                {
                    "translation_of": ValidationError(
                        f"{record.translation_of or str(record.translation_of_key)!r} "
                        f"already has a translation in "
                        f"{record.language} ({other})",
                        code="translation_exists",
                    )
                }
            )
        if record.slug:
            wanted["slug"] = record.slug
        photo, photo_saved = photos.get("lead", (None, False))
        photo_saved = photo_saved or any(saved for _photo, saved in photos["body"])
        wanted["lead_photo_id"] = photo.pk if photo else None
        # Two spellings of one person are one byline.
        authors = list(
            dict.fromkeys(self.author(name, record.language) for name in record.authors)
        )
        tags = list(
            dict.fromkeys(self.tag(name, record.language) for name in record.tags)
        )
        corrections = [(item.kind, item.text, item.at) for item in record.corrections]

        new = article._state.adding
        bylines_differ = tags_differ = corrections_differ = True
        changed = (
            new
            or photo_saved
            or any(getattr(article, name) != value for name, value in wanted.items())
        )
        if not new:
            bylines_differ = authors != list(
                article.bylines.values_list("author_id", flat=True)
            )
            # Names were matched as the admin matches them (either language, any case).
            tags_differ = set(tags) != set(article.tags.values_list("pk", flat=True))
            corrections_differ = corrections != list(
                article.corrections.values_list("kind", "text", "noted_at")
            )
            changed = changed or bylines_differ or tags_differ or corrections_differ
        history_differs = record.history is not None and (
            new or self.history_differs(article, record)
        )
        kept_as_given = self.kept_as_given(record, article)
        changed = changed or history_differs or not kept_as_given
        if not changed:
            # Nothing differs: no save, so no revision and no new version.
            return "unchanged"

        state = (article.status, article.published_at)
        for name, value in wanted.items():
            setattr(article, name, value)
        if article.status == Article.Status.PUBLISHED and (
            problems := article.publication_problems()
        ):
            # The publish step's rule (a photo's credit and alt text), refused alike.
            raise ValidationError("; ".join(problems), code="not_publishable")
        numbered = (
            new and record.story_number and not self.number_taken(record.story_number)
        )
        if numbered:
            article.pk = record.story_number  # the same address as where it came from
        article.save(force_insert=new)  # one revision in the article's history
        if numbered:
            reset_numbering([Article])  # the next story made here follows it
        if record.history is not None:
            if history_differs:
                self.write_history(article, record)
        elif new or state != (article.status, article.published_at):
            workflow.record_imports([(article, self.origin(record))], self.user)
        if given_times := self.given_times(record):
            # As where it came from: a translation's stale flag compares with the
            # time its original's text changed, pages show when it was last edited.
            Article.objects.filter(pk=article.pk).update(**given_times)
        if new or bylines_differ:
            article.bylines.all().delete()
            Byline.objects.bulk_create(
                Byline(article=article, author_id=author, position=position)
                for position, author in enumerate(dict.fromkeys(authors))
            )
        if new or tags_differ:
            article.tags.set(tags)
        if new or corrections_differ:
            article.corrections.all().delete()
            Correction.objects.bulk_create(
                Correction(article=article, kind=kind, text=text, noted_at=at)
                for kind, text, at in corrections
            )
        if record.mentions is not None:
            self.decide_mentions(article, record)
        if legacy is not None:
            legacy.article = article
            legacy.original_legacy_id = record.translation_of
            legacy.save()
        if record.translation_of_key and not original:
            self._later_originals.append((article.pk, record))
        return "created" if new else "updated"

    def existing(self, record: Record, legacy: LegacyId | None) -> Article | None:
        """The article the line is: by its key, else by its legacy id."""
        if record.key and (article := Article.objects.filter(key=record.key).first()):
            return article
        if legacy is not None and legacy.article_id:
            article = Article.objects.get(pk=legacy.article_id)
            if record.key and article.key != record.key:
                # Another story's id (another archive's numbering): never overwritten.
                raise ValidationError(
                    {
                        "id": f"{record.legacy_id!r} belongs to another story here "
                        f"(#{article.pk}), not to the one with key {record.key}"
                    }
                )
            return article
        if record.key:
            return Article(language=record.language, key=record.key)
        return None

    def original(self, record: Record) -> int | None:
        """The original's id, by its key or its legacy id, when it is here already."""
        if record.translation_of_key and (
            pk := Article.objects.filter(key=record.translation_of_key)
            .values_list("pk", flat=True)
            .first()
        ):
            return pk
        if record.translation_of:
            return self.original_of(record.language, record.translation_of)
        return None

    def number_taken(self, number: int) -> bool:
        return Article.objects.filter(pk=number).exists()

    def people(self, record: Record) -> dict:
        """Who filed and approved the story, and when, as the line says."""
        wanted = {}
        if record.created_by:
            wanted["created_by_id"] = self.user_named(record.created_by)
        if record.approved_by:
            wanted["approved_by_id"] = self.user_named(record.approved_by)
        if record.approved_at:
            wanted["approved_at"] = record.approved_at
        return wanted

    def user_named(self, username: str) -> int:
        """The account `username` names; one that does not exist here is made,
        inactive and unable to sign in, so the story's history keeps its names."""
        key = ("user", username)
        if key in self._cache:
            return self._cache[key]
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"is_active": False, "password": make_password(None)},
        )
        if not created:
            self.remember(key, user.pk)
        return user.pk

    def kept_as_given(self, record: Record, article: Article) -> bool:
        """Whether what the line gives beyond the text (the time the text last
        changed, the mention decisions) stands as given."""
        if article._state.adding:
            return True
        if any(
            getattr(article, name) != value
            for name, value in self.given_times(record).items()
        ):
            return False
        if record.mentions is not None:
            stored = {
                (
                    m.entity.names_ru,
                    m.matched_text,
                    m.status,
                    username_of(m.reviewed_by),
                )
                for m in article.mentions.select_related("entity", "reviewed_by")
            }
            known = self.register()
            given = {
                (m.entity, m.text, m.status, m.reviewed_by)
                for m in record.mentions
                if m.entity in known  # an entry this register lacks is left out
            }
            if not given <= stored:
                return False
        return True

    @staticmethod
    def given_times(record: Record) -> dict:
        times = {
            "text_changed_at": record.text_changed_at,
            "updated_at": record.updated_at,
        }
        return {name: value for name, value in times.items() if value}

    def history_differs(self, article: Article, record: Record) -> bool:
        stored = [
            (event.action, event.actor.get_username(), event.at, event.comment)
            for event in article.events.select_related("actor").order_by("at", "pk")
        ]
        return stored != [
            (event.action, event.by, event.at, event.comment)
            for event in record.history
        ]

    def write_history(self, article: Article, record: Record) -> None:
        """The story's workflow steps as the line gives them (where it came from)."""
        article.events.all().delete()
        ArticleEvent.objects.bulk_create(
            ArticleEvent(
                article=article,
                action=event.action,
                actor_id=self.user_named(event.by),
                at=event.at,
                comment=event.comment,
            )
            for event in record.history
        )

    def register(self) -> dict[str, int]:
        """The register's entries by their Russian names, read once an import (the
        register does not change while the archive comes in)."""
        if self._register is None:
            self._register = dict(
                DesignatedEntity.objects.values_list("names_ru", "pk")
            )
        return self._register

    def decide_mentions(self, article: Article, record: Record) -> None:
        """The legal officer's decisions on the story's register mentions, as where
        it came from; an entry this register lacks is reported and left out."""
        for given in record.mentions:
            entity = self.register().get(given.entity)
            if entity is None:
                self.report(
                    f"{self.where(record.number)}: register entry {given.entity!r} "
                    "is not in "
                    "this register (import it with import_legal): its mention is "
                    "left out"
                )
                continue
            reviewer = self.user_named(given.reviewed_by) if given.reviewed_by else None
            Mention.objects.update_or_create(
                article=article,
                entity_id=entity,
                defaults={
                    "matched_text": given.text[:200],
                    "status": given.status,
                    "reviewed_by_id": reviewer,
                },
            )

    def origin(self, record: Record) -> str:
        """Where a story came from, for its history: the file and the line."""
        return f"{self.path.name}, {self.where(record.number)}"

    # Names -----------------------------------------------------------------------

    def original_of(self, language: str, legacy_id: str) -> int | None:
        """The original's article id: a legacy id of another language."""
        return (
            # Languages named, so the (language, legacy_id) index serves the lookup.
            LegacyId.objects.filter(
                language__in=[code for code in LANGUAGES if code != language],
                legacy_id=legacy_id,
            )
            .values_list("article_id", flat=True)
            .first()
        )

    def translation_in_place(
        self, original: int, language: str, article: int | None
    ) -> str | None:
        """The legacy id (or "#pk") of `original`'s translation in `language`, when
        one other than `article` exists: a story has one per language."""
        other = (
            Article.objects.filter(translation_of_id=original, language=language)
            .exclude(pk=article)
            .values_list("pk", "legacy__legacy_id")
            .first()
        )
        if other is None:
            return None
        pk, legacy_id = other
        return legacy_id or f"#{pk}"

    def author(self, name: Name, language: str) -> int:
        """The author known by any of the line's spellings, or a new one."""
        key = ("author", *name.forms())
        if key in self._cache:
            return self._cache[key]
        author = None
        for form in name.forms():
            if author := Author.objects.matching(form).first():
                break
        names = name.by_language(language)
        added = False
        if author is None:
            author = Author(
                name_ru=names["ru"],
                name_ru_genitive=name.name_ru_genitive,
                slug=free_slug(Author, name.slug),
            )
            if names["en"]:
                author.give_english_name(names["en"])
            author.save()
        elif (names["ru"] and not author.name_ru) or (
            names["en"] and author.name_en_transliterated
        ):
            # A name the author lacks (or only had transliterated) is given it; a
            # name it has is never overwritten.
            author.name_ru = author.name_ru or names["ru"]
            if names["en"] and author.name_en_transliterated:
                author.give_english_name(names["en"])
            author.save()
            added = True
        # Spellings the author is not yet known by become aliases, so the next line
        # (or file) that uses them matches without creating a duplicate.
        known = {author.name_ru.lower(), author.name_en.lower()}
        known.update(n.lower() for n in author.aliases.values_list("name", flat=True))
        for form in name.forms():
            if (
                form.lower() not in known
                and not AuthorAlias.objects.filter(name__iexact=form).exists()
            ):
                AuthorAlias.objects.create(author=author, name=form)
                added = True
        if not added:
            # Cached only when nothing was written: a rolled-back line leaves no
            # trace in the cache either.
            self.remember(key, author.pk)
        return author.pk

    def tag(self, name: Name, language: str) -> int:
        """The tag any of the line's names calls (in either language, any case),
        given the names the line adds; or a new one."""
        names = {"ru": name.name_ru, "en": name.name_en}
        key = ("tag", language, name.name, *names.values())
        if key in self._cache:
            return self._cache[key]
        tag, written = tag_named(name.name, language, names)
        if not written:
            # Cached only when nothing was written, as for authors.
            self.remember(key, tag.pk)
        return tag.pk

    def region(self, name: Name | None, language: str) -> int | None:
        if name is None:
            return None
        key = ("region", *name.forms())
        if key in self._cache:
            return self._cache[key]
        region = named(Region, name)
        if region is None:
            region = Region.objects.create(
                name_ru=name.name_ru or name.name,
                name_en=name.name_en or name.name,
                slug=free_slug(Region, name.slug)
                or unique_slug(Region, name.name_en or name.name),
            )
        else:
            self.remember(key, region.pk)
        return region.pk

    def photographer(self, name: Name | None, language: str) -> int | None:
        if name is None:
            return None
        key = ("photographer", *name.forms())
        if key in self._cache:
            return self._cache[key]
        photographer = named(Photographer, name)
        if photographer is None:
            photographer = Photographer.objects.create(
                name_ru=name.name_ru or (name.name if language == "ru" else ""),
                name_en=name.name_en or (name.name if language == "en" else ""),
                name_ru_genitive=name.name_ru_genitive,
            )
        else:
            self.remember(key, photographer.pk)
        return photographer.pk

    def remember(self, key: tuple, pk: int) -> None:
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = pk

    def remembered(self, key: tuple) -> int | None:
        return self._cache.get(key)

    def forget_names(self) -> None:
        """After a rollback: a remembered name may have been made by what was undone."""
        self._cache.clear()

    # Photos ----------------------------------------------------------------------

    def with_photos_read(
        self, records: list[Record]
    ) -> Iterator[tuple[Record, "PhotosRead"]]:
        """Each record with the reading of its photos, started on the photo threads
        up to PHOTOS_AHEAD lines, and PHOTOS_AHEAD photos, early (a line with more
        photos than that has them all read at once)."""
        started: deque[tuple[Record, PhotosRead]] = deque()

        def too_far_ahead() -> bool:
            photos = sum(len(read.readings) for _record, read in started)
            return len(started) > 1 and max(len(started), photos) > PHOTOS_AHEAD

        try:
            for record in records:
                started.append((record, self.read_photos(record)))
                while too_far_ahead():
                    yield started.popleft()
            while started:
                yield started.popleft()
        finally:
            # Stopped early (the batch failed): no reading left running for nothing.
            for _record, photos in started:
                photos.cancel()

    def read_photos(self, record: Record) -> "PhotosRead":
        """The reading of the line's photos (lead first): validated and stripped of
        metadata as an upload is, renditions made; None for one this installation
        has already (by its key).

        Started before the lines ahead of it are written: a photo one of them
        stores is read once more, then found by its key (Importer.photo)."""
        lines = all_photos(record)
        known = set(
            Photo.objects.filter(
                key__in=[line.key for line in lines if line.key]
            ).values_list("key", flat=True)
        )
        language = translation.get_language()
        return PhotosRead(
            [
                None
                if line.key in known
                else self.photo_readers.submit(
                    self.read_photo, record.number, line.file, language
                )
                for line in lines
            ]
        )

    def read_photo(self, number: int, relative: str, language: str) -> CleanImage:
        with translation.override(language):  # its refusal in the import's language
            return self.read_photo_file(number, relative)

    def read_photo_file(self, number: int, relative: str) -> CleanImage:
        path = (self.folder / relative).resolve()
        if not path.is_relative_to(self.folder):
            raise BadLine(number, f"photo {relative!r} is outside the file's folder")
        try:
            with path.open("rb") as handle:
                # Renditions made now too: one that fails fails this line alone.
                return with_renditions(clean_image(File(handle, name=path.name)))
        except OSError as error:
            raise BadLine(
                number, f"unreadable photo {relative!r} ({error.strerror})"
            ) from None
        except ValidationError as error:
            raise BadLine(
                number, f"unreadable photo {relative!r} ({error.messages[0]})"
            ) from None

    def photos(self, record, article, original, cleans, written) -> dict:
        """The line's photos as stored: "lead" and "body" (a list), each a (photo,
        saved) pair."""
        candidates = [article.lead_photo_id]
        if original:
            candidates.append(
                Article.objects.filter(pk=original)
                .values_list("lead_photo_id", flat=True)
                .first()
            )
        stored = [
            self.photo(record, line, candidates, clean, written)
            for line, clean in zip(all_photos(record), cleans, strict=True)
        ]
        if record.photo:
            return {"lead": stored[0], "body": stored[1:]}
        return {"body": stored}

    def photo(self, record, line, candidates, clean, written) -> tuple:
        """A photo with the line's captions, alt texts and credit, and whether it was
        saved: the one its key names, else the article's current photo or the
        original's (a translation shares its original's) when the image is the same,
        else a new one."""
        language = record.language
        photo = Photo.objects.filter(key=line.key).first() if line.key else None
        if photo is None and clean is None:
            # Its key was known when its reading would have begun, and the photo is
            # gone since (deleted in the admin meanwhile): read now.
            clean = self.read_photo_file(record.number, line.file)
        if photo is None:
            for candidate in Photo.objects.filter(pk__in=[c for c in candidates if c]):
                if same_image(candidate, clean):
                    photo = candidate
                    break
        if photo is None:
            photo = Photo(key=line.key) if line.key else Photo()
            photo.store_image(clean)
            written.append(photo)
        wanted = {
            **{f"caption_{code}": text for code, text in line.captions.items()},
            **{f"alt_{code}": text for code, text in line.alts.items()},
            "credit_form": line.credit_form,
            "photographer_id": self.photographer(line.photographer, language),
            "credit_text": line.credit_text,
            **(
                {"focal_x": line.focal[0], "focal_y": line.focal[1]}
                if line.focal
                else {}
            ),
        }
        changed = {
            name for name, value in wanted.items() if getattr(photo, name) != value
        }
        if photo.pk and not changed:
            return photo, False
        had = photo.pk is not None
        for name, value in wanted.items():
            setattr(photo, name, value)
        photo.full_clean()  # a published story's photo keeps its credit and alt text
        photo.save()
        if had:
            # A photo this installation had: its crops and signed files follow the
            # point and the credit, as after an edit in the admin.
            if changed & {"focal_x", "focal_y"}:
                enqueue_with(recrop, photo.pk)
            if credentials.signing_enabled() and changed & CREDITED:
                enqueue_with(sign_again, photo.pk)
        return photo, True

    def forget(self, written: list[Photo]) -> None:
        """Remove the image files of a line that was rolled back."""
        for photo in written:
            photo.image.delete(save=False)


def importing_user(username: str | None = None):
    """The user an import is recorded as: the one named, or the system user.

    Raises the user model's DoesNotExist for a name nobody has.
    """
    users = get_user_model().objects
    if username:
        return users.get(username=username)
    user, _created = users.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"is_active": False, "password": make_password(None)},
    )
    return user


# A photo placed in an exported body: [photo:<its key>].
PLACED_BY_KEY = re.compile(r"\[photo:([0-9a-f]{8}-[0-9a-f-]{27})\]")


def placed_photos(record: Record, photos: dict) -> str:
    """The line's body with each photo it places by key placed by its id here."""
    ids = {
        str(line.key): photo.pk
        for line, (photo, _saved) in zip(record.photos, photos["body"], strict=True)
    }

    def place(found) -> str:
        key = found[1]
        if key not in ids:
            photo = Photo.objects.filter(key=key).values_list("pk", flat=True).first()
            if photo is None:
                raise ValidationError(
                    {"body": f"photo {key} is neither among the line's photos nor here"}
                )
            ids[key] = photo
        return f"[photo:{ids[key]}]"

    return PLACED_BY_KEY.sub(place, record.body)


def free_slug(model, slug: str) -> str:
    """`slug` (its address where it came from) when no other row has it, else ""."""
    slug = latin_slug(slug, max_length=100)
    return "" if not slug or model.objects.filter(slug=slug).exists() else slug


def username_of(user) -> str:
    return user.get_username() if user else ""


def same_image(photo: Photo, clean: CleanImage) -> bool:
    try:
        with photo.image.open("rb") as stored:
            return stored.read() == clean.content
    except OSError:
        return False


def named(model, name: Name):
    """A Region or Photographer known by any of the name's forms, in either language."""
    match = Q()
    for form in name.forms():
        match |= Q(name_ru__iexact=form) | Q(name_en__iexact=form)
    return model.objects.filter(match).order_by("pk").first()
