"""Load N synthetic bilingual articles into a PostgreSQL benchmark database, fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsroom_bench \
        DEBUG=1 .venv/bin/python bench/generate.py --articles 1000000

The rows are made inside PostgreSQL (generate_series), spread over 25 years (--years),
bodies of 60 words (--body-words; 65 a paragraph), half in
each language, every second English story a translation. Words are drawn so that
search has a broad term (in about half the stories), a selective one (about 0.1%) and
a rare one (a few dozen stories, spread over the years).

Every story gets a region (one of 10), a tag (one of 50, about 2% of the archive
each; --tags 3 gives three), an author (one of 200) and every third a lead photo (rows only: the renditions
point at files that need not exist, pages render from the rows). A rare tag and a rare
author (a few dozen stories each, like the rare word) give the sparse-listing case.
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
    (id, key, language, headline, slug, lead, body, source, status, published_at,
     created_at, updated_at, text_changed_at, version, region_id, translation_of_id,
     lead_photo_id)
SELECT
    %(offset)s + i,
    gen_random_uuid(),
    lang,
    initcap(w[1 + (i * 7) %% n]) || ' ' || w[1 + (i * 13) %% n] || ' ' || w[1 + (i * 17) %% n],
    'story-' || i,
    w[1 + (i * 3) %% n] || ' ' || w[1 + (i * 11) %% n] || ' ' || w[1 + (i * 19) %% n] || '.',
    '<p>' || array_to_string(ARRAY(
        SELECT w[1 + ((i * 31 + k * 37) %% n)]
            || CASE WHEN k %% 65 = 0 AND k < %(words)s THEN '.</p><p>' ELSE '' END
        FROM generate_series(1, %(words)s) k), ' ')
    || CASE WHEN i %% 2 = 0 THEN ' ' || %(broad)s ELSE '' END
    || CASE WHEN i %% 1000 IN (7, 8) THEN ' ' || %(selective)s ELSE '' END
    || CASE WHEN i %% %(rare_every)s = 3 THEN ' ' || %(rare)s ELSE '' END
    || '.</p>',
    'correspondent', 'published',
    now() - (i * interval '1 second' * %(spread)s),
    now(), now(), now(), 1,
    -- i / 2: a story and its neighbour in the other language share a region (and a
    -- tag and an author below), so every region, tag and author has both languages.
    (%(regions)s::bigint[])[1 + (i / 2) %% %(region_count)s],
    -- Every second English story translates the (older) Russian one after it.
    CASE WHEN i %% 4 = 1 AND i < %(stop)s THEN %(offset)s + i + 1 END,
    CASE WHEN i %% 3 = 0 THEN (%(photos)s::bigint[])[1 + i %% %(photo_count)s] END
FROM generate_series(%(start)s, %(stop)s) i,
LATERAL (SELECT CASE WHEN i %% 2 = 0 THEN 'ru' ELSE 'en' END AS lang) l,
LATERAL (SELECT CASE WHEN i %% 2 = 0 THEN %(ru)s::text[] ELSE %(en)s::text[] END AS w) ws,
LATERAL (SELECT array_length(w, 1) AS n) ns
"""


TAGGED = """
INSERT INTO articles_taggedarticle (content_object_id, tag_id)
SELECT a.id, (%(tags)s::int[])[1 + (a.id / 2) %% %(tag_count)s]
FROM articles_article a WHERE a.id > %(after)s
UNION ALL
SELECT a.id, (%(tags)s::int[])[1 + (a.id / 2 + t * 17) %% %(tag_count)s]
FROM articles_article a, generate_series(1, %(more_tags)s) t WHERE a.id > %(after)s
UNION ALL
SELECT a.id, %(rare_tag)s
FROM articles_article a WHERE a.id > %(after)s AND (a.id / 2) %% %(rare_every)s = 5
"""

BYLINES = """
INSERT INTO articles_byline (article_id, author_id, position)
SELECT a.id, (%(authors)s::bigint[])[1 + (a.id / 2) %% %(author_count)s], 0
FROM articles_article a WHERE a.id > %(after)s
UNION ALL
SELECT a.id, %(rare_author)s, 1
FROM articles_article a WHERE a.id > %(after)s AND (a.id / 2) %% %(rare_every)s = 5
"""


def ensure_rows(model, rows: list[dict], key: str) -> list[int]:
    """The ids of `rows` in `model`, created when missing (matched on `key`)."""
    ids = []
    for row in rows:
        found = model.objects.filter(**{key: row[key]}).first()
        ids.append((found or model.objects.create(**row)).pk)
    return ids


