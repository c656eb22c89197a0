"""Reader search: PostgreSQL full-text search, or a plain containment fallback on SQLite.

On PostgreSQL the query runs against the stored `search_vector` column (migration 0004,
GIN-indexed) with websearch_to_tsquery, which accepts any input: "quoted phrases",
-exclusions and `or`. Matches are found first, in a MATERIALIZED CTE, and only then
sorted, so a rare term sorted by date never makes the planner walk the date index.
Broad matches are never counted exactly, and relevance ranks only a bounded set of the
newest matches.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import OperationalError, connection, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles.calendar import local_midnight
from articles.models import Article
from articles.rendering import with_register_names

PAGE_SIZE = 20
MAX_PAGES = 50
COUNT_CAP = 1000  # beyond this the page says "more than 1000"
RANKED = 1000  # relevance ranks at most this many of the newest matches
TIME_LIMIT_MS = 300
WINDOW = 5000  # newest candidates tried first; enough matches there = a broad term
MAX_QUERY_LENGTH = 200
CONFIGS = {"ru": "russian", "en": "english"}
# Marks a match in a snippet; turned into <mark> once the text is escaped.
OPEN, CLOSE = "\ue001", "\ue002"
HEADLINE_OPTIONS = (
    f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=35, MinWords=15, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)


@dataclass
class Query:
    """What the reader asked for, already cleaned of anything unusable."""

    text: str = ""
    order: str = "date"  # or "relevance"
    date_from: date | None = None
    date_to: date | None = None
    region: int | None = None
    tag: str = ""
    page: int = 1


@dataclass
class Results:
    articles: list[Article]
    count: int  # exact up to COUNT_CAP
    more_than_counted: bool
    has_next: bool
    too_broad: bool = False  # stopped at the time limit; the reader should narrow it


def search(language: str, query: Query) -> Results:
    # PostgreSQL refuses a NUL in a query, and no article holds one.
    text = query.text.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return Results([], 0, False, False)
    candidates = filtered(language, query)
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                # A pathological query (a phrase of very common words) must not hold
                # a worker: past the limit the reader is asked to narrow the search.
                with connection.cursor() as cursor:
                    cursor.execute(f"SET LOCAL statement_timeout = {TIME_LIMIT_MS}")
                return postgres_search(CONFIGS[language], text, query, candidates)
        except OperationalError:
            return Results([], 0, False, False, too_broad=True)
    return fallback_search(text, query, candidates)


def filtered(language: str, query: Query) -> QuerySet:
    """The publication rule, the language and the reader's filters."""
    articles = Article.objects.published().filter(language=language)
    if query.date_from:
        articles = articles.filter(published_at__gte=local_midnight(query.date_from))
    if query.date_to:
        day_after = query.date_to + timedelta(days=1)
        articles = articles.filter(published_at__lt=local_midnight(day_after))
    if query.region:
        articles = articles.filter(region=query.region)
    if query.tag:
        articles = articles.filter(**{f"tags__slug_{language}": query.tag})
    return articles


def postgres_search(
    config: str, text: str, query: Query, candidates: QuerySet
) -> Results:
    """Two plans, because no single one is fast for both broad and rare terms.

    First the newest WINDOW candidates are read through the date index and matched:
    a broad term fills the page from them at once. Only when they hold too few
    matches (a rare term) are all matches found through the GIN index first, in a
    MATERIALIZED CTE, and then sorted.
    """
    tsquery = "websearch_to_tsquery(%s::regconfig, %s)"
    table = Article._meta.db_table
    wanted = (query.page - 1) * PAGE_SIZE + PAGE_SIZE + 1
    order = (
        f"ts_rank_cd(search_vector, {tsquery}) DESC, published_at DESC, id DESC"
        if query.order == "relevance"
        else "published_at DESC, id DESC"
    )
    order_params = [config, text] if query.order == "relevance" else []
    window_sql, window_params = (
        candidates.newest_first().values("id")[:WINDOW].query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, count(*) OVER () FROM {table} WHERE id IN ({window_sql}) "
            f"AND search_vector @@ {tsquery} ORDER BY {order} LIMIT %s",
            [*window_params, config, text, *order_params, wanted],
        )
        rows = cursor.fetchall()
    in_window = rows[0][1] if rows else 0
    if in_window >= wanted or in_window >= RANKED:
        ids = [row[0] for row in rows][wanted - PAGE_SIZE - 1 :]
        # Matches beyond the window are not counted: say "more than".
        count, more = min(in_window, COUNT_CAP), True
    else:
        ids, count = match_first(config, text, query, candidates)
        more = count > COUNT_CAP
        count = min(count, COUNT_CAP)
    articles = in_order(ids[:PAGE_SIZE])
    snippets = {}
    if articles:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, ts_headline(%s::regconfig, coalesce(lead, '') || ' ' || "
                f"regexp_replace(body, '<[^>]+>', ' ', 'g'), {tsquery}, %s) "
                f"FROM {Article._meta.db_table} WHERE id = ANY(%s)",
                [config, config, text, HEADLINE_OPTIONS, [a.pk for a in articles]],
            )
            snippets = dict(cursor.fetchall())
    for article in articles:
        # The body's entities (&amp;) are text again before marked() escapes it.
        article.snippet = marked(html.unescape(snippets.get(article.pk, "")))
    return Results(articles, count, more, len(ids) > PAGE_SIZE)


