"""Load N synthetic bilingual articles into a PostgreSQL benchmark database, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
        DEBUG=1 .venv/bin/python bench/generate.py --articles 1000000

The rows are made inside PostgreSQL (generate_series), spread over 25 years, half in
each language, every second English story a translation. Words are drawn so that
search has a broad term (in about half the stories), a selective one (about 0.1%) and
a rare one (a few dozen stories, spread over the years).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

RUSSIAN = [
    "суд",
    "заключенные",
    "заключенных",
    "правозащитники",
    "выборы",
    "депутаты",
    "полиция",
    "задержание",
    "активисты",
    "журналист",
    "дорога",
    "село",
    "больница",
    "школа",
    "губернатор",
    "министерство",
    "пикет",
    "протест",
    "приговор",
    "штраф",
    "адвокат",
    "свидетель",
    "следствие",
    "прокуратура",
    "митинг",
]
ENGLISH = [
    "court",
    "prisoners",
    "detained",
    "rights",
    "defenders",
    "elections",
    "deputies",
    "police",
    "detention",
    "activists",
    "journalist",
    "road",
    "village",
    "hospital",
    "school",
    "governor",
    "ministry",
    "picket",
    "protest",
    "sentence",
    "fine",
    "lawyer",
    "witness",
    "investigation",
    "prosecutor",
    "rally",
]

INSERT = """
INSERT INTO articles_article
    (language, headline, slug, lead, body, source, status, published_at, created_at,
     updated_at, text_changed_at, version, region_id)
SELECT
    lang,
    initcap(w[1 + (i * 7) %% n]) || ' ' || w[1 + (i * 13) %% n] || ' ' || w[1 + (i * 17) %% n],
    'story-' || i,
    w[1 + (i * 3) %% n] || ' ' || w[1 + (i * 11) %% n] || ' ' || w[1 + (i * 19) %% n] || '.',
    '<p>' || array_to_string(ARRAY(
        SELECT w[1 + ((i * 31 + k * 37) %% n)] FROM generate_series(1, 60) k), ' ')
    || CASE WHEN i %% 2 = 0 THEN ' ' || %(broad)s ELSE '' END
    || CASE WHEN i %% 1000 IN (7, 8) THEN ' ' || %(selective)s ELSE '' END
    || CASE WHEN i %% %(rare_every)s = 3 THEN ' ' || %(rare)s ELSE '' END
    || '.</p>',
    'correspondent', 'published',
    now() - (i * interval '1 second' * %(spread)s),
    now(), now(), now(), 1,
    (SELECT min(id) FROM articles_region)
FROM generate_series(%(start)s, %(stop)s) i,
LATERAL (SELECT CASE WHEN i %% 2 = 0 THEN 'ru' ELSE 'en' END AS lang) l,
LATERAL (SELECT CASE WHEN i %% 2 = 0 THEN %(ru)s::text[] ELSE %(en)s::text[] END AS w) ws,
LATERAL (SELECT array_length(w, 1) AS n) ns
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark database must be PostgreSQL (set DATABASE_URL).")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO articles_region (name_ru, name_en, slug) "
            "SELECT 'Регион', 'Region', 'bench' WHERE NOT EXISTS (SELECT 1 FROM articles_region)"
        )
        cursor.execute("SELECT count(*) FROM articles_article")
        existing = cursor.fetchone()[0]
    spread = 25 * 365 * 24 * 3600 // max(args.articles, 1)
    started = time.perf_counter()
    for start in range(existing + 1, args.articles + 1, args.batch):
        stop = min(start + args.batch - 1, args.articles)
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT,
                {
                    "start": start,
                    "stop": stop,
                    "spread": spread,
                    "ru": RUSSIAN,
                    "en": ENGLISH,
                    "broad": "новости news",
                    "selective": "наводнение flood",
                    "rare": "землетрясение earthquake",
                    "rare_every": max(args.articles // 40, 1),
                },
            )
        rate = (stop - existing) / (time.perf_counter() - started)
        print(f"{stop:>9,} articles  {rate:,.0f}/s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE articles_article")
    print(f"done in {time.perf_counter() - started:,.0f} s")


if __name__ == "__main__":
    main()
