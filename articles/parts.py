"""A story's related rows read in the story's own statement, one JSON column each.

Where one story is read whole (its page, a publish's record entry), the rows
prefetch_related would fetch in a query each (its bylines and their authors, its
tags, corrections and register mentions, its versions in other languages; on its
page, its lead photo's renditions too) come as columns of the story's row: one round
trip and one statement to compile instead of five or more. with_parts() puts them
where prefetch_related would have, so the code that renders a story reads them the
same way whichever way they came.
"""

import functools
import json
from dataclasses import dataclass
from datetime import UTC, date

from django.db import connection, connections, models, router
from django.utils.dateparse import parse_datetime

from articles.models import Article, Byline, Correction, Region, Tag
from authors.models import Author
from disclaimers.models import DesignatedEntity, Mention
from newsroom.prepared import converted, converters, one_row
from photos.models import Photo, Photographer, Rendition


@dataclass(frozen=True)
class Part:
    """Rows related to a story: `tables` (alias, model) read per row, the first
    the row's own and the second, if any, what its foreign key `joins` points to;
    `rows` is the FROM clause with its condition, `{story}` standing for the
    story's id."""

    name: str  # where prefetch_related puts them, or the attribute that holds them
    tables: tuple[tuple[str, type[models.Model]], ...]
    rows: str
    order: str
    joins: str | None = None  # the first model's foreign key the second fills
    prefetched: bool = True  # False: a list set as an attribute of the story


BYLINES = Part(
    "bylines",
    (("b", Byline), ("a", Author)),
    "articles_byline b JOIN authors_author a ON a.id = b.author_id "
    "WHERE b.article_id = {story}",
    "b.position, b.id",
    joins="author",
)
TAGS = Part(
    "tags",
    (("t", Tag),),
    "articles_tag t JOIN articles_taggedarticle x ON x.tag_id = t.id "
    "WHERE x.content_object_id = {story}",
    "t.name_ru, t.name_en, t.id",
)
CORRECTIONS = Part(
    "corrections",
    (("c", Correction),),
    "articles_correction c WHERE c.article_id = {story}",
    "c.noted_at, c.id",
)
MENTIONS = Part(
    "mentions",
    (("m", Mention), ("e", DesignatedEntity)),
    "disclaimers_mention m JOIN disclaimers_designatedentity e "
    "ON e.id = m.entity_id WHERE m.article_id = {story}",
    "m.id",
    joins="entity",
)
# The story's versions in other languages, whatever their state (is_live tells):
# its original and the original's other translations, or its own translations.
VERSION_FIELDS = ("id", "slug", "language", "headline", "status", "published_at")
VERSIONS = Part(
    "versions",
    (("v", Article),),
    "articles_article v, articles_article s WHERE s.id = {story} AND v.id <> s.id "
    "AND (v.id = s.translation_of_id "
    "OR v.translation_of_id = coalesce(s.translation_of_id, s.id))",
    "v.id",
    prefetched=False,
)

# What rendering a story whole reads (for_display's prefetches, and its versions).
WHOLE_STORY = (BYLINES, TAGS, CORRECTIONS, MENTIONS, VERSIONS)
# The renditions of the story's lead photo (whole_story puts them on the photo).
LEAD_RENDITIONS = Part(
    "renditions",
    (("n", Rendition),),
    "photos_rendition n JOIN articles_article s ON n.photo_id = s.lead_photo_id "
    "WHERE s.id = {story}",
    "n.id",
)


def _fields(model) -> list[models.Field]:
    fields = model._meta.concrete_fields
    if model is Article:  # a version: what its links and the note read
        return [field for field in fields if field.name in VERSION_FIELDS]
    return list(fields)


def _values(part: Part) -> str:
    return ", ".join(
        f"{alias}.{connection.ops.quote_name(field.column)}"
        for alias, model in part.tables
        for field in _fields(model)
    )


def parts_columns(story: str, parts=WHOLE_STORY) -> list[str]:
    """SQL columns holding a story's `parts`, each a JSON list of rows as text
    (`story` stands for the story's id in each)."""
    columns = []
    for part in parts:
        rows, values = part.rows.format(story=story), _values(part)
        if connection.vendor == "postgresql":
            column = (
                f"(SELECT coalesce(json_agg(json_build_array({values}) "
                f"ORDER BY {part.order}), '[]')::text FROM {rows})"
            )
        else:  # SQLite: no ORDER BY inside an aggregate before 3.44
            column = (
                f"(SELECT json_group_array(json(row)) FROM "
                f"(SELECT json_array({values}) AS row FROM {rows} "
                f"ORDER BY {part.order}))"
            )
        columns.append(column)
    return columns


