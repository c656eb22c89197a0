"""The story's one renderer: every surface that shows an article goes through it.

The page, the print view, the feeds and the partner feed get the same material
from here: the legal labels in force (in Russian, whatever the page's language),
the headline, lead and body with an asterisk after the first mention of each
register entry, those entries' footnotes in the page's language, the story's photos
with their captions and credits, and the "originally published" note of a
translation. Its markup is templates/articles/material.html, one partial a piece.

Headlines shown without their story (lists, the sidebar, search, feed titles,
sitemaps, <title>) get their asterisks from headline(), at no query of their own
when the list was fetched with_register_names().
"""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from articles.freshness import story_topic
from articles.html import absolute_urls
from articles.models import Article
from disclaimers.models import Disclaimer, Mention
from disclaimers.rendering import (
    REGISTER_NAMES,
    STAR,
    TAG,
    labels_in_force,
    listed,
    mark_headline,
    mark_mentions,
    names_from_annotation,
    register_names,
)
from newsroom import page_cache
from newsroom.i18n import agency_name, agency_name_genitive, current_language
from photos.rendering import figure, photos_by_id, place_body_photos

HEADLINE, LEAD, BODY = range(3)
# Only what the original-publication note reads of the original.
ORIGINAL_FIELDS = ("pk", "slug", "language", "published_at")


@dataclass
class Material:
    article: Article
    labels: list[Disclaimer]
    headline: SafeString  # HTML, with its asterisks
    headline_text: str  # the same as plain text, for titles and attributes
    lead: SafeString
    lead_photo: SafeString
    body: SafeString
    footnotes: list[str]
    original: Article | None = None  # the published original of a translation


def render_material(
    article,
    language: str | None = None,
    *,
    labels=None,
    photos=None,
    original=None,
) -> Material:
    """`article` as the site shows it; `original` is its published original, if any
    (the caller knows it: the page from its translations, the feeds from a query)."""
    language = language or current_language()
    text = marked_text(article, language)
    if photos is None:
        photos = photos_by_id(article.photo_ids()) if article.photo_ids() else {}
    lead_photo = photos.get(article.lead_photo_id)
    return Material(
        article=article,
        labels=labels_in_force(language) if labels is None else labels,
        headline=_escaped(text.headline),
        headline_text=text.headline.replace(STAR, "*"),
        lead=_escaped(text.lead),
        lead_photo=figure(lead_photo, language, lead=True) if lead_photo else "",
        # The body was sanitised when saved; asterisks and figures are added here.
        body=mark_safe(place_body_photos(text.body, photos, language)),
        footnotes=text.footnotes,
        original=original,
    )


@dataclass
class MarkedText:
    headline: str  # STAR where an asterisk goes
    lead: str  # STAR where an asterisk goes
    body: str  # HTML with its asterisks, its photos still [photo:ID] paragraphs
    footnotes: list[str]


def marked_text(article, language: str) -> MarkedText:
    """The story's own text with the register's asterisks, and their footnotes in
    `language`."""
    marked = mark_mentions(
        listed(_mentions(article)),
        [[article.headline], [article.lead], TAG.split(article.body)],
    )
    return MarkedText(
        headline=marked.texts[HEADLINE][0],
        lead=marked.texts[LEAD][0],
        body="".join(marked.texts[BODY]).replace(STAR, "*"),
        footnotes=list(
            dict.fromkeys(entity.footnote(language) for entity in marked.entities)
        ),
    )


def render_materials(articles, language: str | None = None) -> list[Material]:
    """Several articles in a fixed number of queries: labels, photos, originals.

    Fetch `articles` with for_display() (their bylines, tags and mentions).
    """
    language = language or current_language()
    labels = labels_in_force(language)
    photos = photos_by_id(pk for article in articles for pk in article.photo_ids())
    originals = published_originals(articles)
    return [
        render_material(
            article,
            language,
            labels=labels,
            photos=photos,
            original=originals.get(article.translation_of_id),
        )
        for article in articles
    ]


def published_originals(articles) -> dict:
    """The published originals of the translations among `articles`, by pk."""
    pks = {article.translation_of_id for article in articles} - {None}
    if not pks:
        return {}
    originals = Article.objects.published().filter(pk__in=pks)
    return originals.only(*ORIGINAL_FIELDS).in_bulk()


def syndicated_html(material: Material, root: str) -> str:
    """The material as partners and feed readers get it: labels first, then lead,
    lead photo, body, corrections and updates, the original's note, byline and
    footnotes, with absolute URLs
    (`root` is the site's scheme and host). In the article's language."""
    with translation.override(material.article.language):
        markup = render_to_string(
            "articles/material.html#syndicated",
            {
                "material": material,
                "labels": material.labels,
                "article": material.article,
                "original": material.original,
                "agency_name": agency_name(material.article.language),
                "agency_name_genitive": agency_name_genitive(material.article.language),
            },
        )
    return absolute_urls(markup.strip(), root)


def story_cards(stories) -> list[SafeString]:
    """Each of `stories` (only their pk is read: a list fetches no more) as lists
    show it (templates/articles/_story_card.html). Kept per story while the page
    cache is on, until the story changes (or everything does): after a publish, a
    list is rendered again from its new story's card and the ones it had. The
    stories whose card is not kept are fetched in one query."""
    language = current_language()
    by_name = {f"card:{story.pk}:{language}": story.pk for story in stories}
    fetched = {}

    def fetch(names: list[str]) -> None:
        fetched.update(
            with_register_names(
                Article.objects.select_related("region").defer("body")
            ).in_bulk([by_name[name] for name in names])
        )

    cards = page_cache.kept_values(
        list(by_name),
        lambda name: _card(fetched.get(by_name[name])),
        prepare=fetch,
    )
    return [card for card in cards if card]


def _card(article) -> SafeString:
    if article is None:  # gone between the list's query and this one
        return mark_safe("")
    page_cache.depends_on(topics=[story_topic(article)])
    return render_to_string("articles/_story_card.html", {"article": article})


def with_register_names(articles: QuerySet) -> QuerySet:
    """`articles` with what headline() needs to star them, in the same query."""
    return articles.annotate(**{REGISTER_NAMES: register_names(Article._meta.db_table)})


def headline(article) -> str:
    """The headline with an asterisk after each register mention, as plain text.

    From the list's annotation (with_register_names), else the prefetched or, for a
    single story, queried mentions.
    """
    if hasattr(article, REGISTER_NAMES):
        names = names_from_annotation(getattr(article, REGISTER_NAMES))
    else:
        names = [mention.entity.names() for mention in listed(_mentions(article))]
    if not names:
        return article.headline
    return mark_headline(names, article.headline)


def _mentions(article) -> list[Mention]:
    if "mentions" in getattr(article, "_prefetched_objects_cache", {}):
        return list(article.mentions.all())
    return list(Mention.objects.filter(article=article).select_related("entity"))


def _escaped(text: str) -> SafeString:
    return mark_safe(escape(text).replace(STAR, "*"))
