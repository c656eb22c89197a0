"""Load and fault soak: a mix of public pages under load, with PostgreSQL restarted once.

    .venv/bin/python bench/soak.py [--seconds 60] [--connections 64]
                                   [--fault restart|terminate|none] [--fault-at 20]

Starts gunicorn on loopback against the bench database (DEBUG off, sync workers one
per core) and loads it with wrk, rotating over home pages, articles, day archives,
tags, searches and feeds. At --fault-at seconds it injects one fault:

- restart: restarts the PostgreSQL cluster (every connection breaks, and for a moment
  no new one is accepted);
- terminate: ends only this server's database connections (pg_terminate_backend),
  harmless to anyone else using the cluster;
- none: load only.

Then it polls the site until a page that needs the database answers 200, counts
responses per status before the fault, during the outage and after recovery, and
shows the workers' memory before and after. After recovery no request should fail:
persistent connections are health-checked (conn_health_checks), so each worker
replaces its broken connection by itself.

The page cache is as in production (PAGE_CACHE_SECONDS, 600 s) unless
SOAK_PAGE_CACHE_SECONDS says otherwise (0: every request needs the database). A
restart breaks everyone's running tests: before restarting, the script waits until no
pytest process runs (polling every 10 s, up to 15 minutes).
"""

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DATABASE_URL, setup_django
from bench.server import Server, collect_static, wrk

TESTS_WAIT_SECONDS = 15 * 60
# Names this server's database sessions, so `terminate` ends only those.
APPLICATION_NAME = "newsroom-soak"
RECOVERY_POLL_SECONDS = 60


def public_paths() -> list[str]:
    """A mix of the pages readers ask for, weighted towards articles."""
    setup_django()
    from django.utils import timezone

    from articles.models import Article, Tag

    rng = random.Random(12)
    published = Article.objects.published()
    high = published.order_by("-pk").values_list("pk", flat=True).first()
    articles = published.filter(pk__in=rng.sample(range(1, high + 1), 1200))
    tags = list(Tag.objects.exclude(slug_en="").values_list("slug_en", flat=True)[:50])
    today = timezone.localdate()
    paths = [a.get_absolute_url() for a in articles.only("pk", "slug", "language")]
    for number in range(300):
        language = ("ru", "en")[number % 2]
        day = today - timezone.timedelta(days=rng.randint(0, 20 * 365))
        paths += [
            f"/{language}/",
            f"/{language}/archive/{day:%Y/%m/%d}/",
            f"/{language}/tags/{rng.choice(tags)}/",
        ]
        if number % 3 == 0:
            paths.append(f"/{language}/feeds/rss/")
        if number % 5 == 0:
            word = rng.choice(["наводнение", "суд", "flood", "court", "earthquake"])
            paths.append(f"/{language}/search/?q={quote(word)}")
    rng.shuffle(paths)
    return paths


def tests_running() -> bool:
    return (
        subprocess.run(["pgrep", "-f", "pytest"], capture_output=True).returncode == 0
    )


def wait_for_no_tests() -> bool:
    """Wait, polling every 10 s, until no test run is going; False after 15 minutes."""
    deadline = time.monotonic() + TESTS_WAIT_SECONDS
    while tests_running():
        if time.monotonic() > deadline:
            return False
        print("pytest is running; waiting before restarting PostgreSQL", flush=True)
        time.sleep(10)
    return True


def postgres_cluster() -> tuple[str, str]:
    """Version and name of the cluster listening on port 5432."""
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True
    )
    for line in listing.stdout.splitlines():
        version, name, port, *_rest = line.split()
        if port == "5432":
            return version, name
    raise RuntimeError("no PostgreSQL cluster on port 5432")


def restart_postgres() -> None:
    version, cluster = postgres_cluster()
    print(
        f"restarting PostgreSQL {version}/{cluster} at {time.strftime('%X')}",
        flush=True,
    )
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"],
        check=True,
    )


def terminate_connections() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = %s",
            [APPLICATION_NAME],
        )
        print(f"terminated {cursor.fetchone()[0]} database connections", flush=True)


class RecoveryWatch(threading.Thread):
    """Polls a page that needs the database until it answers 200."""

    def __init__(self, server: Server):
        super().__init__(daemon=True)
        self.server = server
        self.recovered_at: float | None = None
        self.failures: dict[str, int] = {}

    def run(self):
        started = time.time()
        while time.time() - started < RECOVERY_POLL_SECONDS:
            # A new query string each time: never a page-cache hit.
            path = f"/ru/archive/2015/06/15/?poll={time.time()}"
            try:
                status = self.server.get(path, timeout=10)[0]
            except OSError as error:
                status = type(error).__name__
            if status == 200:
                self.recovered_at = time.time()
                return
            self.failures[str(status)] = self.failures.get(str(status), 0) + 1
            time.sleep(0.1)


def inject(fault: str, server: Server) -> dict:
    """The fault, then the wait until the site answers again; the moments of each."""
    began = time.time()
    if fault == "restart":
        restart_postgres()
    else:
        terminate_connections()
    database_back = time.time()
    # From the moment the database is back: the site cannot answer before.
    watch = RecoveryWatch(server)
    watch.start()
    watch.join()
    return {
        "began": began,
        "database_back": database_back,
        "recovered_at": watch.recovered_at,
        "poll_failures": watch.failures,
    }