def with_parts(
    article: Article, columns: list[str], parts=WHOLE_STORY, db=connection
) -> Article:
    """`article` holding the parts parts_columns() read (from `db`), where
    prefetch_related would have put them."""
    for part, column in zip(parts, columns, strict=True):
        instances = [
            _instance(part, article, row, db.alias) for row in json.loads(column)
        ]
        if part.prefetched:
            _prefetched(article, part.name, instances)
        else:
            setattr(article, part.name, instances)
    return article


def _prefetched(owner: models.Model, name: str, instances: list) -> None:
    """`instances` where prefetch_related would put `owner`'s `name`."""
    cache = getattr(owner, "_prefetched_objects_cache", None)
    if cache is None:
        cache = owner._prefetched_objects_cache = {}
    related = getattr(owner, name).all()  # lazy: no query
    related._result_cache, related._prefetch_done = instances, True
    cache[name] = related


def _instance(part: Part, article: Article, row: list, alias: str) -> models.Model:
    row = iter(row)
    made = []
    for _alias, model in part.tables:
        fields = _fields(model)
        values = [_python(field, next(row)) for field in fields]
        if len(fields) == len(model._meta.concrete_fields):
            instance = model.from_db(alias, None, values)
        else:
            instance = model.from_db(alias, [field.attname for field in fields], values)
        made.append(instance)
    instance, *joined = made
    if joined:
        instance._meta.get_field(part.joins).set_cached_value(instance, joined[0])
    if part.prefetched and hasattr(instance, "article_id"):
        instance._meta.get_field("article").set_cached_value(instance, article)
    return instance


def _python(field: models.Field, value):
    """A value as the JSON column gives it, as the model holds it."""
    if value is None:
        return None
    if isinstance(field, models.DateTimeField):
        return moment(value)
    if isinstance(field, models.DateField):
        return date.fromisoformat(value)
    if isinstance(field, models.BooleanField):
        return bool(value)  # SQLite's JSON has 0 and 1
    return field.to_python(value)


def moment(text: str):
    """A time as a JSON column gives it (PostgreSQL with its offset, SQLite in
    UTC without one)."""
    found = parse_datetime(text)
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def whole_story(pk: int) -> Article | None:
    """The story `pk` in any state, with its region, its lead photo (with its
    photographer and renditions, as photos_by_id gives it) and everything rendering
    it reads (WHOLE_STORY), in one statement prepared once a session; None if there
    is no such story. Whether the caller may show it is the caller's to ask
    (Article.is_live for readers). Read where the router sends reads of stories
    (an anonymous reader's: the replica, if there is one)."""
    db = connections[router.db_for_read(Article)]
    low, high = db.ops.integer_field_range("BigAutoField")
    if not low <= pk <= high:  # an address no story can have
        return None
    row = one_row("whole_story", _whole_story_sql, pk, db)
    if row is None:
        return None
    row = iter(row)
    article, region, photo, photographer = (
        model.from_db(db.alias, None, converted(values, fields, db))
        if values[0] is not None  # its id: none for a missing foreign key's row
        else None
        for model, fields in _story_fields(db.alias)
        for values in [[next(row) for _field in fields]]
    )
    Article._meta.get_field("region").set_cached_value(article, region)
    Article._meta.get_field("lead_photo").set_cached_value(article, photo)
    row = list(row)
    if photo is not None:
        Photo._meta.get_field("photographer").set_cached_value(photo, photographer)
        renditions = [
            _instance(LEAD_RENDITIONS, photo, values, db.alias)
            for values in json.loads(row[-1])
        ]
        for rendition in renditions:
            Rendition._meta.get_field("photo").set_cached_value(rendition, photo)
        _prefetched(photo, "renditions", renditions)
    return with_parts(article, row[:-1], db=db)


# The row's own tables, in its order: the story, its region, its lead photo and the
# photo's photographer.
STORY_TABLES = (("a", Article), ("r", Region), ("p", Photo), ("g", Photographer))


@functools.cache
def _story_fields(alias: str):
    db = connections[alias]
    return [
        (model, converters(model._meta.concrete_fields, table, db))
        for table, model in STORY_TABLES
    ]


def _whole_story_sql(story: str) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(
        f"{alias}.{quote(field.column)}"
        for alias, model in STORY_TABLES
        for field in model._meta.concrete_fields
    )
    parts = ", ".join(parts_columns(story, (*WHOLE_STORY, LEAD_RENDITIONS)))
    return (
        f"SELECT {columns}, {parts} "
        "FROM articles_article a LEFT JOIN articles_region r ON r.id = a.region_id "
        "LEFT JOIN photos_photo p ON p.id = a.lead_photo_id "
        "LEFT JOIN photos_photographer g ON g.id = p.photographer_id "
        f"WHERE a.id = {story}"
    )
