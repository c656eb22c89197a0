"""New archive articles inserted a batch at a time: a dozen statements for 500 lines.

The line-by-line path (Importer.import_record) saves each article as an editor's save
does. For the bulk of a first import (new articles without photos) that costs twenty
statements a line; here each table gets one insert per batch. What a save would add
by itself is added explicitly: the normalised and checked values (Article.normalise),
the first revision (record_creation), the import step in each story's history
(workflow.record_imports) and the register mentions.
"""

from django.db import connection
from django.db.models import DateTimeField
from django.utils import timezone

from archive.jsonl import LANGUAGES, Name, Record
from archive.models import LegacyId
from articles import workflow
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
        in_batch = {(record.language, record.legacy_id) for record in self.records}
        originals, translations = [], []
        for record in self.records:
            has_original_here = any(
                (language, record.translation_of) in in_batch
                for language in LANGUAGES
                if language != record.language
            )
            (translations if has_original_here else originals).append(record)
        # Originals first, so a translation in the same batch is inserted linked.
        created: dict[tuple[str, str], int] = {}
        rows = []
        for wave in (originals, translations):
            articles = [self.article(record, created) for record in wave]
            insert_articles(articles)
            for record, article in zip(wave, articles, strict=True):
                created[(record.language, record.legacy_id)] = article.pk
                rows.append((record, article))
        articles = [article for _, article in rows]
        record_creation(articles)
        self.insert_events(rows)
        self.insert_relations(rows)
        self.insert_mentions(articles)

    def article(self, record: Record, created: dict) -> Article:
        article = self.drafts.get(record.number) or draft(record)
        article.region_id = self.importer.region(record.region, record.language)
        article.translation_of_id = self.original(record, created)
        return article

    def original(self, record: Record, created: dict) -> int | None:
        """The original's id, when it exists already; else the second pass links it."""
        if not record.translation_of:
            return None
        for language in LANGUAGES:
            if language != record.language and (
                pk := created.get((language, record.translation_of))
            ):
                return pk
        return self.importer.original_of(record.language, record.translation_of)

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
            legacy.append(
                (article.pk, record.language, record.legacy_id, record.translation_of)
            )
        insert_rows(Byline, ["article", "author", "position"], bylines)
        insert_rows(TaggedArticle, ["tag", "content_object"], tagged)
        insert_rows(
            LegacyId, ["article", "language", "legacy_id", "original_legacy_id"], legacy
        )
        Correction.objects.bulk_create(corrections)

    def insert_events(self, rows: list[tuple[Record, Article]]) -> None:
        """The import step in each published, scheduled or withdrawn story's history."""
        events = workflow.import_events(
            [(article, self.importer.origin(record)) for record, article in rows],
            self.importer.user,
        )
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
    stamped = {"created_at", "updated_at"}
    adapt_time = connection.ops.adapt_datetimefield_value
    rows = []
    for article in articles:
        for name in stamped:
            setattr(article, name, now)
        rows.append(
            [
                adapt_time(value) if isinstance(field, DateTimeField) else value
                for field in fields
                for value in [getattr(article, field.attname)]
            ]
        )
    ids = insert_rows(Article, [field.name for field in fields], rows, returning="id")
    for article, pk in zip(articles, ids, strict=True):
        article.pk = pk
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