def with_application_name(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}application_name={APPLICATION_NAME}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--fault", choices=["restart", "terminate", "none"], default="restart"
    )
    parser.add_argument(
        "--fault-at", type=int, default=20, help="seconds into the load"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()

    static_root = tempfile.mkdtemp(prefix="newsroom-static-")
    collect_static(static_root)
    paths = public_paths()
    cache_seconds = os.environ.get("SOAK_PAGE_CACHE_SECONDS", "600")
    if args.fault == "restart" and not wait_for_no_tests():
        sys.exit("Tests kept running for 15 minutes; not restarting PostgreSQL.")
    database_url = os.environ.get("DATABASE_URL") or BENCH_DATABASE_URL
    with Server(
        args.workers,
        BENCH_STATIC_ROOT=static_root,
        PAGE_CACHE_SECONDS=cache_seconds,
        DATABASE_URL=with_application_name(database_url),
    ) as server:
        server.wait_ready()
        for path in paths[:50]:  # warm every worker's templates and connection
            server.get(path, timeout=60)
        memory_before = server.worker_rss_mib()
        print(
            f"soak: {len(paths):,} URLs, {args.connections} connections, "
            f"{args.seconds} s, {args.workers} sync workers, page cache "
            f"{cache_seconds} s, fault: {args.fault} at {args.fault_at} s; "
            f"worker RSS {fmt_mib(memory_before)}",
            flush=True,
        )
        outcome: dict = {}
        load = threading.Thread(
            target=lambda: outcome.update(
                result=wrk(
                    server.url,
                    paths,
                    connections=args.connections,
                    threads=2,
                    seconds=args.seconds,
                )
            )
        )
        started = time.time()
        load.start()
        fault = None
        if args.fault != "none":
            time.sleep(args.fault_at)
            if args.fault == "restart" and tests_running():
                print("WARNING: pytest started meanwhile: PostgreSQL not restarted")
            else:
                fault = inject(args.fault, server)
        load.join()
        memory_after = server.worker_rss_mib()
        log = server.log.read_text(errors="replace")
    report(outcome["result"], started, fault, memory_before, memory_after, log)


def window_counts(per_second: dict, start: float, end: float) -> dict[str, int]:
    counts = {"2xx/3xx": 0, "4xx": 0, "5xx": 0}
    for second, statuses in per_second.items():
        if start <= second < end:
            for status, count in statuses.items():
                kind = "5xx" if status >= 500 else "4xx" if status >= 400 else "2xx/3xx"
                counts[kind] += count
    return counts


def fmt_mib(sizes: list[float]) -> str:
    return ", ".join(f"{size:.0f} MiB" for size in sizes)


def report(result, started, fault, memory_before, memory_after, log):
    print(
        f"\n{result.requests:,} requests, {result.requests_per_second:,.0f}/s; "
        f"latency p50 {result.latency_ms.get('50%', 0):.0f} ms, "
        f"p99 {result.latency_ms.get('99%', 0):.0f} ms"
    )
    print(f"statuses: {dict(sorted(result.statuses.items()))}")
    cache = ", ".join(f"{key} {n:,}" for key, n in sorted(result.cache.items()))
    print(f"page cache: {cache or 'no X-Cache headers'}")
    print(
        f"wrk: non-2xx/3xx {result.non_2xx_3xx}; socket errors: {result.socket_errors}"
    )
    if fault:
        recovered = fault["recovered_at"]
        print(
            f"\nfault at {fault['began'] - started:.1f} s into the run; database back "
            f"{fault['database_back'] - fault['began']:.1f} s later"
        )
        if recovered is None:
            print(
                f"SITE DID NOT RECOVER within {RECOVERY_POLL_SECONDS} s of the "
                "database coming back"
            )
            recovered = float("inf")
        else:
            print(
                f"site answered 200 again {recovered - fault['database_back']:.2f} s "
                f"after the database was back ({recovered - fault['began']:.1f} s "
                "after the fault)"
            )
        if fault["poll_failures"]:
            print(f"recovery polls that failed first: {fault['poll_failures']}")
        # wrk counts by whole seconds: the seconds holding the edges count as "during".
        windows = {
            "before the fault": (0, int(fault["began"])),
            "during the outage": (int(fault["began"]), int(recovered) + 1),
            "after recovery": (int(recovered) + 1, float("inf")),
        }
        print(f"\n{'window':<22}{'2xx/3xx':>10}{'4xx':>8}{'5xx':>8}")
        for name, (start, end) in windows.items():
            counts = window_counts(result.per_second, start, end)
            print(
                f"{name:<22}{counts['2xx/3xx']:>10,}{counts['4xx']:>8}{counts['5xx']:>8}"
            )
        print("\nper second around the fault (second of the run: statuses):")
        last = min(recovered, fault["began"] + RECOVERY_POLL_SECONDS) + 3
        for second in sorted(result.per_second):
            if fault["began"] - 3 <= second <= last:
                statuses = dict(sorted(result.per_second[second].items()))
                print(f"  {second - int(started):5d} s: {statuses}")
    else:
        print(f"\nno fault: {window_counts(result.per_second, 0, float('inf'))}")
    print(
        f"\nworker RSS before: {fmt_mib(memory_before)}; after: {fmt_mib(memory_after)}"
    )
    errors = [line.strip()[:160] for line in log.splitlines() if "rror" in line]
    if errors:
        kinds: dict[str, int] = {}
        for line in errors:
            kinds[line] = kinds.get(line, 0) + 1
        print(f"\ngunicorn log: {len(errors)} error lines; most frequent:")
        for line, count in sorted(kinds.items(), key=lambda item: -item[1])[:8]:
            print(f"  {count:>5}  {line}")


if __name__ == "__main__":
    main()
