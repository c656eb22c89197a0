"""From a story's scheduled time to its go-live event, with a real worker running.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
        .venv/bin/python bench/go_live_latency.py [--stories 10]

Starts `manage.py work` (the database's queue and its clock) as production would,
schedules stories a few seconds ahead one after another, and measures for each the
time from its publication time to the moment its event was announced (target: under
5 s). The stories and their events are deleted afterwards. It never asserts a time.
"""

import argparse
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, median, production_environment, setup_django

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.roles import EDITOR  # noqa: E402
from articles import workflow  # noqa: E402
from articles.models import Article, GoLive  # noqa: E402

LEAD = timedelta(seconds=3)  # how far ahead each story is scheduled


def scheduled_story(number: int, editor) -> Article:
    """Filed, then scheduled by an editor through the workflow, as the desk does."""
    story = Article.objects.create(
        language="en",
        headline=f"Go-live bench story {number}",
        lead="A story scheduled by the benchmark.",
        body="<p>Scheduled by the go-live benchmark of the newsroom.</p>",
        status=Article.Status.SUBMITTED,
    )
    with transaction.atomic():
        workflow.schedule(story, editor, timezone.now() + LEAD)
    story.refresh_from_db()
    return story


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=10)
    options = parser.parse_args()
    editor, _created = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    editor.groups.add(Group.objects.get(name=EDITOR))
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "work"],
        cwd=ROOT,
        env=production_environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    stories = []
    latencies = []
    try:
        time.sleep(3)  # the worker starts
        for number in range(options.stories):
            story = scheduled_story(number, editor)
            stories.append(story)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                event = GoLive.objects.filter(
                    article=story, announced_at__isnull=False
                ).first()
                if event is not None:
                    latency = (event.announced_at - story.published_at).total_seconds()
                    latencies.append(latency)
                    print(f"story {number + 1}: event {latency:.2f} s after its time")
                    break
                time.sleep(0.05)
            else:
                print(f"story {number + 1}: no event within 60 s")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        Article.objects.filter(pk__in=[story.pk for story in stories]).delete()
    if latencies:
        print(
            f"\n{len(latencies)} go-lives: min {min(latencies):.2f} s, median "
            f"{median(latencies):.2f} s, max {max(latencies):.2f} s (target: under 5 s)"
        )


if __name__ == "__main__":
    main()
