"""New archive articles inserted a batch at a time: a dozen statements for 500 lines.

The line-by-line path (Importer.import_record) saves each article as an editor's save
does. For the bulk of a first import (new articles without photos) that costs twenty
statements a line; here each table gets one insert per batch. What a save would add
by itself is added explicitly: the normalised and checked values (Article.normalise),
the first revision (record_creation), the import step in each story's history
(workflow.record_imports) and the register mentions.
"""

from django.core.management.color import no_style
from django.db import connection
from django.db.models import DateTimeField, UUIDField
from django.utils import timezone

from archive.jsonl import LANGUAGES, Name, Record
from archive.models import LegacyId
from articles import search_index, workflow
from articles.models import Article, ArticleEvent, Byline, Correction, TaggedArticle
from disclaimers.models import DesignatedEntity, Mention
from disclaimers.services import mentions_in


class NewArticles:
    def __init__(self, importer, records: list[Record], drafts: dict[int, Article]):
        self.importer = importer
        self.records = records
        self.drafts = drafts  # by line number, made ahead (see draft)
        # Tags met in this batch; one created here exists only if the batch commits.
        self.tags: dict[tuple, int] = {}

    def insert(self) -> None:
        in_batch = {record.key for record in self.records if record.key} | {
            (record.language, record.legacy_id) for record in self.records
        }
        originals, translations = [], []
        for record in self.records:
            has_original_here = record.translation_of_key in in_batch or any(
                (language, record.translation_of) in in_batch
                for language in LANGUAGES
                if language != record.language
            )
            (translations if has_original_here else originals).append(record)
        # Originals first, so a translation in the same batch is inserted linked.
        created: dict = {}  # ids by (language, legacy id) and by key
        rows = []
        free = self.free_numbers()
        for wave in (originals, translations):
            articles = [self.article(record, created, free) for record in wave]
            insert_articles(articles)
            for record, article in zip(wave, articles, strict=True):
                created[(record.language, record.legacy_id)] = article.pk
                created[article.key] = article.pk
                rows.append((record, article))
        articles = [article for _, article in rows]
        if search_index.in_use():
            search_index.index(articles)  # saves do it through a signal
        record_creation(articles)
        self.insert_events(rows)
        self.insert_relations(rows)
        self.insert_mentions(articles)
        for record, article in rows:
            if record.mentions:
                self.importer.decide_mentions(article, record)
            if record.translation_of_key and not article.translation_of_id:
                self.importer._later_originals.append((article.pk, record))

    def free_numbers(self) -> set[int]:
        """The numbers the lines ask for that no story here has."""
        wanted = {record.story_number for record in self.records if record.story_number}
        return wanted - set(
            Article.objects.filter(pk__in=wanted).values_list("pk", flat=True)
        )

    def article(self, record: Record, created: dict, free: set[int]) -> Article:
        article = self.drafts.get(record.number) or draft(record)
        article.region_id = self.importer.region(record.region, record.language)
        article.translation_of_id = self.original(record, created)
        for name, value in self.importer.people(record).items():
            setattr(article, name, value)
        for name, value in self.importer.given_times(record).items():
            setattr(article, name, value)
        if record.story_number in free:
            # The same address as where it came from.
            article.pk = record.story_number
            free.discard(record.story_number)
        return article

    def original(self, record: Record, created: dict) -> int | None:
        """The original's id, when it exists already; else the second pass links it."""
        if pk := created.get(record.translation_of_key):
            return pk
        if record.translation_of:
            for language in LANGUAGES:
                if language != record.language and (
                    pk := created.get((language, record.translation_of))
                ):
                    return pk
        return self.importer.original(record)

    def insert_relations(self, rows: list[tuple[Record, Article]]) -> None:
        bylines, tagged, corrections, legacy = [], [], [], []
        for record, article in rows:
            authors = [
                self.importer.author(name, record.language) for name in record.authors
            ]
            bylines += [
                (article.pk, author, position)
                for position, author in enumerate(dict.fromkeys(authors))
            ]
            tags = dict.fromkeys(
                self.tag(name, record.language) for name in record.tags
            )
            tagged += [(tag, article.pk) for tag in tags]
            corrections += [
                Correction(
                    article=article, kind=item.kind, text=item.text, noted_at=item.at
                )
                for item in record.corrections
            ]
            if record.legacy_id:
                legacy.append(
                    (
                        article.pk,
                        record.language,
                        record.legacy_id,
                        record.translation_of,
                    )
                )
        insert_rows(Byline, ["article", "author", "position"], bylines)
        insert_rows(TaggedArticle, ["tag", "content_object"], tagged)
        insert_rows(
            LegacyId, ["article", "language", "legacy_id", "original_legacy_id"], legacy
        )
        Correction.objects.bulk_create(corrections)

    def insert_events(self, rows: list[tuple[Record, Article]]) -> None:
        """The story's history as the line gives it; else the import step in each
        published, scheduled or withdrawn story's history."""
        events = workflow.import_events(
            [
                (article, self.importer.origin(record))
                for record, article in rows
                if record.history is None
            ],
            self.importer.user,
        )
        events += [
            ArticleEvent(
                article=article,
                action=event.action,
                actor_id=self.importer.user_named(event.by),
                at=event.at,
                comment=event.comment,
            )
            for record, article in rows
            for event in record.history or ()
        ]
        adapt_time = connection.ops.adapt_datetimefield_value
        insert_rows(
            ArticleEvent,
            ["article", "action", "actor", "at", "comment"],
            [
                (e.article_id, e.action, e.actor_id, adapt_time(e.at), e.comment)
                for e in events
            ],
        )

    def insert_mentions(self, articles: list[Article]) -> None:
        entities = list(DesignatedEntity.objects.all())
        Mention.objects.bulk_create(
            Mention(article=article, entity=entity, matched_text=match.text[:200])
            for article in articles
            for entity, match in mentions_in(article, entities)
        )

    def tag(self, name: Name, language: str) -> int:
        """A tag's id, matched as the line-by-line import matches it."""
        key = (language, name.name, name.name_ru, name.name_en)
        if key not in self.tags:
            self.tags[key] = self.importer.tag(name, language)
        return self.tags[key]


