"""Import throughput: N synthetic archive lines (no photos) through import_articles.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_import \
        .venv/bin/python bench/import_throughput.py [N]

Writes N lines (default 100,000) to a temporary folder, imports them, and prints
lines per second and the process's peak RSS. The target is 2,000 articles/s on
PostgreSQL; it prints what it measures and never asserts. Runs with DEBUG off, as in
production (DEBUG keeps every query in memory). Imports into the configured database
(newsroom_bench_import if DATABASE_URL is unset): a scratch one, not one you care about.
"""

import io
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DATABASE_URL, setup_django

setup_django(
    DATABASE_URL=os.environ.get("DATABASE_URL") or BENCH_DATABASE_URL + "_import"
)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

REGIONS = ["Dagestan", "Chechnya", "Ingushetia", "Kabardino-Balkaria", "Adygea"]
AUTHORS = [f"Bench Author{n}" for n in range(200)]


def synthetic_line(number: int) -> str:
    language = "ru" if number % 2 else "en"
    return json.dumps(
        {
            "id": f"bench-{number // 2}",
            "language": language,
            # Every other line translates the line before it.
            "translation_of": f"bench-{number // 2}" if language == "en" else None,
            "headline": f"Bench story {number}",
            "lead": "A lead of moderate length for the benchmark story.",
            "body": "<p>Paragraph.</p>" * 20,
            "published_at": f"2020-01-01T{number % 24:02d}:00:00+03:00",
            "authors": [AUTHORS[number % len(AUTHORS)]],
            "region": REGIONS[number % len(REGIONS)],
            "tags": [f"tag{number % 50}"],
        },
        ensure_ascii=False,
    )


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for number in range(count):
                out.write(synthetic_line(number) + "\n")
        print(
            f"{connection.vendor}: importing {count:,} lines ({path.stat().st_size:,} bytes)"
        )
        started = time.perf_counter()
        call_command("import_articles", str(path), stdout=io.StringIO())
        elapsed = time.perf_counter() - started
    # ru_maxrss is in KiB on Linux.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{count / elapsed:,.0f} lines/s ({elapsed:.1f} s); peak RSS {peak:,.0f} MiB")
    print("target: 2,000 articles/s on PostgreSQL, memory flat")


if __name__ == "__main__":
    main()
