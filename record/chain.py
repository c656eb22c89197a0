"""Appending to the publication record, and verifying it.

note() is the one way in: it renders the story's material as readers get it now,
and appends an entry if that differs from the story's last recorded version (so a
step and the save under it, or a label change that does not touch a story, record
nothing twice). Appends are serialised by the chain's Head row, locked in the
caller's transaction.
"""

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from articles.models import Article
from articles.parts import BYLINES, CORRECTIONS, MENTIONS, parts_columns, with_parts
from newsroom.prepared import one_row
from record import material as materials
from record.models import GENESIS, Entry, Head, Text, sha256


def note(
    article: Article, event: str, at=None, labels: list[str] | None = None
) -> Entry | None:
    """Record the story as it stands, if readers now get something new of it: one
    story, rendered once, under the chain's lock. `article` is the caller's copy,
    as it saved it in this transaction (a step's change, the row locked by its
    save); its parts are read afresh."""
    # The caller's copy is told it is recorded as it stands (signals.story_saved
    # then spares rendering it again once the step commits).
    callers, article = article, copy.copy(article)
    at = at or timezone.now()
    # In the step's own transaction when there is one (no savepoint: a failure
    # here takes the step back with it).
    with transaction.atomic(savepoint=False):
        # Its parts are read afresh with the lock.
        head, last = locked_head_and_story(article)
        if labels is None:
            labels = todays_labels(head)[article.language]
        changes = [
            (article, recorded_event(event, last), at, value, digest, last)
            for article, value, digest, last in changes_of([article], labels, last)
        ]
        entries = append(head, changes) if changes else []
    callers.recorded_as_of = callers.version
    return entries[0] if entries else None


def note_many(
    article_ids: list[int],
    event: str,
    at=None,
    labels: list[str] | None = None,
    first_look=True,
) -> list:
    """Record each of the stories whose material changed, in one append.

    With a `first_look`, the stories are read and rendered once without the lock,
    to leave unchanged ones be (most of a label sweep); the changed ones are read
    and rendered again under the chain's lock, so a version is never recorded from
    a copy older than the last one recorded."""
    if first_look:
        article_ids = [
            article.pk for article, *_rest in changes_in(article_ids, labels)
        ]
        if not article_ids:
            return []
    at = at or timezone.now()
    with transaction.atomic():
        head = Head.objects.select_for_update().get_or_create(pk=1)[0]
        changes = [
            (article, recorded_event(event, last), at, value, digest, last)
            for article, value, digest, last in changes_in(article_ids, labels)
        ]
        return append(head, changes) if changes else []


def changes_in(article_ids: list[int], labels: list[str] | None = None) -> list[tuple]:
    """(story, material, digest, its last entry) for each story whose material
    differs from its last recorded version."""
    articles = list(
        Article.objects.filter(pk__in=article_ids)
        .select_related("translation_of")
        .prefetch_related(*materials.PREFETCH)
        .order_by("pk")
    )
    return changes_of(articles, labels)


def changes_of(
    articles: list[Article], labels: list[str] | None = None, last=None
) -> list[tuple]:
    """(story, material, digest, its last entry) for each of `articles` whose
    material differs from its last recorded version (`last`: those entries by story
    id, if read already)."""
    if last is None:
        last = last_entries([article.pk for article in articles])
    found = []
    for article, value in zip(
        articles, materials.materials(articles, labels), strict=True
    ):
        digest = materials.digest(value)
        previous = last.get(article.pk)
        if previous is None or previous.material_sha256 != digest:
            found.append((article, value, digest, previous))
    return found


# What locked_head_and_story reads, in order: the head, the story's last entry, and
# the parts of the story its material reads.
HEAD_COLUMNS = ["position", "sha256", "labels_today"]
LAST_COLUMNS = ["version", "material_sha256"]
RECORDED_PARTS = (BYLINES, CORRECTIONS, MENTIONS)


