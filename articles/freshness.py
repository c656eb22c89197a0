"""What a change makes stale on readers' pages (newsroom/page_cache.py).

A story's change touches its pages and its translations' (the topic of the story,
"story:<the original's pk>") and its places on its language's timeline before and
after the change: the lists, days and related stories that showed it or show it
now. A change to a story no reader could see before or after (a correspondent's
draft) touches nothing. Its bylines, tags, corrections and register mentions are the
story's change.

A photo changes the pages when a published or scheduled story shows it; a new
upload changes nothing. Renditions, events, proposals and any row's history are
never shown by themselves. Everything else (labels, the register, authors', tags'
and regions' names) touches every page: the describer answers None and the page
cache takes it as everything.
"""

from simple_history.models import HistoricalChanges

from articles.models import (
    Article,
    ArticleEvent,
    Byline,
    Correction,
    GoLive,
    ProposedChange,
    TaggedArticle,
)
from disclaimers.models import Mention, RegisterScan
from newsroom import page_cache
from newsroom.page_cache import EVERYTHING, NOTHING, Change, story_change
from photos.models import Photo, Rendition, ReplacedImage

# The history of rows, the desk's own records, images derived from a photo.
NEVER_SHOWN = (
    HistoricalChanges,
    ArticleEvent,
    GoLive,
    ProposedChange,
    RegisterScan,
    Rendition,
    ReplacedImage,
)
# Rows that belong to one story, by the name of their link to it.
PARTS_OF_A_STORY = {
    Byline: "article_id",
    Correction: "article_id",
    Mention: "article_id",
    TaggedArticle: "content_object_id",
}
SHOWN_FIELDS = ("pk", "status", "published_at", "language", "translation_of_id")


def story_topic(article) -> str:
    """The topic of a story and all its versions."""
    return f"story:{article.translation_of_id or article.pk}"


def remember_before_save(instance) -> None:
    """Note where a story stood before this save: its old time matters too."""
    if type(instance) is Article and instance.pk:
        instance._before_save = (
            Article.objects.filter(pk=instance.pk).only(*SHOWN_FIELDS).first()
        )


def describe(instance, action: str | None = None, **kwargs) -> Change | None:
    if action is not None and not action.startswith("post_"):
        return NOTHING  # m2m_changed's pre_ steps: the post_ one follows
    if isinstance(instance, NEVER_SHOWN):
        return NOTHING
    if type(instance) is Article:
        return story_changed(instance, getattr(instance, "_before_save", None))
    if link := PARTS_OF_A_STORY.get(type(instance)):
        story = Article.objects.filter(pk=getattr(instance, link))
        return story_changed(story.only(*SHOWN_FIELDS).first())
    if isinstance(instance, Photo):
        if kwargs.get("created"):
            return NOTHING  # no story can show a photo before it exists
        return EVERYTHING if Article.objects.languages_showing(instance) else NOTHING
    return None


def story_changed(article: Article | None, before: Article | None = None) -> Change:
    change = NOTHING
    for version in (before, article):
        if version is not None and shown_to_readers(version):
            change |= story_change(
                story_topic(version), version.language, version.published_at
            )
    return change


def shown_to_readers(article: Article) -> bool:
    """Published, or scheduled to be (its pages appear by themselves, later)."""
    return article.status == Article.Status.PUBLISHED


def shows_stories(language: str, stories: list, *, complete: bool = False) -> None:
    """The page being rendered lists `stories`, the newest of `language`, newest
    first: it changes when a story of the language is published, or changes from the
    oldest of them on (from any time, when the list is `complete`: all there are)."""
    page_cache.depends_on(
        language=language,
        start=stories[-1].published_at if stories and not complete else None,
    )


def went_live(start, end) -> Change:
    """What the stories whose scheduled time came from `start` to `end` touch."""
    stories = Article.objects.published().filter(
        published_at__gte=start, published_at__lte=end
    )
    change = NOTHING
    for story in stories.only(*SHOWN_FIELDS):
        change |= story_changed(story)
    return change


def on_went_live(sender, event, **kwargs) -> None:
    """A go-live event (articles/go_live.py): the pages that show the story are
    refreshed, and the CDN purge hook (PAGE_CACHE_PURGE) told through the cache.
    A story under embargo is on no page yet."""
    if not event.public:
        return
    page_cache.changed(story_changed(event.article))
