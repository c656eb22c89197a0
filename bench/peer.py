"""Newsroom beside the Wagtail peer, in one run: the table of issue 18, ratios included.

    .venv/bin/python bench/peer.py [--articles 100000] [--seconds 15]

What it does, in order:

1. Builds the peer from ../shared/peer/ (its README): `wagtail/setup.sh` makes its
   virtualenv, its database (`bench_peer_wagtail`), N articles over 20 years, its search
   index and its URL lists, all under var/bench-peer/. Skipped when var/bench-peer says
   the same N and days were built into a database that still exists (`--rebuild` forces).
2. Fills Newsroom's own database (`bench_peer_newsroom`) with bench/generate.py at the
   same N (made afresh when it holds another number of stories).
3. Serves, on loopback, each with gunicorn and the same settings (sync workers, 4 by
   default): Newsroom rendering every page on every request with the pieces pages
   share kept (BENCH_KEEP_PAGES=0: as right after a change that touches the page),
   Newsroom keeping nothing (PAGE_CACHE_SECONDS=0), Newsroom with its page cache, the
   peer, and the peer's Django hello.
4. Finds each site's URLs for the same page groups: the peer's from its own lists
   (make_urls), Newsroom's from its data, both languages: 2,000 articles across the
   archive (40,000 for the article rendered whole, each read once), home, all news page 500 (the keyset cursor a reader reaches after 499
   "older" clicks), 300 days, up to 500 tags, a word in 0.1% of stories, a word in most
   stories; and 20 articles from Newsroom's page cache.
5. Runs wrk over every group, Newsroom then the peer, group after group in one window
   (a warm-up, then the measured run; the queue of each run is drained before the next),
   and prints the issue's table: Newsroom and peer requests/s, their ratio, Newsroom's
   p99, hello (measured first and last, the mean) and cached/hello. The row "article
   after an unrelated publish" reads each of the 2,000 articles once, publishes a
   story, then measures them rendered again (their own parts, related stories and
   calendars kept for every worker by then; the latest news changed). The parts
   earlier runs kept are dropped first. Then the desk's
   busy hour: 200 popular articles from the page cache while a story is published,
   then edited, every 5 s (--desk-interval). The table is also saved in
   var/bench-peer/. --only measures some rows.

Read ratios, not absolute figures: the load generator, the servers and PostgreSQL share
the machine's cores. Asserts nothing.
"""

import argparse
import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, setup_django
from bench.server import Server, WrkResult, collect_static, wrk
from bench.throughput import article_paths, fill_page_cache

VAR = ROOT / "var" / "bench-peer"
PEER_DB = "bench_peer_wagtail"
NEWSROOM_DB = "bench_peer_newsroom"
LANGUAGES = ("ru", "en")
# Articles for the "rendered whole" row: more than a run reads (15 s at 2,000/s).
FIRST_VIEWS = 40_000
# Rows in the order: (key of the URL list, row label). Newsroom's pages are
# rendered on every request with the pieces pages share kept (the latest news, the
# calendar: BENCH_KEEP_PAGES=0), as right after a change that touches them; the
# "nothing kept" row keeps nothing at all (PAGE_CACHE_SECONDS=0).
ROWS = [
    ("article", "article, rendered whole"),
    ("article_after_publish", "article after an unrelated publish"),
    ("article_cold", "article, rendered whole, nothing kept"),
    ("home", "home"),
    ("deep_page", "all news, page 500"),
    ("day_archive", "day archive"),
    ("tag", "tag"),
    ("search_rare", "search, a word in 0.1% of stories"),
    ("search_common", "search, a word in most stories"),
]
# Newsroom's rows measured against another of the peer's groups.
PEER_GROUP = {"article_cold": "article", "article_after_publish": "article"}
# The peer's URL lists (make_urls), by name.
PEER_GROUPS = [key for key, _label in ROWS if key not in PEER_GROUP]
DEEP_PAGE = 500
# Shaped like the peer's archive: 20 years, bodies of ~400 words, three tags a story.
ARCHIVE_SHAPE = ["--years", "20", "--body-words", "400", "--tags", "3"]
# The desk's busy hour: popular pages read while stories are published or edited.
POPULAR = 200
DESK_KINDS = ("publish", "edit")
# bench/generate.py's words: "flood" / "наводнение" in 0.1% of all stories, "новости"
# in every Russian one, each English vocabulary word in most English ones.
RARE_SEARCHES = [("ru", "наводнение"), ("en", "flood")]
COMMON_SEARCHES = [("ru", "новости"), ("en", "court")]


