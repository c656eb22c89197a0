"""SQLite's search index: an FTS5 table of the stories' stemmed words.

PostgreSQL stems with its stored search vector (migration 0004). SQLite has no Russian
stemmer of its own, so each story's headline, lead and body are written here word by
word as Russian dictionary forms (pymorphy3) and English Snowball stems, lower-case
with ё read as е, and queries are read the same way: «Махачкала» finds «Махачкале»,
«прием» finds «приём», «Северная долина» finds «Северной долине». The table is
kept in step on every save and delete (signals), by the bulk import (index()), and
filled by migration 0015 for the stories already there.
"""

import html
import re
from collections.abc import Iterable
from functools import lru_cache

import snowballstemmer
from django.db import connection

from newsroom.russian import readings

TABLE = "articles_search"
FIELDS = ("headline", "lead", "body")
WORD = re.compile(r"\w+")
TAG = re.compile(r"<[^>]*>")
CYRILLIC = re.compile(r"[а-яе]")
CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5("
    f"{', '.join(FIELDS)}, tokenize='unicode61')"
)


def in_use() -> bool:
    return connection.vendor == "sqlite"


@lru_cache(maxsize=1)
def english():
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A Russian word's dictionary form (Махачкале: махачкала; Snowball would cut
    «Махачкала» to махачка and «Махачкале» to махачкал), an English word's Snowball
    stem. Most words recur: a story's 400 words cost a few lookups."""
    if CYRILLIC.search(word):
        found = readings(word)
        return found[0].normal_form.replace("ё", "е") if found else word
    return english().stemWord(word)


def stems(text: str) -> list[str]:
    return [stem(word) for word in WORD.findall(text.lower().replace("ё", "е"))]


def index(articles: Iterable) -> None:
    """Write (or rewrite) these stories' rows; they need pk and the text."""
    rows = [
        (
            article.pk,
            *(
                " ".join(stems(html.unescape(TAG.sub(" ", getattr(article, name)))))
                for name in FIELDS
            ),
        )
        for article in articles
    ]
    if not rows:
        return
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {TABLE} WHERE rowid = %s", [[r[0]] for r in rows]
        )
        cursor.executemany(
            f"INSERT INTO {TABLE} (rowid, {', '.join(FIELDS)}) VALUES (%s, %s, %s, %s)",
            rows,
        )


def unindex(pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [pk])


def match(alternatives: list[list[str]], excluded: list[str]) -> str:
    """An FTS5 query for the reader's: each phrase as stems in quotes, alternatives
    joined by OR, exclusions by NOT. "" when nothing is left to look for."""

    def phrase(text: str) -> str:
        words = stems(text)
        return f'"{" ".join(words)}"' if words else ""

    wanted = [
        " AND ".join(parts)
        for phrases in alternatives
        if (parts := [p for p in map(phrase, phrases) if p])
    ]
    if not wanted:
        return ""
    expression = " OR ".join(f"({each})" for each in wanted)
    if unwanted := [p for p in map(phrase, excluded) if p]:
        expression = f"({expression}) NOT ({' OR '.join(unwanted)})"
    return expression


def matching_ids_sql() -> str:
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s"


def ranked_ids(expression: str, limit: int) -> list[int]:
    """The best matches first (bm25), at most `limit`."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s "
            f"ORDER BY bm25({TABLE}) LIMIT %s",
            [expression, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def article_saved(sender, instance, **kwargs) -> None:
    if in_use():
        index([instance])


def article_deleted(sender, instance, **kwargs) -> None:
    if in_use():
        unindex(instance.pk)
