"""An article's related stories: the newest published before it in its language that
share its region or one of its tags.

Two short statements, one for the tags and one for the region, each served by an
index whatever their sizes (a rare tag's stories fetched by id, a common one's found
walking the newest-first index: ArticleQuerySet.among), run as one. Written out in
SQL: built with the ORM the pair cost ~1.6 ms to build and compile for every article
page rendered, more than running them. The publication rule
(ArticleQuerySet.published) reads here as the status alone: a story published before
a live one is past its time as well.
"""

from datetime import datetime

from django.db import connections, router

from articles.models import Article, TaggedArticle, ids_if_few
from disclaimers.rendering import REGISTER_NAMES, register_names
from newsroom.lookups import any_of_sql

RELATED_COUNT = 4
# What the related list shows of each story (its link, headline and time).
FIELDS = ("id", "language", "headline", "slug", "published_at")


def related_stories(
    pk: int,
    language: str,
    before: datetime,
    tag_ids: list[int],
    region_id: int | None,
) -> list[Article]:
    """Up to RELATED_COUNT stories, newest first, each once: their id, language,
    headline, slug, publication time and the register names their headline stars."""
    connection = connections[router.db_for_read(Article)]
    quote = connection.ops.quote_name
    table = quote(Article._meta.db_table)
    names = register_names(Article._meta.db_table)
    columns = ", ".join(
        [
            *(f"{table}.{quote(name)}" for name in FIELDS),
            f"({names.sql}) AS {quote(REGISTER_NAMES)}",
        ]
    )
    earlier = (
        f"SELECT {columns} FROM {table} WHERE {table}.{quote('status')} = %s "
        f"AND {table}.{quote('language')} = %s "
        f"AND {table}.{quote('published_at')} <= %s AND {table}.{quote('id')} <> %s"
    )
    common = [
        *names.params,
        Article.Status.PUBLISHED.value,
        language,
        connection.ops.adapt_datetimefield_value(before),
        pk,
    ]
    newest = (
        f"ORDER BY {table}.{quote('published_at')} DESC, {table}.{quote('id')} DESC "
        f"LIMIT {RELATED_COUNT}"
    )
    parts, params = [], []
    if tag_ids and (tagged := _tagged(f"{table}.{quote('id')}", tag_ids, connection)):
        condition, values = tagged
        parts.append(f"{earlier} AND {condition} {newest}")
        params += [*common, *values]
    if region_id:
        parts.append(f"{earlier} AND {table}.{quote('region_id')} = %s {newest}")
        params += [*common, region_id]
    if not parts:
        return []
    statement = " UNION ".join(
        f"SELECT * FROM ({part}) AS {quote(f'related_{number}')}"
        for number, part in enumerate(parts)
    )
    return list(
        Article.objects.db_manager(connection.alias).raw(
            f"{statement} ORDER BY {quote('published_at')} DESC, {quote('id')} DESC "
            f"LIMIT {RELATED_COUNT}",
            params,
        )
    )


def _tagged(column: str, tag_ids: list[int], connection) -> tuple[str, list] | None:
    """The condition that the story `column` names has one of the tags, by the plan
    that suits how many stories they have; None when they have none."""
    tagged = TaggedArticle.objects.using(connection.alias).filter(tag__in=tag_ids)
    stories = tagged.values_list("content_object", flat=True).order_by()
    ids = ids_if_few(stories, known_as=("tags", *sorted(tag_ids)))
    if ids is None:  # many: a semi-join, walking the newest first
        quote = connection.ops.quote_name
        placeholders = ", ".join(["%s"] * len(tag_ids))
        return (
            f"{column} IN (SELECT {quote('content_object_id')} "
            f"FROM {quote(TaggedArticle._meta.db_table)} "
            f"WHERE {quote('tag_id')} IN ({placeholders}))",
            list(tag_ids),
        )
    if not ids:
        return None
    return any_of_sql(
        column, ids, Article._meta.pk.cast_db_type(connection), connection
    )