def fail(message: str) -> None:
    sys.exit(f"bench-peer: {message}")


def check_tools(peer: Path) -> None:
    if not shutil.which("wrk"):
        fail("wrk is not installed: apt-get update && apt-get install -y wrk")
    for needed in ("wagtail/setup.sh", "wagtail/manage.py", "hello/hellosite"):
        if not (peer / needed).exists():
            fail(
                f"the peer is not at {peer} (no {needed}); give its folder with "
                "--peer or BENCH_PEER_DIR (it lives in ../shared/peer/)"
            )


def psql(pg: str, sql: str, database: str = "postgres") -> str:
    done = subprocess.run(
        ["psql", f"{pg}/{database}", "-tAc", sql], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def database_exists(pg: str, name: str) -> bool:
    return psql(pg, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def build_peer(peer: Path, pg: str, articles: int, days: int, rebuild: bool) -> Path:
    """The peer's virtualenv, database and URL lists, per its README; the lists' folder."""
    data = VAR / "data"
    stamp = VAR / f"built-{PEER_DB}.txt"
    wanted = f"articles={articles} days={days}"
    urls = data / f"urls-{PEER_DB}"
    if (
        not rebuild
        and stamp.exists()
        and stamp.read_text().strip() == wanted
        and database_exists(pg, PEER_DB)
        and urls.is_dir()
    ):
        print(f"peer: already built ({wanted}) in {PEER_DB}", flush=True)
        return urls
    print(f"peer: building {wanted} into {PEER_DB} (setup.sh)", flush=True)
    stamp.unlink(missing_ok=True)
    started = time.monotonic()
    subprocess.run(
        ["bash", str(peer / "wagtail" / "setup.sh")],
        env={
            **os.environ,
            "N": str(articles),
            "DAYS": str(days),
            "PEER_DB_NAME": PEER_DB,
            "PEER_VENV": str(VAR / "venv"),
            "PEER_DATA": str(data),
            "PEER_MEDIA_ROOT": str(VAR / "media"),
            "PEER_STATIC_ROOT": str(VAR / "static"),
        },
        check=True,
    )
    stamp.write_text(wanted + "\n")
    print(f"peer: built in {time.monotonic() - started:,.0f} s", flush=True)
    return urls


def build_newsroom(pg: str, articles: int) -> str:
    """Newsroom's database holding exactly `articles` stories; its URL."""
    url = f"{pg}/{NEWSROOM_DB}"
    stamp = VAR / f"built-{NEWSROOM_DB}.txt"
    wanted = " ".join([f"--articles {articles}", *ARCHIVE_SHAPE])
    if (
        stamp.exists()
        and stamp.read_text().strip() == wanted
        and database_exists(pg, NEWSROOM_DB)
    ):
        print(f"newsroom: already built ({wanted}) in {NEWSROOM_DB}", flush=True)
        return url
    stamp.unlink(missing_ok=True)
    print(f"newsroom: generating {articles:,} stories into {NEWSROOM_DB}", flush=True)
    psql(pg, f"DROP DATABASE IF EXISTS {NEWSROOM_DB} WITH (FORCE)")
    psql(pg, f"CREATE DATABASE {NEWSROOM_DB}")
    if not database_exists(pg, NEWSROOM_DB):
        fail(f"could not create the database {NEWSROOM_DB} on {pg}")
    python = ROOT / ".venv" / "bin" / "python"
    environment = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    subprocess.run(
        [python, "manage.py", "migrate", "--no-input", "-v0"],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    subprocess.run(
        [python, "bench/generate.py", "--articles", str(articles), *ARCHIVE_SHAPE],
        cwd=ROOT,
        env=environment,
        check=True,
    )
    stamp.write_text(wanted + "\n")
    return url


def newsroom_groups(articles_count: int) -> dict[str, list[str]]:
    """Newsroom's URLs for each page group, from its data, both languages."""
    from django.conf import settings
    from django.utils import timezone

    from articles.models import Article, Tag
    from articles.pagination import Cursor

    rng = random.Random(7)
    published = Article.objects.published()

    def deep_page(language: str) -> str:
        # Page 500 as a reader reaches it: the "older" link of page 499 carries the
        # cursor of its last story. The last page when the archive is shorter.
        size = settings.NEWSROOM_PAGE_SIZE
        stories = published.filter(language=language).newest_first()
        page = min(DEEP_PAGE, -(-stories.count() // size))
        if page <= 1:
            return f"/{language}/news/"
        before = stories.only("pk", "published_at")[(page - 1) * size - 1]
        return f"/{language}/news/?{urlencode({'before': str(Cursor.of(before))})}"

    oldest = published.order_by("published_at").values_list("published_at", flat=True)
    first = timezone.localtime(oldest.first()).date()
    last = timezone.localtime(oldest.last()).date()
    span = max((last - first).days, 2)
    days = [first + timedelta(days=rng.randint(1, span - 1)) for _ in range(300)]
    tags = [
        f"/{language}/tags/{slug}/"
        for slug_ru, slug_en in Tag.objects.values_list("slug_ru", "slug_en")
        for language, slug in (("ru", slug_ru), ("en", slug_en))
        if slug
    ]
    rng.shuffle(tags)
    articles = article_paths(2000)
    return {
        # Each story read once in the run: its first view, its own part and related
        # stories rendered (the sidebar's pieces kept). Over 2,000 URLs the list came
        # round several times in 15 s once the page took under ~7 ms, and most answers
        # were the parts the first round kept.
        "article": article_paths(min(FIRST_VIEWS, articles_count)),
        # Pages each read once before a publish they do not show.
        "article_after_publish": articles,
        "article_cold": article_paths(2000),
        "home": [f"/{language}/" for language in LANGUAGES],
        "deep_page": [deep_page(language) for language in LANGUAGES],
        "day_archive": [
            f"/{LANGUAGES[n % 2]}/archive/{day:%Y/%m/%d}/" for n, day in enumerate(days)
        ],
        "tag": tags[:500],
        "search_rare": [
            f"/{language}/search/?{urlencode({'q': word})}"
            for language, word in RARE_SEARCHES
        ],
        "search_common": [
            f"/{language}/search/?{urlencode({'q': word})}"
            for language, word in COMMON_SEARCHES
        ],
    }


def spare_stories(popular: list[str]) -> list[int]:
    """Stories the desk publishes copies of, or edits: old ones, none popular."""
    from articles.models import Article

    shown = {int(path.strip("/").split("/")[2]) for path in popular}
    candidates = Article.objects.published().order_by("pk").values_list("pk", flat=True)
    return [pk for pk in candidates[:500] if pk not in shown][:100]


def peer_groups(urls: Path) -> dict[str, list[str]]:
    groups = {}
    for key in PEER_GROUPS:
        listing = urls / f"{key}.txt"
        if not listing.exists():
            fail(f"the peer's URL list {listing} is missing: run with --rebuild")
        groups[key] = [
            line.strip()
            for line in listing.read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
    return groups


def first_answer(server: Server, path: str) -> str:
    """Status and size of one request, as a line of the run's log."""
    try:
        with urllib.request.urlopen(server.url + path, timeout=120) as response:
            return f"HTTP {response.status}, {len(response.read()):,} bytes"
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code}"
    except OSError as error:
        return f"no answer ({error})"


def drain(server: Server, path: str) -> None:
    """Wait until the workers have served what the last run left queued.

    Sync workers go on serving requests of connections wrk already closed; one more
    request through the same listen queue completes only after them.
    """
    with contextlib.suppress(OSError):
        urllib.request.urlopen(server.url + path, timeout=300).read()
    time.sleep(0.5)


def measure(server: Server, paths: list[str], args) -> WrkResult:
    options = {
        "connections": args.connections,
        "threads": args.threads,
        "timeout": 30,
    }
    if args.warmup:
        wrk(server.url, paths, seconds=args.warmup, **options)
        drain(server, paths[0])
    result = wrk(server.url, paths, seconds=args.seconds, **options)
    drain(server, paths[0])
    return result


class Desk(threading.Thread):
    """The desk's busy hour, in this process: every `interval` seconds a story is
    published ("publish": a new one, now) or edited ("edit": an older story's body),
    each saved and committed as the admin does, so the page cache hears of it."""

    def __init__(self, kind: str, interval: float, spare: list[int]):
        super().__init__(daemon=True)
        self.kind, self.interval, self.spare = kind, interval, spare
        self.done = threading.Event()
        self.changes = 0

    def run(self):
        from django.db import connection

        while not self.done.wait(self.interval):
            self.change()
        connection.close()

    def change(self) -> None:
        from django.db import transaction
        from django.utils import timezone

        from articles.models import Article

        story = Article.objects.get(pk=self.spare[self.changes % len(self.spare)])
        with transaction.atomic():
            if self.kind == "publish":
                story.pk, story._state.adding = None, True
                story.key = uuid.uuid4()
                story.slug = f"{story.slug[:180]}-desk-{time.time_ns()}"
                story.translation_of = None
                story.published_at = timezone.now()
            else:
                story.body += f"<p>Update {self.changes}.</p>"
            story.save()
        self.changes += 1

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.join()


def read_once_then_publish(server: Server, paths: list[str], workers: int) -> None:
    """Each page read once (its parts rendered and kept for every worker), then one
    story published, as the desk does: what readers ask for next."""
    from concurrent.futures import ThreadPoolExecutor

    print(f"  reading the {len(paths):,} pages once, then publishing", flush=True)
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda path: first_answer(server, path), paths))
    Desk("publish", 0, spare_stories(paths)).change()
    time.sleep(1)  # every worker reads the log a quarter of a second apart at most


def wanted(args, row: str) -> bool:
    return not args.only or row in args.only.split(",")


def errors_of(result: WrkResult) -> int:
    return result.non_2xx_3xx + sum(
        n for status, n in result.statuses.items() if status >= 400
    )


def rps(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:,.1f}"


def ms(result: WrkResult) -> str:
    return f"{result.latency_ms.get('99%', 0):,.0f} ms"


def table(results: dict, urls: dict, args) -> str:
    # Hello first and last: the machine's load moves between the two.
    hellos = (results["hello"], results["hello, again"])
    hello_rps = sum(h.requests_per_second for h in hellos) / 2
    rows = [
        "| page group (URLs) | Newsroom req/s | Wagtail req/s | ratio | Newsroom p99 |",
        "|---|---|---|---|---|",
        f"| hello (Django floor, the peer's; first / last run) | {rps(hello_rps)} "
        f"({' / '.join(rps(h.requests_per_second) for h in hellos)}) | | "
        f"| {' / '.join(ms(h) for h in hellos)} |",
    ]
    notes = []
    for key, label in ROWS:
        if ("newsroom", key) not in results:
            continue
        ours = results[("newsroom", key)]
        theirs = results[("peer", PEER_GROUP.get(key, key))]
        count = (
            f"{len(urls['newsroom'][key]):,} / "
            f"{len(urls['peer'][PEER_GROUP.get(key, key)]):,}"
        )
        ratio = (
            f"{ours.requests_per_second / theirs.requests_per_second:.1f}x"
            if theirs.requests_per_second
            else "-"
        )
        rows.append(
            f"| {label} ({count}) | {rps(ours.requests_per_second)} "
            f"| {rps(theirs.requests_per_second)} | {ratio} | {ms(ours)} |"
        )
        for side, result in (("Newsroom", ours), ("Wagtail", theirs)):
            if errors_of(result) or result.socket_errors != "none":
                notes.append(
                    f"- {label}, {side}: {errors_of(result)} error answers, "
                    f"socket errors: {result.socket_errors}"
                )
            if result.requests < 20:
                notes.append(
                    f"- {label}, {side}: only {result.requests} requests "
                    "completed: rough figures"
                )
    if cached := results.get("cached"):
        share = cached.requests_per_second / hello_rps
        rows.append(
            f"| article from the page cache ({len(urls['cached'])}) "
            f"| {rps(cached.requests_per_second)} = {share:.0%} of hello | no cache | "
            f"| {ms(cached)} |"
        )
        hits = cached.cache.get("HIT", 0)
        if hits < cached.requests * 0.99:
            notes.append(
                f"- cached article: only {hits:,} of {cached.requests:,} answers "
                "said X-Cache: HIT"
            )
    for kind in DESK_KINDS:
        if ("desk", kind) not in results:
            continue
        busy = results[("desk", kind)]
        rows.append(
            f"| {POPULAR} popular articles from the page cache while a story is "
            f"{kind}ed every {args.desk_interval:g} s "
            f"({results[('desk changes', kind)]} {kind}s; "
            f"{busy.cache.get('HIT', 0) / max(busy.requests, 1):.0%} hits) "
            f"| {rps(busy.requests_per_second)} = "
            f"{busy.requests_per_second / hello_rps:.0%} of hello | | "
            f"| {ms(busy)} |"
        )
    header = (
        f"{args.articles:,} articles each side; gunicorn, {args.workers} sync workers "
        f"each; wrk {args.seconds} s per group after a {args.warmup} s warm-up, "
        f"{args.connections} connections, {args.threads} threads; "
        f"{os.cpu_count()} cores shared by the load, the servers and PostgreSQL. "
        "URLs: Newsroom / peer."
        + (" Newsroom's templates rendering nothing." if args.templates_free else "")
    )
    return "\n".join([header, "", *rows, *(["", *notes] if notes else [])])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles",
        type=int,
        default=int(os.environ.get("BENCH_PEER_ARTICLES", "100000")),
    )
    parser.add_argument(
        "--days", type=int, default=7300, help="the peer's date span (20 years)"
    )
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--peer",
        type=Path,
        default=Path(os.environ.get("BENCH_PEER_DIR") or ROOT.parent / "shared/peer"),
    )
    parser.add_argument(
        "--pg",
        default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the peer's data again"
    )
    parser.add_argument(
        "--only",
        help="comma-separated rows to measure: "
        + ", ".join([key for key, _label in ROWS] + ["cached", "desk"]),
    )
    parser.add_argument(
        "--templates-free",
        action="store_true",
        help="Newsroom's templates render nothing (bench.common.free_templates): "
        "the ratios no faster template engine could pass",
    )
    parser.add_argument(
        "--desk-interval",
        type=float,
        default=5.0,
        help="seconds between the desk's publishes (or edits) in the busy-hour rows",
    )
    args = parser.parse_args()
    peer = args.peer.resolve()
    check_tools(peer)
    VAR.mkdir(parents=True, exist_ok=True)

    peer_urls = peer_groups(
        build_peer(peer, args.pg, args.articles, args.days, args.rebuild)
    )
    database_url = build_newsroom(args.pg, args.articles)
    os.environ["DATABASE_URL"] = database_url
    setup_django()
    urls = {
        "newsroom": newsroom_groups(args.articles),
        "peer": peer_urls,
    }
    urls["cached"] = urls["newsroom"]["article"][:20]
    # What earlier runs kept for every process is not this run's.
    from django.core.cache import caches

    caches["kept"].clear()

    static_root = tempfile.mkdtemp(prefix="newsroom-static-")
    collect_static(static_root)
    newsroom_env = {"BENCH_STATIC_ROOT": static_root}
    if args.templates_free:
        newsroom_env["BENCH_TEMPLATES_FREE"] = "1"
    peer_bin = VAR / "venv" / "bin"
    peer_env = {
        **os.environ,
        "PEER_DB_NAME": PEER_DB,
        "PEER_MEDIA_ROOT": str(VAR / "media"),
        "PEER_STATIC_ROOT": str(VAR / "static"),
    }
    common = {"gunicorn": peer_bin / "gunicorn", "timeout": 120}
    with (
        Server(
            args.workers,
            PAGE_CACHE_SECONDS="600",
            BENCH_KEEP_PAGES="0",
            timeout=120,
            **newsroom_env,
        ) as afresh,
        Server(
            args.workers, PAGE_CACHE_SECONDS="0", timeout=120, **newsroom_env
        ) as cold,
        Server(args.workers, PAGE_CACHE_SECONDS="600", **newsroom_env) as cached,
        Server(
            args.workers,
            app="peersite.wsgi:application",
            chdir=peer / "wagtail",
            environment={**peer_env, "DJANGO_SETTINGS_MODULE": "peersite.settings"},
            **common,
        ) as wagtail,
        Server(
            args.workers,
            app="hellosite.wsgi:application",
            chdir=peer / "hello",
            environment={**peer_env, "DJANGO_SETTINGS_MODULE": "hellosite.settings"},
            **common,
        ) as hello,
    ):
        for server in (afresh, cold, cached):
            server.wait_ready()
        for server in (wagtail, hello):
            server.wait_ready("/")
        print(
            f"\nNewsroom {afresh.url} (pages composed afresh), {cold.url} (nothing "
            f"kept), {cached.url} (page cache); "
            f"Wagtail {wagtail.url}; hello {hello.url}",
            flush=True,
        )
        results = {}
        print("hello: measuring", flush=True)
        results["hello"] = measure(hello, ["/"], args)
        for key, label in ROWS:
            if not wanted(args, key):
                continue
            runs = {
                "newsroom": (afresh, key),
                "peer": (wagtail, PEER_GROUP.get(key, key)),
            }
            if key == "article_cold":
                runs["newsroom"] = (cold, key)
            for side, (server, group) in runs.items():
                if (side, group) in results:
                    continue
                paths = urls[side][group]
                print(
                    f"{label}, {side}: {len(paths):,} URLs, e.g. {paths[0]} -> "
                    f"{first_answer(server, paths[0])}",
                    flush=True,
                )
                if key == "article_after_publish" and side == "newsroom":
                    read_once_then_publish(server, paths, args.workers)
                results[(side, group)] = measure(server, paths, args)
        if wanted(args, "cached"):
            print("article from the page cache: filling every worker's", flush=True)
            for path in urls["cached"]:
                fill_page_cache(cached, path, args.workers)
            results["cached"] = measure(cached, urls["cached"], args)
        if wanted(args, "desk"):
            popular = urls["newsroom"]["article"][:POPULAR]
            spare = spare_stories(popular)
            print(f"{POPULAR} popular articles: filling every worker's", flush=True)
            for path in popular:
                fill_page_cache(cached, path, args.workers)
            for kind in DESK_KINDS:
                print(f"popular articles while a story is {kind}ed", flush=True)
                with Desk(kind, args.desk_interval, spare) as desk:
                    results[("desk", kind)] = measure(cached, popular, args)
                results[("desk changes", kind)] = desk.changes
        print("hello: measuring again", flush=True)
        results["hello, again"] = measure(hello, ["/"], args)
    report = table(results, urls, args)
    saved = VAR / f"results-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.md"
    saved.write_text(report + "\n")
    print(f"\n{report}\n\n(saved in {saved.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
