"""The public site as a list of pages: every address an anonymous reader can reach,
and the file of the mirror each one is written to.

A page at /ru/news/12/slug/ is the file ru/news/12/slug/index.html; a feed is an
index.xml; sitemaps and robots.txt keep their names. Query strings get files of
their own: the lists' keyset pages (?before=<cursor>) are before-<cursor>.html
beside the list's first page.

The lists' pages are cut at fixed places counted from the oldest story: page k holds
stories k*S-S+1..k*S (S: NEWSROOM_PAGE_SIZE), and is rendered by the list's own view
as ?before=<the cursor of story k*S+1>. A story published at the top changes only
the first page and the newest of these, not the thousands below, which a chain of
cursors from the newest story would all shift. The first page's "Older" link leads
to the page holding the next older story (it may repeat a few of the first page's
stories: none is skipped); a page's "Newer" link to the next page up.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from types import SimpleNamespace
from urllib.parse import unquote

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import iri_to_uri

from articles.calendar import add_months, local_midnight
from articles.feeds import feed_links
from articles.freshness import story_topic
from articles.models import Article, Byline, Region, Tag, TaggedArticle
from articles.pagination import Cursor
from authors.models import Author

LANGUAGES = [code for code, _name in settings.LANGUAGES]
FEED = -1  # the "number" of a list's feeds: not one of its pages


@dataclass(frozen=True)
class Page:
    url: str  # the path, and a query string for a list's page: /ru/news/?before=...
    file: str  # where it is written in the mirror: ru/news/index.html
    kind: str  # article, print, list, archive, feed, sitemap, robots, search
    list_key: str = ""  # a list's pages: which list ("news:ru", "tag:7:ru")
    number: int = (
        0  # a list's pages: 0 the first (newest), then 1, 2... from the oldest
    )
    # What a page that declares nothing to the page cache shows (a month's sitemap):
    # None, it is rendered on every run; "never", only by a full one; or a window
    # (language, start, end) of the timeline, as page_cache.depends_on has it.
    shows: object = None


@dataclass(frozen=True)
class Story:
    """What the mirror remembers of a published story between runs."""

    pk: int
    language: str
    published_at: float  # POSIX times
    updated_at: float
    topic: str
    url: str
    lists: tuple[str, ...]  # the lists it is on ("news:ru", "tag:7:ru", ...)


@dataclass
class StoryList:
    """A list of stories (all news, a tag's, a region's, an author's) in one
    language, and its pages."""

    key: str
    url: str  # its first page: /ru/news/
    cursors: list[str]  # the stories' cursors, oldest first
    size: int
    feeds: bool = True  # whether /<lang>/feeds/<subject>/ serves it
    positions: dict[str, int] = field(default_factory=dict)

    def __post_init__(self):
        self.positions = {cursor: index for index, cursor in enumerate(self.cursors)}

    @property
    def numbered(self) -> int:
        """How many pages below the first: every story older than it is on one."""
        return max(len(self.cursors) - 1, 0) // self.size

    def page_query(self, number: int) -> str:
        return f"before={self.cursors[number * self.size]}"

    def page_file(self, number: int, first_file: str) -> str:
        if number == 0:
            return first_file
        folder = first_file.rsplit("/", 1)[0]
        return f"{folder}/before-{self.cursors[number * self.size]}.html"

    def number_for(self, direction: str, cursor: str) -> int | None:
        """The page that shows what ?before=cursor or ?after=cursor would: the one
        holding the next story that way (None: no such story)."""
        index = self.positions.get(cursor)
        if index is None:
            return None
        shown = index - 1 if direction == "before" else index + 1
        if not 0 <= shown < len(self.cursors):
            return None
        number = shown // self.size + 1
        return number if number <= self.numbered else 0


@dataclass
class Site:
    pages: dict[str, Page] = field(default_factory=dict)  # by file
    files: dict[str, str] = field(default_factory=dict)  # path (no query) -> file
    lists: dict[str, StoryList] = field(default_factory=dict)
    list_of_path: dict[str, str] = field(default_factory=dict)  # path -> list key
    stories: dict[int, Story] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)

    def add(self, page: Page) -> None:
        self.pages[page.file] = page
        if "?" not in page.url:
            self.files[unquote(page.url)] = page.file

    def file_for(self, path: str, query: dict[str, str]) -> str | None:
        """The mirror's file for a link to `path` with `query`, or None when the
        mirror does not hold it."""
        key = self.list_of_path.get(path)
        if key and ("before" in query or "after" in query):
            story_list = self.lists[key]
            direction = "before" if "before" in query else "after"
            number = story_list.number_for(direction, query[direction])
            if number is None:
                return None
            return story_list.page_file(number, self.files[unquote(story_list.url)])
        return self.files.get(path)


def page_file(url: str, name: str = "index.html") -> str:
    """The file of the page at `url` (a path, percent-encoded as reverse() gives it)."""
    folder = unquote(url).strip("/")
    return f"{folder}/{name}" if folder else name


def month_range(first: date, last: date) -> list[date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def as_time(moment: datetime | None) -> float:
    return moment.timestamp() if moment else 0.0


def enumerate_site(languages: list[str]) -> Site:
    """Every page of the public site in `languages`, as published now."""
    site = Site(languages=list(languages))
    today = timezone.localdate()
    site.add(Page("/robots.txt", "robots.txt", "robots", shows="never"))
    site.add(Page("/sitemap.xml", "sitemap.xml", "sitemap"))
    site.add(Page("/news-sitemap.xml", "news-sitemap.xml", "sitemap"))
    first = (
        Article.objects.published()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    for language in languages:
        with translation.override(language):
            add_language(site, language, today)
        if first is None:
            continue
        # The sitemap index lists every month from the first story's, in each language.
        for month in month_range(timezone.localdate(first), today):
            url = reverse(
                "sitemap-month",
                kwargs={
                    "language": language,
                    "year": f"{month:%Y}",
                    "month": f"{month:%m}",
                },
            )
            window = (
                language,
                local_midnight(month).timestamp(),
                local_midnight(add_months(month, 1)).timestamp(),
            )
            site.add(Page(url, url.lstrip("/"), "sitemap", shows=window))
    return site


def add_language(site: Site, language: str, today: date) -> None:
    size = settings.NEWSROOM_PAGE_SIZE
    rows = list(
        Article.objects.published()
        .filter(language=language)
        .order_by("published_at", "pk")
        .values_list(
            "pk", "slug", "published_at", "updated_at", "translation_of_id", "region_id"
        )
    )
    position = {row[0]: index for index, row in enumerate(rows)}
    cursors = [str(Cursor(row[2], row[0])) for row in rows]

    # Tags (named in the language), regions and authors with stories in it.
    members: dict[tuple[str, int], list[int]] = {}
    live = Article.objects.published().filter(language=language).values("pk")
    tagged = TaggedArticle.objects.filter(content_object__in=live).values_list(
        "tag_id", "content_object_id"
    )
    for tag_id, pk in tagged:
        members.setdefault(("tag", tag_id), []).append(pk)
    bylines = Byline.objects.filter(article__in=live).values_list(
        "author_id", "article_id"
    )
    for author_id, pk in bylines:
        members.setdefault(("author", author_id), []).append(pk)
    for pk, *_rest, region_id in rows:
        if region_id:
            members.setdefault(("region", region_id), []).append(pk)
    urls = {
        ("tag", tag.pk): tag.get_absolute_url(language)
        for tag in Tag.objects.named_in(language).filter(
            pk__in={pk for kind, pk in members if kind == "tag"}
        )
    }
    for kind, model in (("region", Region), ("author", Author)):
        for obj in model.objects.filter(
            pk__in={pk for each, pk in members if each == kind}
        ):
            urls[(kind, obj.pk)] = obj.get_absolute_url()

    news_key = f"news:{language}"
    lists_of = {row[0]: [news_key] for row in rows}
    home = reverse("articles:home")
    site.add(Page(home, page_file(home), "list", list_key=news_key))
    search = reverse("articles:search")
    site.add(Page(search, page_file(search), "search"))
    news = StoryList(news_key, reverse("articles:news"), cursors, size)
    site.list_of_path[unquote(home)] = news.key
    add_list(site, news, feeds_under=home)
    for (kind, pk), stories in sorted(members.items()):
        if (kind, pk) not in urls:
            continue  # a tag with no name in this language has no page in it
        key = f"{kind}:{pk}:{language}"
        # A story gone live between this listing's queries is the next run's.
        in_order = sorted(set(stories) & position.keys(), key=position.__getitem__)
        for story in in_order:
            lists_of[story].append(key)
        story_list = StoryList(
            key,
            urls[(kind, pk)],
            [cursors[position[story]] for story in in_order],
            size,
        )
        add_list(site, story_list, feeds_under=home)

    # The stories, their pages and print views. Addresses are made from one
    # reversed address: reverse() for each of a hundred thousand costs seconds.
    pattern = reverse("articles:detail", kwargs={"pk": 1, "slug": "slug"})
    prefix = pattern.removesuffix("1/slug/")
    for pk, slug, published_at, updated_at, original, _region in rows:
        url = f"{prefix}{pk}/{slug if slug.isascii() else iri_to_uri(slug)}/"
        site.stories[pk] = Story(
            pk,
            language,
            as_time(published_at),
            as_time(updated_at),
            story_topic(SimpleNamespace(pk=pk, translation_of_id=original)),
            url,
            tuple(lists_of[pk]),
        )
        site.add(Page(url, page_file(url), "article"))
        site.add(Page(f"{url}print/", page_file(f"{url}print/"), "print"))

    # The archive: years and months from the first story's to today's (each
    # month's calendar links the month before and after), the days with news.
    if rows:
        # One time zone for all (localdate() asks for it a hundred thousand times).
        zone = timezone.get_current_timezone()
        days = {row[2].astimezone(zone).date() for row in rows}
        for year in range(min(days).year, today.year + 1):
            url = reverse("articles:archive-year", kwargs={"year": year})
            site.add(Page(url, page_file(url), "archive"))
        for month in month_range(min(days), today):
            url = reverse(
                "articles:archive-month",
                kwargs={"year": month.year, "month": month.month},
            )
            site.add(Page(url, page_file(url), "archive"))
        # One reversed address for the thousands of days, as for the stories.
        sample = reverse(
            "articles:archive-day", kwargs={"year": 2001, "month": 2, "day": 3}
        )
        day_prefix = sample.removesuffix("2001/02/03/")
        for day in days:
            url = f"{day_prefix}{day:%Y/%m/%d}/"
            site.add(Page(url, page_file(url), "archive"))


def add_list(site: Site, story_list: StoryList, feeds_under: str) -> None:
    """A list's pages, and its feeds (/<lang>/feeds/<subject path>/rss/ and atom/)."""
    site.lists[story_list.key] = story_list
    site.list_of_path[unquote(story_list.url)] = story_list.key
    first_file = page_file(story_list.url)
    for number in range(story_list.numbered + 1):
        query = f"?{story_list.page_query(number)}" if number else ""
        site.add(
            Page(
                story_list.url + query,
                story_list.page_file(number, first_file),
                "list",
                list_key=story_list.key,
                number=number,
            )
        )
    subject = story_list.url.removeprefix(feeds_under)
    if subject == "news/":
        subject = ""  # the language's own feeds
    for feed in feed_links(feeds_under, subject):
        url = feed["url"]
        site.add(
            Page(
                url,
                page_file(url, "index.xml"),
                "feed",
                list_key=story_list.key,
                number=FEED,
            )
        )