def draft(record: Record) -> Article:
    """The article a new line makes, normalised, before any database work.

    Pure work on the line (the body's sanitising, the slug), so the import does it
    ahead, beside the database's work on the previous batch.
    """
    article = Article(
        language=record.language,
        headline=record.headline,
        lead=record.lead,
        body=record.body,
        slug=record.slug,
        status=record.status,
        published_at=record.published_at,
        source=record.source,
    )
    if record.key:
        article.key = record.key
    article.normalise()
    return article


def record_creation(articles: list[Article]) -> None:
    """Each article's first revision, as a save would record it.

    The database copies the rows just inserted into the history table: building a
    second model object per article would double the import's Python work.
    """
    history = Article.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in history.tracked_fields)
    placeholders = ", ".join(["%s"] * len(articles))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(history._meta.db_table)} ({columns}, "
            f"{quote('history_date')}, {quote('history_type')}) "
            f"SELECT {columns}, %s, %s FROM {quote(Article._meta.db_table)} "
            f"WHERE {quote('id')} IN ({placeholders})",
            [timezone.now(), "+", *(article.pk for article in articles)],
        )


def insert_articles(articles: list[Article]) -> None:
    """The new articles, many a statement; each gets its id, as bulk_create gives.

    What bulk_create would do, without its per-value preparation (most of an
    import's Python time): the values are plain already, except times, which the
    database backend adapts, and the creation stamps, set here.
    """
    now = timezone.now()
    fields = [field for field in Article._meta.concrete_fields if not field.primary_key]
    adapt_time = connection.ops.adapt_datetimefield_value
    rows = []
    for article in articles:
        article.created_at = now
        # Last edited: now, unless the line said when (where it came from).
        article.updated_at = article.updated_at or now
        rows.append(
            [
                adapt_time(value)
                if isinstance(field, DateTimeField)
                else field.get_db_prep_value(value, connection)
                if isinstance(field, UUIDField)  # SQLite stores it as hex digits
                else value
                for field in fields
                for value in [getattr(article, field.attname)]
            ]
        )
    names = [field.name for field in fields]
    # Those keeping their number (from another installation) go in with it.
    numbered = [index for index, article in enumerate(articles) if article.pk]
    if numbered:
        insert_rows(
            Article,
            ["id", *names],
            [[articles[index].pk, *rows[index]] for index in numbered],
        )
        # PostgreSQL's next id follows them, for the rest of the batch and after.
        reset_numbering([Article])
    others = [index for index, article in enumerate(articles) if not article.pk]
    ids = insert_rows(Article, names, [rows[index] for index in others], returning="id")
    for index, pk in zip(others, ids, strict=True):
        articles[index].pk = pk
    for article in articles:
        article._state.adding = False


# Values per INSERT: well under SQLite's limit of 32,766 parameters a statement.
VALUES_PER_STATEMENT = 10_000


def insert_rows(
    model, fields: list[str], rows: list, returning: str | None = None
) -> list:
    """Plain values (numbers and strings) into `model`'s table, many rows a statement.

    For rows like these the ORM's preparation of one object per row costs more than
    the database's work; the values need no conversion. With `returning`, that
    column of each row inserted, in order (PostgreSQL and SQLite both return rows
    in the order of VALUES, as bulk_create relies on).
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    suffix = f" RETURNING {quote(returning)}" if returning else ""
    per_statement = VALUES_PER_STATEMENT // len(fields)
    returned = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) "
                f"VALUES {', '.join([row] * len(chunk))}{suffix}",
                [value for values in chunk for value in values],
            )
            if returning:
                returned += [values[0] for values in cursor.fetchall()]
    return returned


def reset_numbering(models) -> None:
    """After rows were inserted with their ids: PostgreSQL's sequences continue
    after them (SQLite follows by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
