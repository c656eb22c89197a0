"""Requests per second through gunicorn, compared in one run with a bare Django view.

    .venv/bin/python bench/throughput.py [--seconds 10] [--connections 16]

Starts two gunicorns on loopback against the bench database (DATABASE_URL,
newsroom_bench by default), DEBUG off, sync workers one per core as in production:
one with the page cache as configured, one with it off (PAGE_CACHE_SECONDS=0). Then
wrk loads, one after the other:

- hello: a view returning "Hello" through the same middleware (Django's floor);
- a static file through whitenoise (collected into a temporary STATIC_ROOT);
- article pages uncached: the cache-off server, a different article each request;
- one article page cached: the same URL again and again on the cache-on server.

Prints requests/s and wrk's latency p50/p99 for each, and cached/hello (the target is
at least 80%). Then edits the cached story here, as another process would, and times
how long until every worker serves the new text (the target is a second). Asserts
nothing.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django
from bench.server import Server, collect_static, wrk

CACHED_TARGET = 0.8


def article_paths(count: int) -> list[str]:
    """Canonical URLs of `count` published stories spread over the archive."""
    from articles.models import Article

    published = Article.objects.published()
    high = published.order_by("-pk").values_list("pk", flat=True).first()
    ids = random.Random(11).sample(range(1, high + 1), min(count * 2, high))
    articles = published.filter(pk__in=ids).only("pk", "slug", "language")[:count]
    return [article.get_absolute_url() for article in articles]


def fill_page_cache(server: Server, path: str, misses_expected: int) -> str | None:
    """Ask for `path` until every worker has it cached; the last X-Cache answer.

    Requests go several at a time, so every worker takes some: sent one by one they
    may all reach the same worker and leave the others cold. Pages are kept in each
    worker's memory: one miss per worker.
    """
    misses = 0
    answers = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(30):
            answers = list(
                pool.map(
                    lambda _n: server.get(path, timeout=60)[1].get("X-Cache"), range(8)
                )
            )
            misses += answers.count("MISS")
            if misses >= misses_expected and set(answers) == {"HIT"}:
                break
    return answers[-1] if answers else None


def refresh_seconds(server: Server, path: str) -> float | None:
    """Seconds from an edit of the cached story to every worker serving the new text.

    The edit is made in this process, as an editor's save in another worker or the
    import would be; the headline is put back afterwards.
    """
    from articles.models import Article

    article = Article.objects.get(pk=int(path.split("/")[3]))
    original = article.headline
    marker = f"{original} (corrected {time.time():.0f})"
    started = time.monotonic()
    article.headline = marker
    article.save()
    try:
        while time.monotonic() - started < 10:
            # Several at once, so every worker answers some.
            with ThreadPoolExecutor(max_workers=8) as pool:
                bodies = list(pool.map(lambda _n: body_of(server, path), range(16)))
            if all(marker in body for body in bodies):
                return time.monotonic() - started
        return None
    finally:
        article.refresh_from_db()
        article.headline = original
        article.save()


def body_of(server: Server, path: str) -> str:
    with urllib.request.urlopen(server.url + path, timeout=30) as response:
        return response.read().decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument(
        "--redis",
        metavar="URL",
        default=os.environ.get("REDIS_URL", ""),
        help="keep the log of changes in Redis (default: REDIS_URL, else files)",
    )
    args = parser.parse_args()

    # This process edits a story too: it must share the servers' log of changes.
    setup_django(REDIS_URL=args.redis)
    static_root = tempfile.mkdtemp(prefix="newsroom-static-")
    collect_static(static_root)
    manifest = json.loads((Path(static_root) / "staticfiles.json").read_text())
    static_path = "/static/" + manifest["paths"]["css/site.css"]
    articles = article_paths(1000)
    environment = {"BENCH_STATIC_ROOT": static_root, "REDIS_URL": args.redis}
    print(
        f"gunicorn, {args.workers} sync workers; wrk {args.seconds} s, "
        f"{args.connections} connections, {args.threads} threads; "
        f"{os.cpu_count()} cores shared by server and load; log of changes in "
        f"{args.redis or 'files'}"
    )
    with (
        Server(args.workers, PAGE_CACHE_SECONDS="600", **environment) as cached_server,
        Server(args.workers, PAGE_CACHE_SECONDS="0", **environment) as uncached_server,
    ):
        cached_server.wait_ready()
        uncached_server.wait_ready()
        cached_article = articles[0]
        cache_header = fill_page_cache(cached_server, cached_article, args.workers)
        if cache_header != "HIT":
            print(
                f"WARNING: the cached article does not say X-Cache: HIT "
                f"(X-Cache: {cache_header!r}); the page cache may be off or missing"
            )
        runs = [
            # On the cache-off server, so hello is Django's floor, not a cache hit.
            ("hello (Django floor)", uncached_server, ["/hello/"]),
            ("static file (whitenoise)", cached_server, [static_path]),
            ("article, uncached, varied", uncached_server, articles),
            ("article, cached, same URL", cached_server, [cached_article]),
        ]
        results = {}
        for name, server, paths in runs:
            results[name] = wrk(
                server.url,
                paths,
                connections=args.connections,
                threads=args.threads,
                seconds=args.seconds,
            )
        refreshed = refresh_seconds(cached_server, cached_article)
    print(f"\n{'load':<30}{'req/s':>9}{'p50':>10}{'p99':>10}  errors  X-Cache")
    for name, result in results.items():
        errors = result.non_2xx_3xx + sum(
            count for status, count in result.statuses.items() if status >= 500
        )
        cache = ", ".join(f"{key} {n}" for key, n in sorted(result.cache.items()))
        print(
            f"{name:<30}{result.requests_per_second:>9,.0f}"
            f"{result.latency_ms.get('50%', 0):>8.1f}ms"
            f"{result.latency_ms.get('99%', 0):>8.1f}ms  {errors:>6}  {cache}"
        )
        if result.socket_errors != "none":
            print(f"  socket errors: {result.socket_errors}")
    hello = results["hello (Django floor)"].requests_per_second
    cached = results["article, cached, same URL"]
    uncached = results["article, uncached, varied"].requests_per_second
    ratio = cached.requests_per_second / hello
    met = "yes" if ratio >= CACHED_TARGET else "NO"
    print(f"\ncached article / hello: {ratio:.0%}  (target >= 80%: {met})")
    print(f"uncached article / hello: {uncached / hello:.0%}")
    print(
        "edit of the cached story to every worker serving it: "
        + (f"{refreshed:.2f} s" if refreshed is not None else "NOT within 10 s")
        + f"  (target <= 1 s: {'yes' if refreshed is not None and refreshed <= 1 else 'NO'})"
    )
    if cached.cache.get("HIT", 0) < cached.requests * 0.99:
        print(
            f"WARNING: only {cached.cache.get('HIT', 0):,} of {cached.requests:,} "
            "cached-article responses said X-Cache: HIT"
        )


if __name__ == "__main__":
    main()
