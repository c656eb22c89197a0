"""What the story renderer (articles/rendering.py) asks of the legal side.

The label versions in force on a page, and the register marks: an asterisk after
the first mention of each listed register entry, and that entry's footnote. It knows
texts, not stories, so the articles app may call it without this app knowing it.
"""

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch, TextField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from disclaimers.mentions import first_match
from disclaimers.models import DesignatedEntity, Disclaimer, Mention
from newsroom import page_cache
from newsroom.i18n import current_language

TAG = re.compile(r"(<[^>]*>)")
CLOSING_QUOTES = "»”\"'’"
# Marks an asterisk's place while texts are cut; a private-use character no text has.
STAR = "\ue000"
# Between two register entries' name forms in REGISTER_NAMES (a control character
# no name form holds; the forms of one entry are lines).
ENTRY_SEPARATOR = "\x1f"
# The annotation lists show headlines with (see register_names()).
REGISTER_NAMES = "register_names"


def labels_in_force(language: str | None = None) -> list[Disclaimer]:
    """The label versions that must stand on a page in `language` today.

    Kept in each process while the page cache is on: a label or register change,
    and midnight, change every page (newsroom/page_cache.py), these included.
    """
    language = language or current_language()

    def read():
        page_cache.depends_on(topics=["labels"])  # only what changes every page
        return [
            label for label in Disclaimer.objects.in_force() if label.covers(language)
        ]

    return page_cache.kept_value(f"labels:{language}", read)


# Prefetch these with the articles to render many in a few queries (feeds, the API).
MATERIAL_PREFETCH = [
    Prefetch("mentions", queryset=Mention.objects.select_related("entity"))
]


@dataclass
class Marked:
    """Texts with their asterisks (STAR where one goes) and the footnotes' entries,
    in reading order."""

    texts: list[list[str]]
    entities: list[DesignatedEntity]


def listed(mentions) -> list[Mention]:
    """The mentions that get a mark today: not dismissed, their entry still listed."""
    return [
        mention
        for mention in mentions
        if mention.status != Mention.Status.DISMISSED and mention.entity.is_listed()
    ]


def mark_mentions(mentions: list[Mention], texts: list[list[str]]) -> Marked:
    """Put STAR after the first mention of each entry in `texts`.

    `texts` are parts in reading order (headline, lead, body), each a list of
    pieces; a piece at an odd index of a part split by TAG is markup and is skipped.
    """
    texts = [list(pieces) for pieces in texts]
    places = {
        mention.pk: first_place(mention.entity.names(), texts) for mention in mentions
    }
    # Footnotes in reading order; a mention the text hides (a name split by markup)
    # still gets its footnote, last.
    ordered = sorted(mentions, key=lambda mention: places[mention.pk] or (len(texts),))
    _insert_stars(texts, places.values())
    return Marked(texts, [mention.entity for mention in ordered])


def mark_headline(name_lists: list[list[str]], headline: str) -> str:
    """The headline's asterisks from the entries' name forms alone (lists of
    stories, which have no mention rows loaded): the headline comes first in
    reading order, so a mention in it is the entry's first."""
    texts = [[headline]]
    _insert_stars(texts, (first_place(names, texts) for names in name_lists))
    return texts[0][0].replace(STAR, "*")


def register_names(articles_table: str) -> RawSQL:
    """Per article, the name forms of the entries it mentions that get a mark today:
    an annotation (REGISTER_NAMES) of a list's own query on `articles_table` that
    costs the list no query of its own.

    Written as SQL: built with the ORM, the subquery cost every list ~3 ms to build
    and compile, more than running it.
    """
    mention, entity = Mention._meta, DesignatedEntity._meta
    aggregate = (
        "STRING_AGG({names}, %s)"
        if connection.vendor == "postgresql"
        else "GROUP_CONCAT({names}, %s)"
    )
    names = "COALESCE(e.names_ru, '') || %s || COALESCE(e.names_en, '')"
    today = timezone.localdate()
    return RawSQL(
        f"SELECT {aggregate.format(names=names)} "
        f"FROM {mention.db_table} m JOIN {entity.db_table} e ON e.id = m.entity_id "
        f'WHERE m.article_id = "{articles_table}"."id" AND m.status <> %s '
        "AND e.listed_on <= %s AND (e.delisted_on IS NULL OR e.delisted_on > %s)",
        ("\n", ENTRY_SEPARATOR, Mention.Status.DISMISSED.value, today, today),
        output_field=TextField(),
    )


def names_from_annotation(value: str | None) -> list[list[str]]:
    """REGISTER_NAMES read back: each entry's name forms, as DesignatedEntity.names()."""
    return [
        [line.strip() for line in entry.splitlines() if line.strip()]
        for entry in (value or "").split(ENTRY_SEPARATOR)
        if entry.strip()
    ]


def first_place(
    names: list[str], texts: list[list[str]]
) -> tuple[int, int, int] | None:
    """Where the first mention ends: (part, piece, offset), in reading order."""
    for part, pieces in enumerate(texts):
        for index, piece in enumerate(pieces):
            if index % 2:  # markup between a body's texts
                continue
            if match := first_match(names, piece):
                # «Мемориал»*: the asterisk goes after a closing quote.
                end = match.end
                while end < len(piece) and piece[end] in CLOSING_QUOTES:
                    end += 1
                return part, index, end
    return None


def _insert_stars(texts: list[list[str]], places) -> None:
    # From the end backwards, so earlier offsets stay true.
    for part, index, offset in sorted(filter(None, places), reverse=True):
        text = texts[part][index]
        texts[part][index] = f"{text[:offset]}{STAR}{text[offset:]}"
