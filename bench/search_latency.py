"""Search latency at archive scale, per kind of query, with or without planner statistics.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
        .venv/bin/python bench/search_latency.py [--runs 50] [--statistics drop|analyze]

For each query: the whole search page (through the middleware, DEBUG off, every
request a miss of the page cache) as min / p50 / p99 / max, the search engine alone
(p50), how many stories of the language match (the share decides the target) and
what the page said. It never asserts a time.

`--statistics drop` first makes the articles tables look freshly bulk-loaded: their
planner statistics are deleted and their size forgotten, as before any ANALYZE (this
machine's PostgreSQL runs without autovacuum). `--statistics analyze` restores them.
Without the option the database is measured as it is.
"""

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import percentile, setup_django

setup_django(PAGE_CACHE_SECONDS="600", BENCH_STATIC_ROOT=tempfile.mkdtemp())

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.search import CONFIGS, Query, search  # noqa: E402
from newsroom.page_cache import PageCacheMiddleware  # noqa: E402

# Every page a miss of the full-page cache; the sidebar every page shares is kept
# as in production (bench/pages.py measures the same way).
PageCacheMiddleware.applies_to = lambda self, request: False

# A stretch of the archive fifteen years back: date filters on old stories.
OLD_MONTH = (date.today() - timedelta(days=15 * 365)).replace(day=1)
OLD_YEAR = (OLD_MONTH.replace(month=1), OLD_MONTH.replace(month=12, day=31))
CASES = [
    ("selective (0.1%)", "ru", Query(text="наводнение")),
    ("selective, inflected", "ru", Query(text="заключенные наводнение")),
    ("broad (50%)", "ru", Query(text="новости")),
    ("broad, by relevance", "ru", Query(text="новости", order="relevance")),
    ("selective, English", "en", Query(text="flood")),
    ("rare, newest first", "en", Query(text="earthquake")),
    ("rare, by relevance", "en", Query(text="earthquake", order="relevance")),
    ("phrase and exclusion", "en", Query(text='"rights defenders" -police')),
    ("no match", "en", Query(text="zzzyzzx")),
    ("common word (all stories)", "en", Query(text="court")),
    ("two common words", "ru", Query(text="суд выборы")),
    ("common word, one excluded", "en", Query(text="court -zzzyzzx")),
    ("common phrase", "en", Query(text='"governor court"')),
    ("phrase of common words, no match", "en", Query(text='"court rights"')),
    ("common or rare", "en", Query(text="earthquake or court")),
    ("rare word, common excluded", "en", Query(text="earthquake -police")),
    (
        "selective, one old year",
        "ru",
        Query(text="наводнение", date_from=OLD_YEAR[0], date_to=OLD_YEAR[1]),
    ),
    (
        "broad, one old month",
        "ru",
        Query(
            text="новости", date_from=OLD_MONTH, date_to=OLD_MONTH + timedelta(days=27)
        ),
    ),
]
TABLES = ("articles_article", "articles_taggedarticle", "articles_byline")


def search_url(language: str, query: Query) -> str:
    params = {"q": query.text, "order": query.order}
    if query.date_from:
        params["date_from"] = query.date_from.isoformat()
    if query.date_to:
        params["date_to"] = query.date_to.isoformat()
    return f"/{language}/search/?{urlencode(params)}"


def set_statistics(mode: str) -> None:
    with connection.cursor() as cursor:
        if mode == "analyze":
            for table in TABLES:
                cursor.execute(f"ANALYZE {table}")
            return
        # As right after a bulk load into a new table: no column statistics, and a
        # size PostgreSQL has not yet measured (reltuples -1).
        names = [*TABLES]
        cursor.execute(
            "DELETE FROM pg_statistic WHERE starelid IN "
            "(SELECT oid FROM pg_class WHERE relname = ANY(%s))",
            [names],
        )
        cursor.execute(
            "UPDATE pg_class SET reltuples = -1, relpages = 0, relallvisible = 0 "
            "WHERE relname = ANY(%s)",
            [names],
        )
    connection.close()  # a new session plans without cached statistics


def statistics_state() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_statistic WHERE starelid = "
            "'articles_article'::regclass"
        )
        (columns,) = cursor.fetchone()
    return "fresh statistics" if columns else "no statistics (never analysed)"


def share(language: str, query: Query) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE search_vector @@ "
            "websearch_to_tsquery(%s::regconfig, %s)), count(*) "
            "FROM articles_article WHERE language = %s AND status = 'published'",
            [CONFIGS[language], query.text, language],
        )
        matching, total = cursor.fetchone()
    return f"{matching:,} ({100 * matching / max(total, 1):.2g}%)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--statistics", choices=["drop", "analyze"])
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    # DEBUG off means hashed static names from a manifest, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    if args.statistics:
        set_statistics(args.statistics)
    total = Article.objects.count()
    print(
        f"{connection.vendor}, {total:,} articles, {statistics_state()}, "
        f"{args.runs} runs each\n"
    )
    cases = [case for case in CASES if not args.only or args.only in case[0]]
    client = Client()
    rows = []
    for name, language, query in cases:
        url = search_url(language, query)
        client.get(url)  # warm: templates, the connection
        pages = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url)
            pages.append((time.perf_counter() - started) * 1000)
        engine = []
        for _ in range(max(args.runs // 5, 3)):
            started = time.perf_counter()
            results = search(language, query)
            engine.append((time.perf_counter() - started) * 1000)
        text = response.content.decode()
        said = (
            "TOO BROAD"
            if "matches too much" in text or getattr(results, "too_broad", False)
            else f"{len(results.articles)} shown"
            + (", more" if results.has_next else "")
            + (", offers older" if results.searched_to else "")
        )
        rows.append((name, pages, engine, language, query, said))
        print(
            f"{name:<34}{min(pages):>7.1f}{statistics.median(pages):>8.1f}"
            f"{percentile(pages, 0.99):>8.1f}{max(pages):>8.1f}"
            f"{statistics.median(engine):>8.1f}  {said}",
            flush=True,
        )
    print("\n| query | matching | page min | p50 | p99 | max | engine p50 | page |")
    print("|---|---|---|---|---|---|---|---|")
    for name, pages, engine, language, query, said in rows:
        print(
            f"| {name} | {share(language, query)} | {min(pages):.1f} ms "
            f"| {statistics.median(pages):.1f} ms | {percentile(pages, 0.99):.1f} ms "
            f"| {max(pages):.1f} ms | {statistics.median(engine):.1f} ms | {said} |"
        )
    print("\ntargets (whole page): p99 <= 50 ms under 1% of stories; <= 300 ms any")


if __name__ == "__main__":
    main()
