"""Reader search: PostgreSQL full-text search, or SQLite's FTS5 index of stems.

On PostgreSQL the query runs against the stored `search_vector` column (migration 0004,
GIN-indexed) with websearch_to_tsquery, which accepts any input: "quoted phrases",
-exclusions and `or`. Which plan serves a query is decided by the SQL's shape and by
what a first, small walk of the newest stories finds, never by the planner's
estimates (it may have no statistics right after an import):

- the newest candidates are walked in date order, each tested against the query
  (a LIMIT subquery the planner cannot reorder); a common word fills the page there;
- a word rare among them is matched first through the GIN index, in a MATERIALIZED
  CTE bounded by a LIMIT, and only those rows are checked and sorted;
- a query the index cannot narrow (more than SPARSE matches of its words, such as a
  phrase of common words) is walked further, a bounded stretch per page; the page then
  offers to continue into older stories instead of giving up.

Newest first pages by keyset (`before`), as the lists do, without a total for broad
queries; by relevance, the newest RANKED matches are ranked and paged.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from articles import search_index
from articles.calendar import local_midnight
from articles.models import Article
from articles.pagination import Cursor
from articles.rendering import with_register_names

PAGE_SIZE = 20
MAX_PAGES = 50
COUNT_CAP = 1000  # SQLite: beyond this the page says "more than 1000"
RANKED = 1000  # relevance ranks at most this many of the newest matches
# Each statement's limit: a page makes at most three searching ones, each bounded.
STEP_TIME_LIMIT_MS = 150
# The first walk: enough to fill a page with a word in 4% of stories, cheap (~2 ms)
# for a rare word, and it tells how common the query's words are among recent stories.
# Too few of them to fill a page: the GIN index is asked for all the matches (news
# words come in bursts: common this week says nothing of the years before), and
# only when it holds more than SPARSE are further stories walked.
PROBE = 500
SPARSE = 2000  # at most this many index matches are checked and sorted
WALK = 10_000  # stories tested per page when the index cannot narrow the query
MAX_QUERY_LENGTH = 200
CONFIGS = {"ru": "russian", "en": "english"}
# Marks a match in a snippet; turned into <mark> once the text is escaped.
OPEN, CLOSE = "\ue001", "\ue002"
HEADLINE_OPTIONS = (
    f"StartSel={OPEN}, StopSel={CLOSE}, MaxWords=35, MinWords=15, "
    "MaxFragments=2, FragmentDelimiter=' … '"
)
# ё read as е, as the stored vector reads it (migration 0016).
TSQUERY = "websearch_to_tsquery(%s::regconfig, translate(%s, 'ёЁ', 'еЕ'))"


@dataclass
class Query:
    """What the reader asked for, already cleaned of anything unusable."""

    text: str = ""
    order: str = "date"  # or "relevance"
    date_from: date | None = None
    date_to: date | None = None
    region: int | None = None
    tag: str = ""
    page: int = 1  # by relevance
    before: Cursor | None = None  # newest first: the stories older than this


@dataclass
class Results:
    articles: list[Article]
    count: int  # how many match in all, when `counted`
    more_than_counted: bool
    has_next: bool
    too_broad: bool = False  # stopped at the time limit; the reader should narrow it
    counted: bool = True  # False: a broad query, shown newest first without a total
    older: Cursor | None = None  # newest first: where the next page starts
    # Newest first: the page is not full, but stories older than this are unsearched.
    searched_to: datetime | None = None


def search(language: str, query: Query) -> Results:
    # PostgreSQL refuses a NUL in a query, and no article holds one.
    text = query.text.replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    if not text:
        return Results([], 0, False, False)
    candidates = filtered(language, query)
    if connection.vendor == "postgresql":
        try:
            with transaction.atomic():
                # No plan here may hold a worker for long; a sequential scan is never
                # wanted (the walks read an index in date order, the match reads the
                # GIN index), and JIT compiling costs more than any of these queries.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('statement_timeout', %s, true), "
                        "set_config('enable_seqscan', 'off', true), "
                        "set_config('jit', 'off', true)",
                        [str(STEP_TIME_LIMIT_MS)],
                    )
                results = postgres_search(CONFIGS[language], text, query, candidates)
                # Inside a longer transaction (a test's, or ATOMIC_REQUESTS) these
                # would outlive the search; a failed search's savepoint undoes them.
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SET LOCAL statement_timeout TO DEFAULT; "
                        "SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL jit TO DEFAULT"
                    )
                return results
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


def older_than(articles: QuerySet, cursor: Cursor | None) -> QuerySet:
    if cursor is None:
        return articles
    # The redundant `lte` bounds the index range scan; the OR alone would not.
    return articles.filter(published_at__lte=cursor.at).filter(
        Q(published_at__lt=cursor.at) | Q(pk__lt=cursor.pk)
    )


def words_only(text: str) -> str:
    """The query's wanted words without phrases or exclusions: it matches every story
    the query matches, and the GIN index answers it without reading the stories."""
    return " or ".join(" ".join(phrases) for phrases in parse(text).alternatives)


@dataclass
class Walk:
    hits: list[tuple[int, datetime]]
    boundary: Cursor | None  # the last story walked, if the stretch was walked whole
    words_seen: int  # stories of the stretch holding the query's words


def walk(
    config: str,
    text: str,
    candidates: QuerySet,
    after: Cursor | None,
    size: int,
    wanted: int,
) -> Walk:
    """Test the `size` newest candidates older than `after`, in date order, stopping
    at `wanted` matches. The LIMIT subquery keeps the planner from reordering it: it
    reads the newest-first index and nothing else."""
    stretch = (
        older_than(candidates, after)
        .newest_first()
        .annotate(vector=RawSQL(f"{Article._meta.db_table}.search_vector", []))
        .values("id", "published_at", "vector")[:size]
    )
    stretch_sql, stretch_params = stretch.query.sql_with_params()
    relaxed = words_only(text)
    sql = (
        "SELECT id, published_at, hit, n, seen FROM ("
        f"SELECT w.id, w.published_at, w.vector @@ {TSQUERY} AS hit, "
        "row_number() OVER () AS n, "
        f"count(*) FILTER (WHERE w.vector @@ {TSQUERY}) OVER "
        "(ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS seen "
        f"FROM ({stretch_sql}) w) x WHERE hit OR n = %s LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [config, text, config, relaxed or text, *stretch_params, size, wanted + 1],
        )
        rows = cursor.fetchall()
    hits = [(pk, at) for pk, at, hit, _, _ in rows if hit][:wanted]
    last = rows[-1] if rows else None
    walked_whole = last is not None and last[3] == size and len(hits) < wanted
    return Walk(
        hits,
        Cursor(last[1], last[0]) if walked_whole else None,
        last[4] if last else 0,
    )


def postgres_search(
    config: str, text: str, query: Query, candidates: QuerySet
) -> Results:
    relevance = query.order == "relevance"
    before = None if relevance else query.before
    wanted = RANKED if relevance else PAGE_SIZE + 1
    probe = walk(config, text, candidates, before, PROBE, wanted)
    if len(probe.hits) >= wanted or probe.boundary is None:
        # A common word filled the page, or the candidates ran out: all found.
        return finish(config, text, query, probe.hits, probe.boundary)
    if probe.words_seen <= PAGE_SIZE and words_only(text):
        matched = index_match(config, text, query, candidates, before)
        if matched is not None:
            return matched
    rest = walk(
        config, text, candidates, probe.boundary, WALK, wanted - len(probe.hits)
    )
    return finish(config, text, query, probe.hits + rest.hits, rest.boundary)


def index_match(
    config: str, text: str, query: Query, candidates: QuerySet, before: Cursor | None
) -> Results | None:
    """All matches through the GIN index first, then checked and sorted: right for a
    rare word. None when the index holds more than SPARSE matches of the words."""
    table = Article._meta.db_table
    # One row of the candidates by id: the publication rule and filters, looked up
    # per match through the primary key (OFFSET 0 keeps the lookup per row).
    one, one_params = (
        older_than(candidates, before)
        .filter(pk=RawSQL("m.id", []))
        .annotate(vector=RawSQL(f"{table}.search_vector", []))
        .values("id", "published_at", "vector")
        .query.sql_with_params()
    )
    relevance = query.order == "relevance"
    rank = f"ts_rank_cd(c.vector, {TSQUERY})" if relevance else "0"
    # A relevance page ranks the newest RANKED matches only, as broad queries do.
    newest = f"ORDER BY c.published_at DESC, c.id DESC LIMIT {RANKED}"
    # The counts come in a row of their own, the page's stories joined to it: with no
    # story checked (a phrase), the count of the index's matches still says whether
    # it gave them all.
    sql = (
        f"WITH m AS MATERIALIZED (SELECT id FROM {table} "
        f"WHERE search_vector @@ {TSQUERY} LIMIT %s), "
        f"c AS MATERIALIZED (SELECT c.* FROM m CROSS JOIN LATERAL "
        f"({one} OFFSET 0) c WHERE c.vector @@ {TSQUERY} {newest}) "
        "SELECT page.id, page.published_at, counts.matched, counts.checked FROM "
        "(SELECT (SELECT count(*) FROM m) AS matched, "
        "(SELECT count(*) FROM c) AS checked) counts "
        f"LEFT JOIN LATERAL (SELECT c.id, c.published_at, {rank} AS rank FROM c "
        "ORDER BY rank DESC, published_at DESC, id DESC LIMIT %s OFFSET %s) page "
        "ON true ORDER BY page.rank DESC, page.published_at DESC, page.id DESC"
    )
    offset = (query.page - 1) * PAGE_SIZE if relevance else 0
    params = [
        config,
        words_only(text),
        SPARSE + 1,
        *one_params,
        config,
        text,
        *([config, text] if relevance else []),
        PAGE_SIZE + 1,
        offset,
    ]
    try:
        # A word common only in old stories makes the index hand over many matches;
        # past STEP_TIME_LIMIT_MS the query is walked instead.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    except OperationalError:
        return None
    matched, count = rows[0][2:]
    if matched > SPARSE:
        return None
    ids = [row[0] for row in rows if row[0] is not None]
    articles = with_snippets(config, text, in_order(ids[:PAGE_SIZE]))
    has_next = len(ids) > PAGE_SIZE
    return Results(
        articles,
        count,
        False,
        has_next,
        counted=before is None,
        older=Cursor.of(articles[-1]) if has_next and not relevance else None,
    )


def finish(
    config: str,
    text: str,
    query: Query,
    hits: list[tuple[int, datetime]],
    boundary: Cursor | None,
) -> Results:
    """A page from the walked matches, newest first or ranked."""
    if query.order == "relevance":
        ids = ranked(config, text, [pk for pk, _ in hits], query.page)
        articles = with_snippets(config, text, in_order(ids[:PAGE_SIZE]))
        return Results(articles, len(hits), False, len(ids) > PAGE_SIZE, counted=False)
    articles = with_snippets(config, text, in_order([pk for pk, _ in hits[:PAGE_SIZE]]))
    full = len(hits) > PAGE_SIZE
    first_page_whole = boundary is None and not full
    return Results(
        articles,
        len(articles),
        False,
        full,
        counted=first_page_whole,
        older=Cursor.of(articles[-1]) if full else boundary,
        searched_to=boundary.at if boundary and not full else None,
    )


def ranked(config: str, text: str, ids: list[int], page: int) -> list[int]:
    """One page of `ids` (at most RANKED), most relevant first."""
    if not ids:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Article._meta.db_table} WHERE id = ANY(%s) "
            f"ORDER BY ts_rank_cd(search_vector, {TSQUERY}) DESC, "
            "published_at DESC, id DESC LIMIT %s OFFSET %s",
            [ids, config, text, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE],
        )
        return [row[0] for row in cursor.fetchall()]


def with_snippets(config: str, text: str, articles: list[Article]) -> list[Article]:
    snippets = {}
    if articles:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, ts_headline(%s::regconfig, coalesce(lead, '') || ' ' || "
                f"regexp_replace(body, '<[^>]+>', ' ', 'g'), {TSQUERY}, %s) "
                f"FROM {Article._meta.db_table} WHERE id = ANY(%s)",
                [config, config, text, HEADLINE_OPTIONS, [a.pk for a in articles]],
            )
            snippets = dict(cursor.fetchall())
    for article in articles:
        # The body's entities (&amp;) are text again before marked() escapes it.
        article.snippet = marked(html.unescape(snippets.get(article.pk, "")))
    return articles


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
    """SQLite: the FTS5 index of stemmed words (articles/search_index.py), with the
    same syntax: phrases, exclusions and `or`; newest first, or by relevance (bm25)."""
    terms = parse(text)
    expression = search_index.match(terms.alternatives, terms.excluded)
    if not expression:
        return Results([], 0, False, False)
    matches = candidates.filter(
        pk__in=RawSQL(search_index.matching_ids_sql(), [expression])
    )
    relevance = query.order == "relevance"
    if relevance:
        # The best RANKED matches by bm25, those the filters keep, a page at a time.
        ranked = search_index.ranked_ids(expression, RANKED)
        kept = set(matches.filter(pk__in=ranked).values_list("pk", flat=True))
        ids = [pk for pk in ranked if pk in kept]
        offset = (query.page - 1) * PAGE_SIZE
        rows = in_order(ids[offset : offset + PAGE_SIZE + 1])
    else:
        # Newest first pages by keyset like PostgreSQL's.
        rows = list(
            with_register_names(
                older_than(matches, query.before)
                .newest_first()
                .select_related("region")
            )[: PAGE_SIZE + 1]
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
    has_next = len(rows) > PAGE_SIZE
    return Results(
        rows[:PAGE_SIZE],
        min(count, COUNT_CAP),
        count > COUNT_CAP,
        has_next,
        older=Cursor.of(rows[PAGE_SIZE - 1]) if has_next and not relevance else None,
    )


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
