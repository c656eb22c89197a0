"""RSS 2.0 and Atom feeds per language, and per tag, region and author.

Every item goes through the story's renderer (articles/rendering.py) and its one
syndicated template, as the partner feed's bodies do: the legal labels in force come
first in its description, then the lead, the lead photo with its credit, the body,
the original's note, the byline and the register footnotes. Titles carry the
register asterisks as characters (RSS and Atom titles are plain text).

Each story's item is kept (FeedEntry) while the page cache is on, until the story or
everything changes, as its card in lists is: after a publish a feed renders only the
new story's item and reads the others' as they were.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from articles.freshness import shows_stories, story_topic
from articles.models import Article, Region, Tag
from articles.rendering import render_materials, syndicated_html
from authors.models import Author
from newsroom import page_cache
from newsroom.i18n import agency_name, agency_name_genitive, current_language

FEED_SIZE = 30
SUBJECTS = {"tags": Tag, "regions": Region, "authors": Author}
FILTERS = {"tags": "tags", "regions": "region", "authors": "authors"}


@dataclass(frozen=True)
class FeedEntry:
    """A story as a feed item shows it."""

    title: str  # with its register asterisks
    link: str  # the story's address on the site
    description: str  # its syndicated material, URLs absolute
    published_at: datetime
    updated_at: datetime
    author_name: str | None
    categories: list[str]


def feed_entries(stories: list[Article], root: str) -> list[FeedEntry]:
    """Each of `stories` (only their pk is read) as feed items show it, `root` the
    site's scheme and host; the stories whose entry is not kept are fetched and
    rendered together, in a fixed number of queries."""
    language = current_language()
    by_name = {
        f"feed-entry:{story.pk}:{language}:{root}": story.pk for story in stories
    }
    rendered = {}

    def render(names: list[str]) -> None:
        articles = list(
            Article.objects.for_display().filter(pk__in=[by_name[n] for n in names])
        )
        for article, material in zip(articles, render_materials(articles), strict=True):
            rendered[article.pk] = material

    def entry(name: str) -> FeedEntry | None:
        material = rendered.get(by_name[name])
        if material is None:  # gone between the list's query and this one
            return None
        article = material.article
        page_cache.depends_on(topics=[story_topic(article)])
        return FeedEntry(
            title=material.headline_text,
            link=article.get_absolute_url(),
            description=syndicated_html(material, root),
            published_at=article.published_at,
            updated_at=article.updated_at,
            author_name=", ".join(str(b.author) for b in article.bylines.all()) or None,
            categories=[tag.own_name(article.language) for tag in article.tags_shown()],
        )

    entries = page_cache.kept_values(
        list(by_name),
        entry,
        size=lambda entry: len(entry.description) if entry else 0,
        prepare=render,
    )
    return [entry for entry in entries if entry]


class ArticleFeed(Feed):
    feed_type = Rss201rev2Feed

    def get_object(self, request, kind=None, slug=None):
        if kind is None:
            return None
        if kind == "tags":  # a tag's feed is in the languages it is named in
            return kind, get_object_or_404(
                Tag.objects.by_slug(slug, current_language())
            )
        return kind, get_object_or_404(SUBJECTS[kind], slug=slug)

    def title(self, subject):
        name = agency_name()
        return f"{subject[1]} — {name}" if subject else name

    def link(self, subject):
        if subject is None:
            return reverse("articles:home")
        kind, obj = subject
        return reverse(f"articles:{kind[:-1]}", kwargs={"slug": obj.slug})

    def description(self, subject):
        return _("Latest news from %(agency)s") % {"agency": agency_name_genitive()}

    def feed_url(self, subject):
        return self.request_path

    def items(self, subject):
        articles = Article.objects.published().filter(language=current_language())
        if subject:
            kind, obj = subject
            articles = articles.filter(**{FILTERS[kind]: obj})
        fields = ("pk", "published_at", "translation_of_id")
        stories = list(articles.newest_first().only(*fields)[:FEED_SIZE])
        shows_stories(current_language(), stories, complete=len(stories) < FEED_SIZE)
        # Each item's whole material: a translation's note reads its original.
        page_cache.depends_on(topics=[story_topic(story) for story in stories])
        # Feed readers fetch images from elsewhere: site-relative URLs become absolute.
        return feed_entries(stories, self.request.build_absolute_uri("/").rstrip("/"))

    def item_title(self, entry):
        return entry.title

    def item_description(self, entry):
        return entry.description

    def item_link(self, entry):
        return entry.link

    def item_guid(self, entry):
        return self.request.build_absolute_uri(entry.link)

    def item_pubdate(self, entry):
        return entry.published_at

    def item_updateddate(self, entry):
        return entry.updated_at

    def item_author_name(self, entry):
        return entry.author_name

    def item_categories(self, entry):
        return entry.categories

    def feed_copyright(self):
        return agency_name()

    def __call__(self, request, *args, **kwargs):
        self.request = request
        self.request_path = request.path
        return super().__call__(request, *args, **kwargs)


class AtomArticleFeed(ArticleFeed):
    feed_type = Atom1Feed
    subtitle = ArticleFeed.description


def feed_links(language_path: str, subject_path: str = "") -> list[dict]:
    """The <link rel=alternate> entries a page's <head> lists."""
    base = f"{language_path}feeds/{subject_path}"
    return [
        {"type": "application/rss+xml", "title": "RSS", "url": f"{base}rss/"},
        {"type": "application/atom+xml", "title": "Atom", "url": f"{base}atom/"},
    ]
