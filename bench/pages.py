"""Server time and SQL queries of every public page at archive scale, uncached.

    .venv/bin/python bench/pages.py [--requests 100] [--only article,tag]
    .venv/bin/python bench/pages.py --profile "deep archive"

Runs against the bench database (DATABASE_URL, newsroom_bench by default). Requests
go through Django's whole middleware stack in this process (the test Client), with
DEBUG off and every page a miss of the full-page cache: the figures are what a page
costs when it must be rendered, as right after a story is published. The pieces many
pages share (the latest news, the calendar) are kept as in production; with --cold
nothing is kept at all (PAGE_CACHE_SECONDS=0). Each page is asked for with varying objects
(articles, days, tags, cursors), after a warm-up. A bare "hello" view through the same
middleware is measured in the same run, so noisy machines can be compared by ratio.
Also times the admin's article list. Prints figures and targets; asserts nothing.
With --templates-free every template renders nothing (kept parts are still
composed): what each page costs besides its templates, the floor that no faster
template engine could take it below.
"""

import argparse
import cProfile
import pstats
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import free_templates, median, percentile, setup_django

COLD = "--cold" in sys.argv
setup_django(
    PAGE_CACHE_SECONDS="0" if COLD else "600", BENCH_STATIC_ROOT=tempfile.mkdtemp()
)

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles.calendar import local_midnight  # noqa: E402
from articles.models import Article, Tag  # noqa: E402
from articles.pagination import Cursor  # noqa: E402
from authors.models import Author  # noqa: E402
from bench.search_latency import CASES as SEARCH_CASES  # noqa: E402
from newsroom.page_cache import PageCacheMiddleware  # noqa: E402

# Every page a miss: the full-page cache never answers, shared fragments still do.
PageCacheMiddleware.applies_to = lambda self, request: False

LANGUAGES = ("ru", "en")
VIEW_TARGET_MS = 10
SELECTIVE_SEARCH_MS = 50
WORST_SEARCH_MS = 300
ADMIN_TARGET_MS = 500
PAGE_BUDGET_SECONDS = 30
# Search kinds held to the selective target; the others only to the worst case.
SELECTIVE_KINDS = {"selective (0.1%)", "selective, English", "rare, newest first"}


@dataclass
class Page:
    name: str
    urls: list[str]
    target_ms: float | None = VIEW_TARGET_MS
    requests: int | None = None  # fewer for pages that are heavy by design
    times: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    cache_hits: int = 0

    @property
    def p50(self) -> float:
        return median(self.times)

    @property
    def p95(self) -> float:
        return percentile(self.times, 0.95)