def head_and_story_sql(story: str) -> str:
    """The statement locked_head_and_story runs, `story` standing for the story's
    id ($1 in a prepared statement, %s for each parameter)."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    last = [
        f"(SELECT {column} FROM record_entry WHERE article_id = {story} "
        "ORDER BY version DESC LIMIT 1)"
        for column in LAST_COLUMNS
    ]
    return (
        f"SELECT {', '.join(HEAD_COLUMNS + last)}, "
        f"{', '.join(parts_columns(story, RECORDED_PARTS))} "
        f"FROM record_head WHERE id = 1{lock}"
    )


def locked_head_and_story(article: Article) -> tuple[Head, dict[int, Entry]]:
    """The chain's head, locked for this transaction, the story's last entry (by
    story id, as last_entries gives it), and the story's parts as they are now,
    put on `article` (articles/parts.py: with_parts). Every publish takes this
    path, so it is one statement written out, and on PostgreSQL prepared once a
    connection: no ORM compiling and no planning, each about as costly as running
    it."""
    row = head_and_story_row(article.pk)
    if row is None:  # the record's very first entry
        Head.objects.get_or_create(pk=1)
        row = head_and_story_row(article.pk)
    position, sha, labels_today, version, material, *parts = row
    head = Head(pk=1, position=position, sha256=sha)
    head._state.adding = False
    head.labels_today = (
        json.loads(labels_today) if isinstance(labels_today, str) else labels_today
    )
    with_parts(article, parts, RECORDED_PARTS)
    if version is None:
        return head, {}
    last = Entry(article_id=article.pk, version=version, material_sha256=material)
    return head, {article.pk: last}


def head_and_story_row(article_id: int):
    return one_row("record_head_and_story", head_and_story_sql, article_id)


def todays_labels(head: Head) -> dict[str, list[str]]:
    """The texts of the labels in force today, by language, as the (locked) head
    keeps them: read afresh on a new day, or after a label change cleared them
    (record/signals.py: labels_changed, in the change's own transaction, so no
    append after it can use the texts before it). append() saves them."""
    today = timezone.localdate().isoformat()
    if head.labels_today.get("day") != today:
        head.labels_today = {"day": today, **materials.label_texts_by_language()}
    return head.labels_today


def recorded_event(event: str, last: Entry | None) -> str:
    if last is not None and event == Entry.Event.PUBLISHED:
        return Entry.Event.REPUBLISHED
    return event


def last_entries(article_ids: list[int]) -> dict[int, Entry]:
    """Each story's last recorded version, by story id (one row a story, however
    many versions it has: the index on (article, version) finds each)."""
    newest = (
        Entry.objects.filter(article_id=OuterRef("article_id"))
        .order_by("-version")
        .values("version")[:1]
    )
    entries = Entry.objects.filter(
        article_id__in=article_ids, version=Subquery(newest)
    ).only("article_id", "version", "material_sha256")
    return {entry.article_id: entry for entry in entries}


def append(head: Head, changes: list) -> list[Entry]:
    """Chain the changes after the (locked) head, in order: (article, event, at,
    material, its digest, the story's last entry or None)."""
    entries, texts = [], {}
    for article, event, at, value, digest, last in changes:
        parts, kept = materials.stored(value)
        texts.update(kept)
        entry = Entry(
            position=head.position + 1,
            article=article,
            story=article.key,
            version=last.version + 1 if last else 1,
            event=event,
            at=at,
            parts=parts,
            material_sha256=digest,
            previous_sha256=head.sha256,
        )
        entry.sha256 = entry.computed_sha256()
        head.position, head.sha256 = entry.position, entry.sha256
        entries.append(entry)
    writes = [
        inserting(
            Text,
            [Text(sha256=name, text=text) for name, text in texts.items()],
            ignore_conflicts=True,
        ),
        inserting(Entry, entries, returning="id"),
        (
            "UPDATE record_head SET position = %s, sha256 = %s, labels_today = %s "
            "WHERE id = 1",
            [head.position, head.sha256, json.dumps(head.labels_today)],
        ),
    ]
    for entry, pk in zip(entries, written(writes), strict=True):
        entry.pk = pk
        entry._state.adding = False
    return entries


def inserting(model, rows: list, ignore_conflicts=False, returning: str = ""):
    """The statement inserting `rows` (unsaved instances of `model`) and its
    parameters, each value made ready for the database by its field."""
    # Every column but an automatic id (Text's key is its own SHA-256).
    fields = [
        field
        for field in model._meta.concrete_fields
        if field is not model._meta.auto_field
    ]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {model._meta.db_table} ({columns}) VALUES "
        + ", ".join([row] * len(rows))
        + (" ON CONFLICT DO NOTHING" if ignore_conflicts else "")
        + (f" RETURNING {returning}" if returning else "")
    )
    params = [
        field.get_db_prep_save(getattr(obj, field.attname), connection)
        for obj in rows
        for field in fields
    ]
    return sql, params


