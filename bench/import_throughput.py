"""Import and export throughput on lines shaped like a real archive.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench_import \
        .venv/bin/python bench/import_throughput.py [N] [--photos M]
            [--photo-size WxH] [--profile]

Writes N lines (default 100,000) shaped like the agency's archive: bodies of ~410
words, one or two bylines as objects, three tags, a quarter of the English lines
translating a Russian one, 1% with a correction. Imports them into an empty
database, then exports them, and prints lines per second for each and the peak RSS
of each step (the import measured in a process of its own). With --photos M, M more
lines each with a photo of their own (a 1600x1000 JPEG unless --photo-size says
otherwise, renditions included) are imported after them. Runs with DEBUG off, as in production. Imports into the
configured database (newsroom_bench_import if DATABASE_URL is unset), emptied
first: a scratch one, not one you care about. Prints figures; asserts nothing.
Targets (issue 19): import 3,000 lines/s, peak memory under 200 MB, photo lines 200/s,
export 10,000 lines/s.
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DATABASE_URL, setup_django

DATABASE_URL = os.environ.get("DATABASE_URL") or BENCH_DATABASE_URL + "_import"
setup_django(DATABASE_URL=DATABASE_URL)

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

REGIONS = ["Dagestan", "Chechnya", "Ingushetia", "Kabardino-Balkaria", "Adygea"]
AUTHORS = [
    {"name": f"Bench Author{n}", "name_ru": f"Автор Номер{n}"} for n in range(200)
]
WORDS = [
    "власти",
    "района",
    "сообщили",
    "что",
    "вода",
    "поднялась",
    "ночью",
    "жители",
    "сёл",
    "собрались",
    "у",
    "плотины",
    "спасатели",
    "работали",
    "до",
    "утра",
    "глава",
    "республики",
    "пообещал",
    "помощь",
]


def realistic_line(number: int, rng: random.Random) -> dict:
    """Every fourth line is English; half of those translate the Russian line before."""
    language = "en" if number % 4 == 3 else "ru"
    body = "".join(
        "<p>" + " ".join(rng.choices(WORDS, k=41)) + ".</p>" for _ in range(10)
    )
    line = {
        "id": f"bench-{number}",
        "language": language,
        "headline": f"Bench story {number}: " + " ".join(rng.choices(WORDS, k=6)),
        "lead": " ".join(rng.choices(WORDS, k=25)) + ".",
        "body": body,
        "published_at": f"20{number % 20 + 5:02d}-0{number % 9 + 1}-1{number % 9}"
        f"T{number % 24:02d}:{number % 60:02d}:00+03:00",
        "authors": rng.sample(AUTHORS, k=1 + number % 2),
        "region": REGIONS[number % len(REGIONS)],
        "tags": [f"tag{rng.randrange(500)}" for _ in range(3)],
    }
    if language == "en" and number % 8 == 7:
        line["translation_of"] = f"bench-{number - 1}"
    if number % 100 == 0:
        line["corrections"] = [
            {"at": "2026-01-10T10:00:00+03:00", "text": "Corrected.", "kind": "update"}
        ]
    return line


def write_lines(
    path: Path, numbers: range, photo_size: tuple[int, int] | None = None
) -> None:
    rng = random.Random(19)
    image = None
    if with_photos := photo_size is not None:
        from tests.photos.images import photo_bytes

        image = photo_bytes(size=photo_size)
        (path.parent / "photos").mkdir()
    with path.open("w", encoding="utf-8") as out:
        for number in numbers:
            line = realistic_line(number, rng)
            if with_photos:
                file = f"photos/{number}.jpg"
                (path.parent / file).write_bytes(image)
                line["photo"] = {
                    "file": file,
                    "caption": "A bench photo",
                    "credit": {"form": "photo_agency", "text": "Bench"},
                }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def run_measured(step: str, *arguments: str) -> tuple[float, float]:
    """This script's `step` in a process of its own: seconds and peak RSS (MiB)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, __file__, "--step", step, *arguments],
        check=True,
        env={**os.environ, "DATABASE_URL": DATABASE_URL},
    )
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, peak


def step(name: str, path: str, profile: bool) -> None:
    """One measured step, run by run_measured in a fresh process."""
    command = {"import": "import_articles", "export": "export_articles"}[name]
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
    call_command(command, path, stdout=io.StringIO())
    if profile:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, nargs="?", default=100_000)
    parser.add_argument("--photos", type=int, default=0)
    parser.add_argument(
        "--photo-size",
        default="1600x1000",
        type=lambda text: tuple(int(side) for side in text.split("x", 1)),
        help="the photos' width x height (a camera's: 4000x2667)",
    )
    parser.add_argument("--profile", action="store_true", help="profile the import")
    parser.add_argument("--step", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step(args.step, args.path, args.profile)
        return

    # A database made just now has no tables yet; one used before is emptied.
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    profile = ["--profile"] if args.profile else []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        path = folder / "bench.jsonl"
        write_lines(path, range(args.count))
        print(
            f"{connection.vendor}: importing {args.count:,} lines without photos "
            f"({path.stat().st_size / 2**20:,.0f} MB)"
        )
        elapsed, peak = run_measured("import", "--path", str(path), *profile)
        print(
            f"import: {args.count / elapsed:,.0f} lines/s ({elapsed:.1f} s, the "
            f"process's start included); peak RSS {peak:,.0f} MiB"
        )
        if args.photos:
            (folder / "with-photos").mkdir()
            path = folder / "with-photos" / "bench.jsonl"
            numbers = range(args.count, args.count + args.photos)
            write_lines(path, numbers, photo_size=args.photo_size)
            elapsed, peak = run_measured("import", "--path", str(path), *profile)
            width, height = args.photo_size
            print(
                f"import of {args.photos:,} lines with a photo each ({width}x{height}): "
                f"{args.photos / elapsed:,.1f} lines/s ({elapsed:.1f} s); "
                f"peak RSS so far {peak:,.0f} MiB"
            )
        total = args.count + args.photos
        exported = folder / "export" / "out.jsonl"
        exported.parent.mkdir()
        elapsed, peak = run_measured("export", "--path", str(exported))
        print(
            f"export of {total:,} lines: {total / elapsed:,.0f} lines/s "
            f"({elapsed:.1f} s); peak RSS so far {peak:,.0f} MiB"
        )
    print(
        "targets: import 3,000 lines/s (photo lines 200/s), peak memory under 200 MB, "
        "export 10,000 lines/s"
    )


if __name__ == "__main__":
    main()