def sample_urls(count: int, seed: int = 10) -> list[Page]:
    """The pages to measure, each with `count` varying addresses."""
    rng = random.Random(seed)
    now = timezone.localtime()
    published = Article.objects.published()
    bounds = published.order_by().values_list("pk", flat=True)
    low, high = bounds.order_by("pk").first(), bounds.order_by("-pk").first()
    # Twice as many as asked for: each is rendered once, its own part included, and
    # the queries are counted on ones never asked for (measure()).
    articles = list(
        published.filter(pk__in=rng.sample(range(low, high + 1), count * 4)).only(
            "pk", "slug", "language"
        )[: count * 2]
    )

    def days_back(most: int) -> list:
        return [now - timedelta(days=rng.uniform(1, most)) for _ in range(count)]

    def deep_cursor(language: str, moment) -> str:
        article = (
            published.filter(language=language, published_at__lte=moment)
            .newest_first()
            .only("pk", "published_at")
            .first()
        )
        return str(Cursor.of(article))

    tags = list(
        Tag.objects.filter(slug_en__startswith="topic-").values_list(
            "slug_en", flat=True
        )
    )
    authors = list(
        Author.objects.filter(slug__startswith="author-").values_list("slug", flat=True)
    )
    # Regions with stories in each language (a region may cover only one).
    covered = published.order_by().values_list("language", "region__slug").distinct()
    regions = {
        lang: [slug for code, slug in covered if code == lang] for lang in LANGUAGES
    }
    pick = rng.choice
    langs = [LANGUAGES[n % 2] for n in range(count)]
    # Twenty years back, or the archive's first months when it is shorter.
    oldest = published.order_by("published_at").values_list("published_at", flat=True)
    earliest = oldest.first() + timedelta(days=90)
    twenty_years = [
        max(now - timedelta(days=20 * 365 + rng.uniform(0, 60)), earliest)
        for _ in range(20)
    ]
    pages = [
        Page("hello (baseline)", ["/hello/"], target_ms=None),
        Page("article", [a.get_absolute_url() for a in articles]),
        # A few articles again and again: their own part is kept after the warm-up,
        # as after a publish that changed only their related stories or sidebar.
        Page("article, its story kept", [a.get_absolute_url() for a in articles[:5]]),
        Page("home (latest)", [f"/{lang}/" for lang in LANGUAGES]),
        Page("all news, first page", [f"/{lang}/news/" for lang in LANGUAGES]),
        Page(
            "all news, 20 years back",
            [
                f"/{langs[n]}/news/?before={deep_cursor(langs[n], moment)}"
                for n, moment in enumerate(twenty_years)
            ],
        ),
        Page(
            "day archive",
            [
                f"/{lang}/archive/{day:%Y/%m/%d}/"
                for lang, day in zip(langs, days_back(20 * 365), strict=True)
            ],
        ),
        Page(
            "month archive",
            [
                f"/{lang}/archive/{day:%Y/%m}/"
                for lang, day in zip(langs, days_back(20 * 365), strict=True)
            ],
        ),
        Page("tag (2% of stories)", [f"/{lang}/tags/{pick(tags)}/" for lang in langs]),
        Page("tag (40 stories)", [f"/{lang}/tags/rare-topic/" for lang in LANGUAGES]),
        Page(
            "author (5,000 stories)",
            [f"/{lang}/authors/{pick(authors)}/" for lang in langs],
        ),
        Page(
            "author (40 stories)",
            [f"/{lang}/authors/rare-author/" for lang in LANGUAGES],
        ),
        Page(
            "region (1 of 10)",
            [f"/{lang}/regions/{pick(regions[lang])}/" for lang in langs],
        ),
        *[
            Page(
                f"search: {name}",
                [f"/{language}/search/?{search_query(query)}"],
                target_ms=SELECTIVE_SEARCH_MS
                if name in SELECTIVE_KINDS
                else WORST_SEARCH_MS,
                requests=max(count // 2, 10),
            )
            for name, language, query in SEARCH_CASES
        ],
        Page("RSS feed", [f"/{lang}/feeds/rss/" for lang in LANGUAGES]),
        Page(
            "RSS feed of a tag",
            [f"/{lang}/feeds/tags/{pick(tags)}/rss/" for lang in langs],
        ),
        Page("sitemap index (a section per month)", ["/sitemap.xml"]),
        Page(
            "sitemap of a month",
            [
                f"/sitemap-articles-{lang}-{day:%Y-%m}.xml"
                for lang, day in zip(langs, days_back(20 * 365), strict=True)
            ],
            # A few thousand URLs: not a reader's page, held to the worst case.
            target_ms=WORST_SEARCH_MS,
        ),
        Page("Google News sitemap", ["/news-sitemap.xml"]),
        Page(
            "partner feed /api/ninjs/",
            ["/api/ninjs/", "/api/ninjs/?language=ru", "/api/ninjs/?language=en"],
        ),
        Page(
            "partner feed, 20 years back",
            [
                f"/api/ninjs/?language={langs[n]}&cursor={deep_cursor(langs[n], moment)}"
                for n, moment in enumerate(twenty_years)
            ],
        ),
    ]
    return pages


def search_query(query) -> str:
    params = {"q": query.text, "order": query.order}
    if query.date_from:
        params["date_from"] = query.date_from.isoformat()
    if query.date_to:
        params["date_to"] = query.date_to.isoformat()
    return urlencode(params)


class QueryTimer:
    """Adds up the time spent in SQL, to tell the database's share of a page."""

    def __init__(self):
        self.total_ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total_ms += (time.perf_counter() - started) * 1000


def measure(client: Client, page: Page, requests: int) -> None:
    urls = page.urls
    for url in urls[:5]:  # warm-up: templates, database caches, connection
        client.get(url)
    began = time.perf_counter()
    for number in range(page.requests or requests):
        # A very slow page gets fewer requests, so the whole run stays bounded.
        if number >= 5 and time.perf_counter() - began > PAGE_BUDGET_SECONDS:
            break
        url = urls[number % len(urls)]
        started = time.perf_counter()
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        page.times.append((time.perf_counter() - started) * 1000)
        page.statuses[response.status_code] = (
            page.statuses.get(response.status_code, 0) + 1
        )
        page.cache_hits += response.headers.get("X-Cache", "").upper() == "HIT"
    for url in urls[-3:]:  # the last: a list longer than the run was never asked
        timer = QueryTimer()
        with (
            CaptureQueriesContext(connection) as captured,
            connection.execute_wrapper(timer),
        ):
            client.get(url)
        page.queries.append(len(captured.captured_queries))
        page.sql_ms.append(timer.total_ms)


def verdict(value: float, target: float | None) -> str:
    if target is None:
        return ""
    return "yes" if value <= target else "NO"


def print_table(pages: list[Page]) -> None:
    hello = pages[0].p50
    print(
        f"\n{'page':<40}{'runs':>5}{'p50':>9}{'p95':>9}{'x hello':>9}{'queries':>9}"
        f"{'in SQL':>9}{'target p95':>12}  met"
    )
    for page in pages:
        queries = (
            f"{min(page.queries)}"
            if min(page.queries) == max(page.queries)
            else f"{min(page.queries)}-{max(page.queries)}"
        )
        target = f"{page.target_ms:.0f} ms" if page.target_ms else ""
        print(
            f"{page.name:<40}{len(page.times):>5}{page.p50:>7.1f}ms{page.p95:>7.1f}ms"
            f"{page.p50 / hello:>8.1f}x{queries:>9}{median(page.sql_ms):>7.1f}ms{target:>12}  "
            f"{verdict(page.p95, page.target_ms)}"
        )
    for page in pages:
        if set(page.statuses) != {200}:
            print(f"  ! {page.name}: status codes {page.statuses}")
        if page.cache_hits:
            print(
                f"  ! {page.name}: {page.cache_hits} responses were page-cache hits "
                "(X-Cache: HIT): these figures are not uncached"
            )
    by_name = {page.name: page for page in pages}
    first = by_name.get("all news, first page")
    deep = by_name.get("all news, 20 years back")
    if not (first and deep):
        return
    ratio = deep.p50 / first.p50
    print(
        f"\ndeep archive / first page (p50): {ratio:.2f}x  (target <= 2x: "
        f"{verdict(ratio, 2)})"
    )


def admin_client() -> Client:
    user, _created = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    return client


def admin_pages() -> list[Page]:
    """The admin's article list as a superuser, with the list's own filters."""
    day = timezone.localdate() - timedelta(days=10 * 365)
    first = day.replace(day=1)
    # Aware times, as the admin's own date filter writes them.
    month = urlencode(
        {
            "published_at__gte": str(local_midnight(first)),
            "published_at__lt": str(
                local_midnight((first + timedelta(days=32)).replace(day=1))
            ),
        }
    )
    changelist = "/admin/articles/article/"
    return [
        Page("admin article list", [changelist], ADMIN_TARGET_MS),
        Page(
            "admin article list, one year",
            [f"{changelist}?year={day.year}"],
            ADMIN_TARGET_MS,
        ),
        Page(
            "admin article list, one month",
            [f"{changelist}?{month}"],
            ADMIN_TARGET_MS,
        ),
        Page(
            "admin article list, page 1000", [f"{changelist}?p=1000"], ADMIN_TARGET_MS
        ),
        Page("admin article list, search", [f"{changelist}?q=flood"], ADMIN_TARGET_MS),
    ]


def measure_admin(requests: int) -> None:
    client = admin_client()
    print(
        f"\n{'admin page':<40}{'p50':>9}{'p95':>9}{'queries':>9}{'in SQL':>9}"
        f"{'target p95':>12}  met"
    )
    for page in admin_pages():
        measure(client, page, requests)
        print(
            f"{page.name:<40}{page.p50:>7.0f}ms{page.p95:>7.0f}ms"
            f"{max(page.queries):>9}{median(page.sql_ms):>7.0f}ms{page.target_ms:>9.0f} ms  "
            f"{verdict(page.p95, page.target_ms)}"
        )
        if set(page.statuses) != {200}:
            print(f"  ! {page.name}: status codes {page.statuses}")


def profile(client: Client, page: Page, order: str = "cumulative") -> None:
    """Where one page's time goes: cProfile over repeated requests."""
    for url in page.urls[:5]:
        client.get(url)
    profiler = cProfile.Profile()
    profiler.enable()
    # Past the warm-up's pages where the list is long enough: a page a process
    # has not shown yet, as the measurement reads them.
    rest = page.urls[5:] if len(page.urls) > 25 else page.urls
    for number in range(page.requests or 20):
        client.get(rest[number % len(rest)])
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats(order)
    stats.print_stats(30)
    with CaptureQueriesContext(connection) as captured:
        client.get(page.urls[0])
    for query in captured.captured_queries:
        print(f"{query['time']}s  {query['sql'][:400]}")
    if not captured.captured_queries:
        return  # the page was composed of kept parts
    slowest = max(captured.captured_queries, key=lambda query: float(query["time"]))
    print(f"\nEXPLAIN ANALYZE of the slowest query:\n{slowest['sql']}\n")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {slowest['sql']}")
        print("\n".join(row[0] for row in cursor.fetchall()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="per page")
    parser.add_argument("--only", help="comma-separated parts of page names")
    parser.add_argument("--profile", help="profile the first page whose name has this")
    parser.add_argument(
        "--order",
        default="cumulative",
        help="the profile's order: cumulative, tottime (time in the function itself)",
    )
    parser.add_argument("--no-admin", action="store_true")
    parser.add_argument(
        "--cold", action="store_true", help="keep nothing, not even the sidebar"
    )
    parser.add_argument(
        "--templates-free",
        action="store_true",
        help="every template renders nothing (bench.common.free_templates)",
    )
    args = parser.parse_args()
    if args.templates_free:
        free_templates()

    # DEBUG off means hashed static names from a manifest, as in production.
    call_command("collectstatic", interactive=False, verbosity=0)
    total = Article.objects.count()
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}: {total:,} articles; "
        f"DEBUG off; every page a page-cache miss, "
        f"{'nothing kept (cold)' if COLD else 'shared sidebar kept'}; "
        f"{'templates rendering nothing; ' if args.templates_free else ''}"
        f"{args.requests} requests per page after a warm-up"
    )
    pages = sample_urls(max(args.requests, 20))
    client = Client()
    if args.profile:
        if args.profile.startswith("admin"):
            pages, client = admin_pages(), admin_client()
        profile(client, next(p for p in pages if args.profile in p.name), args.order)
        return
    if args.only:
        wanted = args.only.split(",")
        pages = [pages[0]] + [
            p for p in pages[1:] if any(part in p.name for part in wanted)
        ]
    for page in pages:
        measure(client, page, args.requests)
        print(f"  {page.name}: p50 {page.p50:.1f} ms", file=sys.stderr, flush=True)
    print_table(pages)
    if not args.no_admin and not args.only:
        measure_admin(max(args.requests // 10, 5))


if __name__ == "__main__":
    main()
