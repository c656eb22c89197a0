"""RSS 2.0 and Atom feeds per language, and per tag, region and author.

Every item goes through the story's renderer (articles/rendering.py) and its one
syndicated template, as the partner feed's bodies do: the legal labels in force come
first in its description, then the lead, the lead photo with its credit, the body,
the original's note, the byline and the register footnotes. Titles carry the
register asterisks as characters (RSS and Atom titles are plain text).
"""

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
        articles = list(articles.newest_first().for_display()[:FEED_SIZE])
        shows_stories(current_language(), articles, complete=len(articles) < FEED_SIZE)
        # Each item's whole material: a translation's note reads its original.
        page_cache.depends_on(topics=[story_topic(article) for article in articles])
        for article, material in zip(articles, render_materials(articles), strict=True):
            article.material = material
        return articles

    def item_title(self, article):
        return article.material.headline_text

    def item_description(self, article):
        # Feed readers fetch images from elsewhere: site-relative URLs become absolute.
        return syndicated_html(
            article.material, self.request.build_absolute_uri("/").rstrip("/")
        )

    def item_link(self, article):
        return article.get_absolute_url()

    def item_guid(self, article):
        return self.request.build_absolute_uri(article.get_absolute_url())

    def item_pubdate(self, article):
        return article.published_at

    def item_updateddate(self, article):
        return article.updated_at

    def item_author_name(self, article):
        return ", ".join(str(byline.author) for byline in article.bylines.all()) or None

    def item_categories(self, article):
        return [tag.own_name(article.language) for tag in article.tags_shown()]

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