def written(writes: list[tuple[str, list]]) -> list:
    """Run the record's writes (the one INSERT ... RETURNING gives the result): on
    PostgreSQL as one statement, each write a data-modifying WITH clause, since a
    publish waits for every round trip; elsewhere one after the other."""
    writes = [(sql, params) for sql, params in writes if params]
    returning = next(i for i, (sql, _params) in enumerate(writes) if "RETURNING" in sql)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            clauses = ", ".join(
                f"w{i} AS ({sql})" for i, (sql, _p) in enumerate(writes)
            )
            cursor.execute(
                f"WITH {clauses} SELECT * FROM w{returning} ORDER BY 1",
                [param for _sql, params in writes for param in params],
            )
            return [row[0] for row in cursor.fetchall()]
        found = []
        for i, (sql, params) in enumerate(writes):
            cursor.execute(sql, params)
            if i == returning:
                found = sorted(row[0] for row in cursor.fetchall())
        return found


def record_stories(stories, event: str, after_pk: int = 0, size: int = 200, at=None):
    """Record, a chunk at a time, each of `stories` (a queryset) whose material
    changed (a label or register change) as of `at`: the chunk's last id, or None
    when done."""
    chunk = list(
        stories.filter(pk__gt=after_pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:size]
    )
    if not chunk:
        return None
    note_many(chunk, event, at=at)
    return chunk[-1] if len(chunk) == size else None


def labels_now() -> dict[str, list[int]]:  # by id: the daily check compares
    return {
        code: [label.pk for label in materials.labels_read(code)]
        for code, _name in settings.LANGUAGES
    }


def labels_moved() -> bool:
    """Whether the labels in force differ from those every live story was last
    recorded with (a dated version began or ended, or nothing was recorded yet)."""
    head = Head.objects.get_or_create(pk=1)[0]
    return head.labels != labels_now()


def labels_recorded() -> None:
    Head.objects.get_or_create(pk=1)
    Head.objects.filter(pk=1).update(labels=labels_now())


@dataclass
class Break:
    """The first entry that does not verify, and why."""

    position: int
    story: str
    version: int
    reason: str

    def __str__(self):
        return (
            f"entry #{self.position} (story {self.story}, version {self.version}): "
            f"{self.reason}"
        )


def verify(batch: int = 2000) -> tuple[int, Break | None]:
    """Recompute every entry's material hash (from its stored texts) and the chain
    of entry hashes, in order. Returns how many entries verified, and the first
    that does not (None: the whole chain holds)."""
    # The chain as it stood when the check began: appends meanwhile are the next
    # check's.
    head = Head.objects.filter(pk=1).first() or Head()
    previous = GENESIS
    checked = 0
    for entry, texts in entries_in_order(batch, head.position):
        value = materials.restored(entry.parts, texts)
        if materials.digest(value) != entry.material_sha256:
            return checked, Break(
                entry.position,
                str(entry.story),
                entry.version,
                "its stored material does not hash to the recorded SHA-256",
            )
        if entry.previous_sha256 != previous:
            return checked, Break(
                entry.position,
                str(entry.story),
                entry.version,
                "it does not follow the entry before it (an entry was removed, "
                "inserted or changed)",
            )
        if entry.computed_sha256() != entry.sha256:
            return checked, Break(
                entry.position,
                str(entry.story),
                entry.version,
                "its own SHA-256 does not match what it records",
            )
        previous = entry.sha256
        checked += 1
    if head.sha256 != previous:
        return checked, Break(
            head.position, "", 0, "the chain's head names an entry that is not there"
        )
    return checked, None


def entries_in_order(batch: int, last: int) -> Iterator[tuple[Entry, dict[str, str]]]:
    """Every entry up to position `last`, with its texts, a batch at a time."""
    after = 0
    while True:
        entries = list(
            Entry.objects.filter(position__gt=after, position__lte=last).order_by(
                "position"
            )[:batch]
        )
        if not entries:
            return
        refs = {ref for entry in entries for ref in materials.text_refs(entry.parts)}
        texts = {}
        for name, text in Text.objects.filter(pk__in=refs).values_list("pk", "text"):
            # A text changed in place no longer hashes to its name: it counts as
            # missing, and the entries holding it fail.
            if sha256(text.encode()) == name:
                texts[name] = text
        for entry in entries:
            yield entry, texts
        after = entries[-1].position