def ensure_catalogue() -> dict:
    """Regions, tags, authors and photos the synthetic stories point at."""
    from articles.models import Region, Tag
    from authors.models import Author
    from photos.models import Photo, Photographer, Rendition

    regions = ensure_rows(
        Region,
        [{"name_ru": "Регион", "name_en": "Region", "slug": "bench"}]
        + [
            {"name_ru": f"Регион {n}", "name_en": f"Region {n}", "slug": f"bench-{n}"}
            for n in range(2, 11)
        ],
        "slug",
    )
    # Named in both languages, under one slug, so a page's URL serves either.
    tags = ensure_rows(
        Tag,
        [
            {
                "name_en": f"topic-{n:02}",
                "name_ru": f"тема-{n:02}",
                "slug_en": f"topic-{n:02}",
                "slug_ru": f"topic-{n:02}",
            }
            for n in range(50)
        ],
        "slug_en",
    )
    (rare_tag,) = ensure_rows(
        Tag,
        [
            {
                "name_en": "rare-topic",
                "name_ru": "редкая-тема",
                "slug_en": "rare-topic",
                "slug_ru": "rare-topic",
            }
        ],
        "slug_en",
    )
    authors = ensure_rows(
        Author,
        [
            {"name_ru": f"Автор {n}", "name_en": f"Author {n}", "slug": f"author-{n}"}
            for n in range(200)
        ],
        "slug",
    )
    (rare_author,) = ensure_rows(
        Author,
        [{"name_ru": "Редкий автор", "name_en": "Rare Author", "slug": "rare-author"}],
        "slug",
    )
    photographer = Photographer.objects.get_or_create(
        name_en="Bench Photographer", defaults={"name_ru": "Фотограф"}
    )[0]
    photos = []
    for n in range(3):
        photo = Photo.objects.filter(image=f"photos/bench-{n}.jpg").first()
        if photo is None:
            # Width and height given, so Django never opens the (absent) file.
            photo = Photo.objects.create(
                image=f"photos/bench-{n}.jpg",
                width=1600,
                height=1000,
                caption_ru=f"Подпись {n}",
                caption_en=f"Caption {n}",
                credit_form=Photo.Credit.PHOTO_BY_FOR_AGENCY,
                photographer=photographer,
            )
            Rendition.objects.bulk_create(
                Rendition(
                    photo=photo,
                    width=width,
                    height=width * 10 // 16,
                    format=image_format,
                    file=f"renditions/bench-{n}-{width}.{image_format.lower()}",
                )
                for width in (320, 640, 960, 1280)
                for image_format in Rendition.Format.values
            )
        photos.append(photo.pk)
    return {
        "regions": regions,
        "tags": tags,
        "rare_tag": rare_tag,
        "authors": authors,
        "rare_author": rare_author,
        "photos": photos,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--years", type=int, default=25, help="the archive's span")
    parser.add_argument(
        "--body-words", type=int, default=60, help="words in a body (65 a paragraph)"
    )
    parser.add_argument("--tags", type=int, default=1, help="tags a story (1-3)")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("The benchmark database must be PostgreSQL (set DATABASE_URL).")
    call_command("migrate", verbosity=0)
    catalogue = ensure_catalogue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM articles_article")
        existing, last_id = cursor.fetchone()
    if existing >= args.articles:
        print(
            f"already {existing:,} articles (asked for {args.articles:,}): nothing to do"
        )
        return
    spread = args.years * 365 * 24 * 3600 // max(args.articles, 1)
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
                    "words": args.body_words,
                    "ru": RUSSIAN,
                    "en": ENGLISH,
                    "broad": "новости news",
                    "selective": "наводнение flood",
                    "rare": "землетрясение earthquake",
                    "rare_every": max(args.articles // 40, 1),
                    # Ids given, so a translation can name its original's id.
                    "offset": last_id - existing,
                    "regions": catalogue["regions"],
                    "region_count": len(catalogue["regions"]),
                    "photos": catalogue["photos"],
                    "photo_count": len(catalogue["photos"]),
                },
            )
        rate = (stop - existing) / (time.perf_counter() - started)
        print(f"{stop:>9,} articles  {rate:,.0f}/s", flush=True)
    link_tags_and_authors(
        catalogue,
        after=last_id,
        rare_every=max(args.articles // 40, 1),
        tags=min(max(args.tags, 1), 3),
    )
    with connection.cursor() as cursor:
        # Later inserts through Django take ids after the ones given here.
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('articles_article', 'id'), "
            "(SELECT max(id) FROM articles_article))"
        )
        for table in ("articles_article", "articles_taggedarticle", "articles_byline"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"done in {time.perf_counter() - started:,.0f} s")


def link_tags_and_authors(
    catalogue: dict, *, after: int, rare_every: int, tags: int
) -> None:
    """Tag (`tags` times) and byline every story with an id above `after`."""

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            TAGGED,
            {
                "after": after,
                "tags": catalogue["tags"],
                "tag_count": len(catalogue["tags"]),
                "more_tags": tags - 1,
                "rare_tag": catalogue["rare_tag"],
                "rare_every": rare_every,
            },
        )
        cursor.execute(
            BYLINES,
            {
                "after": after,
                "authors": catalogue["authors"],
                "author_count": len(catalogue["authors"]),
                "rare_author": catalogue["rare_author"],
                "rare_every": rare_every,
            },
        )
    print(f"tags and bylines in {time.perf_counter() - started:,.0f} s", flush=True)


if __name__ == "__main__":
    main()
