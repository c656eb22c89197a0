"""Search latency at archive scale: a selective, a broad and a rare term, by date.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
        .venv/bin/python bench/search_latency.py

Prints, for each query, the server-side time of the whole search (matching, sorting,
capped count and snippets) as min / p50 / p95 / max over repeated runs, and the number
of matches counted (capped at 1,001). It never asserts a time.
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django

setup_django()

from django.db import connection  # noqa: E402

from articles.models import Article  # noqa: E402
from articles.search import Query, search  # noqa: E402

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
    ("phrase and exclusion", "en", Query(text='"rights defenders" -police')),
    ("no match", "en", Query(text="zzzyzzx")),
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
RUNS = int(os.environ.get("RUNS", "30"))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main():
    total = Article.objects.count()
    print(f"{connection.vendor}, {total:,} articles, {RUNS} runs each\n")
    print(f"{'query':<24}{'min':>8}{'p50':>8}{'p95':>8}{'max':>8}  matches")
    for name, language, query in CASES:
        search(language, query)  # warm the cache once
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            results = search(language, query)
            times.append((time.perf_counter() - started) * 1000)
        count = f"{results.count}{'+' if results.more_than_counted else ''}"
        print(
            f"{name:<24}{min(times):>7.1f}ms{statistics.median(times):>6.1f}ms"
            f"{percentile(times, 0.95):>6.1f}ms{max(times):>6.1f}ms  {count}"
        )
    print("\ntargets: selective p95 <= 50 ms; worst case p95 <= 300 ms")


if __name__ == "__main__":
    main()
