"""The archive re-scanned for a new register entry, at archive scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
        .venv/bin/python bench/register_rescan.py [--compare e65ea17^] [--sample 20000]

Plants register names, declined, in one story in a thousand («Льва Пономарёва»,
«в Орле», «Фонду борьбы с коррупцией», "Memorial"), then for each entry times the
re-scan a saved register entry runs (`rescan_archive`): the stories it reads (those
holding a piece of a name, or all of them when no piece is sure) and the mentions it
finds. Everything runs in one transaction that is rolled back: the database is left
as it was.

`--compare REV` also loads disclaimers/mentions.py as it stood at REV (the matching
before lemmas: `e65ea17^`) and gives, for each entry, how many stories each
version's prefilter reads and what matching costs per story, both versions over the
same stories. It never asserts a time.
"""

import argparse
import subprocess
import sys
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, setup_django

setup_django()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Q  # noqa: E402

from articles.models import Article  # noqa: E402
from disclaimers import mentions  # noqa: E402
from disclaimers.models import DesignatedEntity, Mention  # noqa: E402
from disclaimers.services import rescan_archive  # noqa: E402

# name in the register, its form planted in the stories, the planted share's remainder
ENTRIES = [
    ("Лев Пономарёв", "Правозащитник Льва Пономарёва не пустили в суд.", 1),
    ("Орёл", "Суд в Орле отложил заседание.", 2),
    ("Фонд борьбы с коррупцией", "Сторонники Фонду борьбы с коррупцией не помогли.", 3),
    ("Memorial", "Memorial said the court had postponed the hearing.", 4),
]
EVERY = 1000


class Rollback(Exception):
    pass


def plant() -> int:
    with connection.cursor() as cursor:
        for _name, sentence, remainder in ENTRIES:
            cursor.execute(
                "UPDATE articles_article SET body = body || %s WHERE id %% %s = %s",
                [f"<p>{sentence}</p>", EVERY, remainder],
            )
    return Article.objects.count()


def old_mentions(revision: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "show", f"{revision}:disclaimers/mentions.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("mentions_before")
    exec(
        compile(source, f"{revision}:disclaimers/mentions.py", "exec"), module.__dict__
    )
    return module


def prefiltered(module, names: list[str]):
    per_name = [module.search_terms(name) for name in names]
    stories = Article.objects.all()
    if not all(per_name):
        return stories
    condition = Q()
    for term in (piece for pieces in per_name for piece in pieces):
        condition |= (
            Q(headline__contains=term) | Q(lead__contains=term) | Q(body__contains=term)
        )
    return stories.filter(condition)


def matching_cost(module, names: list[str], texts: list[str]) -> tuple[float, int]:
    """Microseconds a story, and how many stories matched."""
    module.first_match(names, "прогрев")  # compiles the patterns
    found = 0
    started = time.perf_counter()
    for text in texts:
        found += module.first_match(names, text) is not None
    return (time.perf_counter() - started) / len(texts) * 1e6, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", metavar="REV")
    parser.add_argument("--sample", type=int, default=20_000)
    options = parser.parse_args()
    before = old_mentions(options.compare) if options.compare else None

    try:
        with transaction.atomic():
            total = plant()
            print(f"{total:,} stories; each name planted in one in {EVERY:,}")
            print(
                f"{'register entry':28} {'read':>10} {'found':>7} {'seconds':>8}"
                f" {'stories/s':>10}"
            )
            for name, _sentence, _remainder in ENTRIES:
                entity = DesignatedEntity.objects.create(
                    kind=DesignatedEntity.Kind.FOREIGN_AGENT,
                    names_ru=name,
                    listed_on="2020-01-01",
                )
                started = time.perf_counter()
                read = rescan_archive(entity)
                seconds = time.perf_counter() - started
                found = Mention.objects.filter(entity=entity).count()
                print(
                    f"{name:28} {read:>10,} {found:>7,} {seconds:>8.1f}"
                    f" {read / seconds:>10,.0f}"
                )
            if before:
                compare(before, options.sample)
            raise Rollback
    except Rollback:
        pass


def compare(before, sample: int) -> None:
    print(f"\nmatching, this version against {before.__name__} (same stories)")
    print(
        f"{'register entry':28} {'read before':>12} {'read now':>10}"
        f" {'µs/story before':>16} {'µs/story now':>13} {'found before':>13}"
        f" {'found now':>10}"
    )
    for name, _sentence, _remainder in ENTRIES:
        names = [name]
        read_before = prefiltered(before, names).count()
        read_now = prefiltered(mentions, names).count()
        texts = [
            f"{headline}\n{lead}\n{body}"
            for headline, lead, body in prefiltered(mentions, names)
            .order_by("-id")
            .values_list("headline", "lead", "body")[:sample]
        ]
        cost_before, found_before = matching_cost(before, names, texts)
        cost_now, found_now = matching_cost(mentions, names, texts)
        print(
            f"{name:28} {read_before:>12,} {read_now:>10,} {cost_before:>16.1f}"
            f" {cost_now:>13.1f} {found_before:>13,} {found_now:>10,}"
        )
    print(f"(µs a story over the newest {sample:,} stories the new prefilter reads)")


if __name__ == "__main__":
    main()
