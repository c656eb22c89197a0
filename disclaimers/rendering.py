"""The one renderer of materials: every surface that shows an article goes through it.

It gives the legal labels in force (in Russian, whatever the page's language), the
headline, lead and body with an asterisk after the first mention of each register
entry, those entries' footnotes in the page's language, and the story's photos with
their captions and credits.
"""

import re
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from disclaimers.mentions import first_match
from disclaimers.models import Disclaimer, Mention
from newsroom.i18n import current_language
from photos.rendering import figure, photos_by_id, place_body_photos

TAG = re.compile(r"(<[^>]*>)")
CLOSING_QUOTES = "»”\"'’"
HEADLINE, LEAD, BODY = range(3)
# Marks an asterisk's place while texts are cut; a private-use character no text has.
STAR = "\ue000"


@dataclass
class Material:
    labels: list[Disclaimer]
    headline: SafeString
    lead: SafeString
    lead_photo: SafeString
    body: SafeString
    footnotes: list[str]


def labels_in_force(language: str | None = None) -> list[Disclaimer]:
    """The label versions that must stand on a page in `language` today."""
    language = language or current_language()
    return [label for label in Disclaimer.objects.in_force() if label.covers(language)]


# Prefetch these with the articles to render many in a few queries (feeds, the API).
MATERIAL_PREFETCH = [
    Prefetch("mentions", queryset=Mention.objects.select_related("entity"))
]


def render_materials(articles, language: str | None = None) -> list[Material]:
    """Render several articles with one query for labels and two for all photos;
    prefetch MATERIAL_PREFETCH on `articles` for their register mentions."""
    language = language or current_language()
    labels = labels_in_force(language)
    photos = photos_by_id(pk for article in articles for pk in article.photo_ids())
    return [
        render_material(a, language, labels=labels, photos=photos) for a in articles
    ]


def render_material(
    article, language: str | None = None, *, labels=None, photos=None
) -> Material:
    language = language or current_language()
    mentions = [
        mention
        for mention in _mentions(article)
        if mention.status != Mention.Status.DISMISSED and mention.entity.is_listed()
    ]
    # Plain text for headline and lead; the body's text between its tags.
    segments = [[article.headline], [article.lead], TAG.split(article.body)]
    places = {
        mention.pk: _first_place(mention.entity.names(), segments)
        for mention in mentions
    }
    # Footnotes in reading order; a mention the text hides (a name split by markup)
    # still gets its footnote, last.
    mentions.sort(key=lambda mention: places[mention.pk] or (len(segments),))
    for part, index, offset in sorted(filter(None, places.values()), reverse=True):
        text = segments[part][index]
        segments[part][index] = f"{text[:offset]}{STAR}{text[offset:]}"
    footnotes = dict.fromkeys(mention.entity.footnote(language) for mention in mentions)
    if photos is None:
        photos = photos_by_id(article.photo_ids()) if article.photo_ids() else {}
    lead_photo = photos.get(article.lead_photo_id)
    return Material(
        labels=labels_in_force(language) if labels is None else labels,
        headline=_plain(segments[HEADLINE][0]),
        lead=_plain(segments[LEAD][0]),
        lead_photo=figure(lead_photo, language, lead=True) if lead_photo else "",
        # The body was sanitised when saved; asterisks and figures are added here.
        body=mark_safe(
            place_body_photos(
                "".join(segments[BODY]).replace(STAR, "*"), photos, language
            )
        ),
        footnotes=list(footnotes),
    )


def _mentions(article) -> list[Mention]:
    if "mentions" in getattr(article, "_prefetched_objects_cache", {}):
        return list(article.mentions.all())
    return list(Mention.objects.filter(article=article).select_related("entity"))


def _first_place(
    names: list[str], segments: list[list[str]]
) -> tuple[int, int, int] | None:
    """Where the first mention ends: (part, segment, offset), in reading order."""
    for part, pieces in enumerate(segments):
        for index, piece in enumerate(pieces):
            if part == BODY and index % 2:  # a tag, not text
                continue
            if match := first_match(names, piece):
                # «Мемориал»*: the asterisk goes after a closing quote.
                end = match.end
                while end < len(piece) and piece[end] in CLOSING_QUOTES:
                    end += 1
                return part, index, end
    return None


def _plain(text: str) -> SafeString:
    return mark_safe(escape(text).replace(STAR, "*"))
