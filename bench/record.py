"""The publication record's costs: on a publish, on a label change, on verification.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
        .venv/bin/python bench/record.py [--publishes 50] [--sweep 20000] [--entries 1000000]

- append: the median time of the publish step with the record on and with it off
  (target: the record adds under 5 ms);
- sweep: the worker recording every live story again after a label change, as
  `record_live_stories` does, over --sweep stories (stories/s; the label's save
  itself only queues this work, tests/record);
- verify: `manage.py verify_record` over --entries entries (synthetic ones are added,
  chained as the application chains them, until the record holds that many).

The stories it publishes are deleted afterwards; entries cannot be (the record is
append-only): run it on the bench database only. It never asserts a time.
"""

import argparse
import json
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_editor, median, setup_django

setup_django()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models.signals import post_save  # noqa: E402
from django.utils import timezone  # noqa: E402

from articles import go_live, workflow  # noqa: E402
from articles.models import Article  # noqa: E402
from record import chain  # noqa: E402
from record import material as materials  # noqa: E402
from record import signals as record_signals  # noqa: E402
from record.models import Entry, Head, Text  # noqa: E402


def publish_time(number: int, desk) -> float:
    story = Article.objects.create(
        language="en",
        headline=f"Record bench story {number}",
        lead="A story published by the record benchmark.",
        body="<p>"
        + "Published by the record benchmark of the newsroom. " * 40
        + "</p>",
        status=Article.Status.SUBMITTED,
    )
    started = time.perf_counter()
    with transaction.atomic():
        workflow.publish(story, desk)
    return (time.perf_counter() - started) * 1000


@contextmanager
def record_off():
    """Neither the step's entry nor the one an edit would write."""
    go_live.event_happened.disconnect(dispatch_uid="record")
    post_save.disconnect(sender=Article, dispatch_uid="record")
    try:
        yield
    finally:
        go_live.event_happened.connect(
            record_signals.event_happened, dispatch_uid="record"
        )
        post_save.connect(
            record_signals.story_saved, sender=Article, dispatch_uid="record"
        )


def append_cost(count: int) -> None:
    """Publishes with the record and without it in turn, so that a noisy machine
    weighs on both alike; the difference of the medians, and the median of the
    differences of each pair."""
    desk = bench_editor()
    for number in range(5):  # warm up
        publish_time(number, desk)
    with_record, without = [], []
    for number in range(count):
        with_record.append(publish_time(number, desk))
        with record_off():
            without.append(publish_time(number, desk))
    Article.objects.filter(headline__startswith="Record bench story").exclude(
        record__isnull=False
    ).delete()
    pairs = [on - off for on, off in zip(with_record, without, strict=True)]
    print(
        f"append: publish median {median(with_record):.1f} ms with the record, "
        f"{median(without):.1f} ms without: the record adds "
        f"{median(with_record) - median(without):.1f} ms (median of the pairs' "
        f"differences {median(pairs):.1f} ms; {count} publishes each, in turn)"
    )


def sweep_cost(limit: int) -> None:
    live = Article.objects.published()
    last_pk = live.order_by("pk").values_list("pk", flat=True)[limit - 1 : limit]
    stories = live.filter(pk__lte=last_pk[0]) if last_pk else live
    count = stories.count()
    started = time.perf_counter()
    after, recorded = 0, Entry.objects.count()
    while after is not None:
        after = chain.record_stories(stories, Entry.Event.LABELS, after)
    seconds = time.perf_counter() - started
    recorded = Entry.objects.count() - recorded
    print(
        f"sweep: {count} live stories read, {recorded} recorded in {seconds:.1f} s: "
        f"{count / seconds:.0f} stories/s (a million in {1_000_000 / (count / seconds) / 60:.0f} min of worker time)"
    )


def fill_to(entries: int) -> None:
    """Synthetic entries, chained as the application chains them, in batches."""
    have = Entry.objects.count()
    if have >= entries:
        return
    story = Article.objects.published().order_by("pk").first()
    started = time.perf_counter()
    batch = 5000
    for first in range(have, entries, batch):
        with transaction.atomic():
            head = Head.objects.select_for_update().get_or_create(pk=1)[0]
            version = (
                Entry.objects.filter(article=story)
                .order_by("-version")
                .values_list("version", flat=True)
                .first()
                or 0
            )
            changes = []
            for number in range(first, min(first + batch, entries)):
                value = synthetic_material(number)
                # As the story's last entry would stand: its version only.
                last = SimpleNamespace(version=version)
                version += 1
                changes.append(
                    (
                        story,
                        Entry.Event.UPDATED,
                        timezone.now(),
                        value,
                        materials.digest(value),
                        last,
                    )
                )
            chain.append(head, changes)
        done = min(first + batch, entries)
        print(f"  filled {done} of {entries} entries", end="\r", flush=True)
    print(
        f"\nfill: {entries - have} synthetic entries in {time.perf_counter() - started:.0f} s"
    )


def synthetic_material(number: int) -> dict:
    """A story's material of the usual size (~2,800 characters of body)."""
    key = str(uuid.UUID(int=number))
    return {
        "story": key,
        "language": "ru",
        "address": f"/ru/news/{number}/bench/",
        "state": "live",
        "published_at": "2026-01-01T00:00:00Z",
        "headline": f"Новость номер {number}",
        "lead": f"Вводка новости {number}.",
        "body": "<p>" + f"Текст новости {number}. " * 140 + "</p>",
        "footnotes": [],
        "labels": ["ДАННОЕ СООБЩЕНИЕ (МАТЕРИАЛ) СОЗДАНО ИНОСТРАННЫМ АГЕНТОМ"],
        "byline": ["Bench"],
        "source": "",
        "corrections": [],
        "original": None,
        "photos": [],
    }


def verify_cost() -> None:
    count = Entry.objects.count()
    texts = Text.objects.count()
    started = time.perf_counter()
    call_command("verify_record")
    seconds = time.perf_counter() - started
    print(
        f"verify: {count} entries ({texts} texts) in {seconds:.0f} s "
        f"({count / seconds:.0f} entries/s) on {connection.vendor}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--publishes", type=int, default=50)
    parser.add_argument("--sweep", type=int, default=20_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    options = parser.parse_args()
    # 0 skips a part.
    if options.publishes:
        append_cost(options.publishes)
    if options.sweep:
        sweep_cost(options.sweep)
    if options.entries:
        fill_to(options.entries)
        verify_cost()
    print(json.dumps({"entries": Entry.objects.count()}))


if __name__ == "__main__":
    main()
