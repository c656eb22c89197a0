"""The mirror for blocked readers: a full build, then an incremental run after one
publish (target: under 10 s), on the bench database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
        .venv/bin/python bench/mirror.py [--dir var/bench-mirror] [--publishes 3] [--reuse]

- full: `build_mirror` of every published story into an empty folder: seconds
  (the whole run, its state file saved), pages rendered, files, megabytes, pages a
  second;
- incremental: a story published through the workflow (an editor's click), then
  `build_mirror` again, --publishes times: seconds, pages rendered, files written;
- nothing changed: a run with nothing to do (the floor: listing the site and
  comparing it with the state file).

The stories it publishes stay (withdrawn afterwards); the folder is removed first
and kept afterwards for a look. It prints figures and never asserts a time.
"""

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, bench_editor, median, setup_django

setup_django(MIRROR_BASE_URL="https://mirror.example.org/")

from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles import workflow  # noqa: E402
from articles.models import Article  # noqa: E402
from mirror.build import build_mirror  # noqa: E402


def line(name: str, report) -> None:
    figures = report.figures()
    print(
        f"{name:<14} {figures['seconds']:>8.1f} s  rendered {figures['rendered']:>7,}"
        f"  written {figures['written']:>7,}  files {figures['files']:>8,}"
        f"  {figures['bytes'] / 2**20:>8.1f} MB  ("
        + ", ".join(f"{step} {sec:.1f} s" for step, sec in report.run.timings.items())
        + ")"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench-mirror"))
    parser.add_argument("--publishes", type=int, default=3)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="bring the mirror already in --dir up to date instead of building it "
        "afresh (a full mirror of 100,000 stories takes 25 minutes to an hour)",
    )
    options = parser.parse_args()
    folder = Path(options.dir)
    if not options.reuse:
        shutil.rmtree(folder, ignore_errors=True)
    call_command("collectstatic", interactive=False, verbosity=0)

    stories = Article.objects.published().count()
    print(f"{stories:,} published stories")
    first = build_mirror(folder)
    line("full" if first.run.full else "catching up", first)
    if first.run.full:
        print(f"{'':<14} {first.run.rendered / first.run.seconds:>8.1f} pages/s")

    desk, times, published = bench_editor(), [], []
    for number in range(options.publishes):
        story = Article.objects.create(
            language="en",
            headline=f"Bench mirror story {number} {time.time()}",
            lead="A lead.",
            body="<p>A body for the mirror's benchmark.</p>",
            status=Article.Status.SUBMITTED,
        )
        workflow.publish(story, desk)
        published.append(story)
        report = build_mirror(folder)
        line("after publish", report)
        times.append(report.run.seconds)
    if times:
        print(f"{'':<14} median {median(times):.1f} s (target: under 10 s)")
    line("nothing new", build_mirror(folder))

    for story in published:
        workflow.withdraw(story, desk, "Benchmark story.")
    line("withdrawn", build_mirror(folder))
    print(f"at {timezone.now():%Y-%m-%d %H:%M}, mirror in {folder}")


if __name__ == "__main__":
    main()