def match_first(
    config: str, text: str, query: Query, candidates: QuerySet
) -> tuple[list[int], int]:
    """All matches through the GIN index, then sorted: right for a rare term."""
    tsquery = "websearch_to_tsquery(%s::regconfig, %s)"
    matches = (
        candidates.alias(
            matched=RawSQL(
                f"search_vector @@ {tsquery}", [config, text], BooleanField()
            )
        )
        .filter(matched=True)
        .annotate(vector=RawSQL("search_vector", []))
        .values("id", "published_at", "vector")
    )
    match_sql, match_params = matches.query.sql_with_params()
    cte = f"WITH matches AS MATERIALIZED ({match_sql})"
    if query.order == "relevance":
        sql = (
            f"{cte}, newest AS (SELECT * FROM matches "
            f"ORDER BY published_at DESC, id DESC LIMIT {RANKED}) "
            f"SELECT id, (SELECT count(*) FROM matches) FROM newest "
            f"ORDER BY ts_rank_cd(vector, {tsquery}) DESC, "
            f"published_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        params = [*match_params, config, text]
    else:
        sql = (
            f"{cte} SELECT id, count(*) OVER () FROM matches "
            f"ORDER BY published_at DESC, id DESC LIMIT %s OFFSET %s"
        )
        params = list(match_params)
    params += [PAGE_SIZE + 1, (query.page - 1) * PAGE_SIZE]
    # The matches are materialised once: counting them costs nothing more.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [row[0] for row in rows], rows[0][1] if rows else 0


@dataclass
class Terms:
    """A web-search query taken apart: alternatives of words and phrases, exclusions."""

    alternatives: list[list[str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)


TOKEN = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


def parse(text: str) -> Terms:
    """Read a query as websearch_to_tsquery does; never fails, whatever the text."""
    terms, current = Terms(), []
    for match in TOKEN.finditer(text[:MAX_QUERY_LENGTH]):
        negated = bool(match.group(1) or match.group(3))
        raw = match.group(2) if match.group(2) is not None else match.group(4)
        if raw.lower() == "or" and match.group(4) and not negated:
            if current:
                terms.alternatives.append(current)
            current = []
            continue
        phrase = " ".join(re.findall(r"\w+", raw))
        if phrase:
            (terms.excluded if negated else current).append(phrase)
    if current:
        terms.alternatives.append(current)
    return terms


def fallback_search(text: str, query: Query, candidates: QuerySet) -> Results:
    """SQLite: plain containment, still honouring phrases, exclusions and `or`."""
    terms = parse(text)
    if not terms.alternatives:
        return Results([], 0, False, False)
    wanted = Q()
    for phrases in terms.alternatives:
        every = Q()
        for phrase in phrases:
            every &= contains(phrase)
        wanted |= every
    matches = candidates.filter(wanted)
    for phrase in terms.excluded:
        matches = matches.exclude(contains(phrase))
    offset = (query.page - 1) * PAGE_SIZE
    rows = list(
        with_register_names(matches.newest_first().select_related("region"))[
            offset : offset + PAGE_SIZE + 1
        ]
    )
    count = matches.order_by()[: COUNT_CAP + 1].count()
    words = [
        word
        for phrases in terms.alternatives
        for phrase in phrases
        for word in phrase.split()
    ]
    for article in rows:
        article.snippet = snippet_around(article, words)
    return Results(
        rows[:PAGE_SIZE],
        min(count, COUNT_CAP),
        count > COUNT_CAP,
        len(rows) > PAGE_SIZE,
    )


def contains(phrase: str) -> Q:
    # SQLite compares non-ASCII letters case-sensitively: try the usual cases.
    condition = Q()
    for variant in {phrase, phrase.lower(), phrase.capitalize()}:
        for name in ("headline", "lead", "body"):
            condition |= Q(**{f"{name}__contains": variant})
    return condition


def in_order(ids: list[int]) -> list[Article]:
    articles = with_register_names(Article.objects.select_related("region")).in_bulk(
        ids
    )
    return [articles[pk] for pk in ids if pk in articles]


def marked(text: str) -> SafeString:
    """Escape a snippet, then turn the match markers into <mark>."""
    return mark_safe(escape(text).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


def snippet_around(article: Article, words: list[str], width: int = 200) -> SafeString:
    body = html.unescape(strip_tags(article.body))
    text = " ".join(f"{article.lead} {body}".split())
    found = [text.lower().find(word.lower()) for word in words]
    start = max(0, min((at for at in found if at >= 0), default=0) - width // 4)
    piece = text[start : start + width]
    for word in sorted(set(words), key=len, reverse=True):
        piece = re.sub(
            f"({re.escape(word)})", f"{OPEN}\\1{CLOSE}", piece, flags=re.IGNORECASE
        )
    return marked(
        ("… " if start else "") + piece + (" …" if start + width < len(text) else "")
    )
