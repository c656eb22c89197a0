"""Readers' pages: latest news, all news, article, date archives, tag/region/author."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Count, Q
from django.db.models.functions import ExtractDay, ExtractMonth
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from articles.calendar import add_months, local_midnight, month_calendar, month_url
from articles.feeds import feed_links
from articles.forms import SearchForm
from articles.freshness import shows_stories, story_topic
from articles.models import Article, FormerTagSlug, Region, Tag, TaggedArticle
from articles.pagination import Cursor, keyset_page
from articles.parts import whole_story
from articles.preview import preview_url, previewable_stories
from articles.related import RELATED_COUNT, related_stories
from articles.rendering import render_material, story_cards, with_register_names
from articles.search import MAX_PAGES, Query, search
from articles.seo import article_meta
from articles.validation import EARLIEST_PUBLICATION
from authors.models import Author, AuthorAlias
from disclaimers.rendering import labels_in_force
from newsroom import page_cache
from newsroom.i18n import current_language
from photos import credentials
from photos.models import Photo, Rendition
from photos.rendering import crop, figure, photos_by_id, sources

LATEST_NEWS_COUNT = 10


def published_in_language():
    return Article.objects.published().filter(language=current_language())


def render_latest_news(language: str) -> str:
    """The sidebar's latest news in `language`."""
    with translation.override(language):
        latest = list(
            with_register_names(
                published_in_language()
                .newest_first()
                .only("pk", "slug", "language", "headline", "published_at")
            )[:LATEST_NEWS_COUNT]
        )
        shows_stories(language, latest, complete=len(latest) < LATEST_NEWS_COUNT)
        return render_to_string("articles/_latest_news.html", {"latest_news": latest})


def render_calendar(language: str, month: str) -> str:
    """The sidebar's calendar of `month` ("2026-12") in `language`."""
    first = date.fromisoformat(f"{month}-01")
    page_cache.depends_on(
        language=language,
        start=local_midnight(first),
        end=local_midnight(add_months(first, 1)),
    )
    with translation.override(language):
        return render_to_string(
            "articles/_calendar.html", {"calendar": month_calendar(language, first)}
        )


class PublicPageMixin:
    """The sidebar of every public page: latest news and the archive calendar."""

    def calendar_month(self) -> date:
        return timezone.localdate().replace(day=1)

    def alternates(self) -> dict[str, str]:
        """This page in each language; most pages exist under both prefixes. The
        route the request resolved to, reversed in each (translate_url would resolve
        the address once more for each language)."""
        match = self.request.resolver_match
        alternates = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                alternates[code] = reverse(
                    match.view_name, args=match.args, kwargs=match.kwargs
                )
        return alternates

    def feeds(self) -> list[dict]:
        """The feeds this page offers in its <head>: the language's news."""
        return feed_links(reverse("articles:home"))

    def language_links(self) -> list[dict]:
        """The switcher and hreflang links: this page's versions, else the home page."""
        alternates = self.alternates()
        links = []
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                home = reverse("articles:home")
            links.append(
                {
                    "code": code,
                    # Each language named in itself: a reader finds their own.
                    "name": translation.get_language_info(code)["name_local"],
                    "url": alternates.get(code, home),
                    "is_alternate": code in alternates,
                    "is_current": code == current_language(),
                }
            )
        return links

    def sidebar(self) -> str:
        """Latest news and the month's calendar: the same on many pages, so holes
        the page cache fills with pieces rendered once (render_latest_news and
        render_calendar)."""
        language, month = current_language(), self.calendar_month()
        return page_cache.hole("latest", language) + page_cache.hole(
            "calendar", language, f"{month:%Y-%m}"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sidebar"] = self.sidebar()
        context["archive_url"] = month_url(self.calendar_month())
        context["language_links"] = self.language_links()
        context["feeds"] = self.feeds()
        if "labels" not in context:
            context["labels"] = labels_in_force()
        return context


class ArticleListView(PublicPageMixin, TemplateView):
    """Newest-first stories in keyset pages; subclasses narrow the list."""

    template_name = "articles/article_list.html"
    title = _("All news")

    def articles(self):
        return published_in_language()

    def page_title(self) -> str:
        return self.title

    def get_context_data(self, **kwargs):
        page = keyset_page(
            # Which stories, and where the page ends: their cards are kept.
            self.articles().only("pk", "published_at"),
            before=self.request.GET.get("before"),
            after=self.request.GET.get("after"),
            size=settings.NEWSROOM_PAGE_SIZE,
        )
        self.depends_on_page(page)
        return super().get_context_data(
            page=page,
            cards=story_cards(page.items),
            page_title=self.page_title(),
            **kwargs,
        )

    def depends_on_page(self, page) -> None:
        """The stretch of the timeline a story joining or leaving would change: from
        the cursor (or oldest shown) to the cursor (or newest shown), open at the
        archive's start and at the newest story."""
        before = Cursor.parse(self.request.GET.get("before"))
        # As keyset_page reads them: "after" only without a "before".
        after = None if before else Cursor.parse(self.request.GET.get("after"))
        start = end = None
        if page.older:
            start = (after if after and page.newer else page.older).at
        if page.newer:
            end = (before or Cursor.of(page.items[0])).at
        page_cache.depends_on(language=current_language(), start=start, end=end)


class HomeView(ArticleListView):
    title = _("Latest news")


class NewsListView(ArticleListView):
    pass


class TagView(ArticleListView):
    """A tag's stories in the page's language, under the tag's slug in it.

    A tag with no name in the language has no page in it; its slug in the other
    language, or a slug it had before, redirects (301) to the page's own.
    """

    def get(self, request, *args, **kwargs):
        language, slug = current_language(), kwargs["slug"]
        self.tag = Tag.objects.by_slug(slug, language).first()
        if self.tag is None:
            tag = tag_known_by(slug, language)
            if tag is None:
                raise Http404("No such tag in this language")
            return redirect(tag.get_absolute_url(language), permanent=True)
        return super().get(request, *args, **kwargs)

    def articles(self):
        tagged = TaggedArticle.objects.filter(tag=self.tag)
        return (
            super()
            .articles()
            .among(
                tagged.values_list("content_object", flat=True),
                known_as=("tag", self.tag.pk),
            )
        )

    def page_title(self) -> str:
        return self.tag.own_name(current_language())

    def alternates(self) -> dict[str, str]:
        # Only the languages the tag is named in have its page.
        return {
            code: self.tag.get_absolute_url(code)
            for code, _name in settings.LANGUAGES
            if self.tag.own_name(code)
        }

    def feeds(self) -> list[dict]:
        return (
            feed_links(reverse("articles:home"), f"tags/{self.tag.slug}/")
            + super().feeds()
        )


def tag_known_by(slug: str, language: str) -> Tag | None:
    """The tag named in `language` whose slug in any language, or former slug,
    `slug` is."""
    known_by = Q(pk__in=FormerTagSlug.objects.filter(slug=slug).values("tag"))
    for code, _name in settings.LANGUAGES:
        known_by |= Q(**{f"slug_{code}": slug})
    return Tag.objects.named_in(language).filter(known_by).order_by("pk").first()


class RegionView(ArticleListView):
    def articles(self):
        self.region = get_object_or_404(Region, slug=self.kwargs["slug"])
        return super().articles().filter(region=self.region)

    def page_title(self) -> str:
        return str(self.region)

    def feeds(self) -> list[dict]:
        return (
            feed_links(reverse("articles:home"), f"regions/{self.region.slug}/")
            + super().feeds()
        )


class AuthorView(ArticleListView):
    def get(self, request, *args, **kwargs):
        self.author = Author.objects.filter(slug=kwargs["slug"]).first()
        if self.author is None:
            # Another spelling of the name leads to the one author page.
            alias = get_object_or_404(
                AuthorAlias.objects.select_related("author"), slug=kwargs["slug"]
            )
            return redirect(alias.author, permanent=True)
        return super().get(request, *args, **kwargs)

    def articles(self):
        return (
            super()
            .articles()
            .among(
                self.author.bylines.values_list("article", flat=True),
                known_as=("author", self.author.pk),
            )
        )

    def page_title(self) -> str:
        return str(self.author)

    def feeds(self) -> list[dict]:
        return (
            feed_links(reverse("articles:home"), f"authors/{self.author.slug}/")
            + super().feeds()
        )


@dataclass
class StoryPage:
    """A story's own part of its page (its <head> data and its <article>) and what
    the page composed around it reads: the related stories, the calendar's month, the
    language switcher."""

    pk: int
    topic: str  # freshness.story_topic
    language: str
    published_at: datetime | None
    tag_ids: list[int]
    region_id: int | None
    url: str
    alternates: dict[str, str]  # its published versions, by language
    title: str
    head: SafeString
    article: SafeString


@dataclass
class RelatedSection:
    """An article's related stories as its page shows them."""

    html: SafeString
    start: datetime | None  # the oldest one's time: the stretch they come from


class ArticleDetailView(PublicPageMixin, TemplateView):
    template_name = "articles/article_detail.html"

    def may_show(self, story: Article) -> bool:
        """Whether this view shows the story: readers see what is live."""
        return story.is_live

    def get_object(self) -> Article:
        story = whole_story(self.kwargs["pk"])
        if story is None or not self.may_show(story):
            raise Http404("No such story")
        return story

    def canonical_url(self) -> str:
        return self.story.url

    def get(self, request, *args, **kwargs):
        try:
            self.story = self.story_page()
        except Http404:
            # Not for readers (yet): staff who may read the story are led to its
            # preview, so the admin's "View on site" answers in every state.
            # Everyone else gets the same 404 as for a story that does not exist.
            story = (
                previewable_stories(request.user)
                .filter(pk=kwargs["pk"])
                .only("pk", "language")
                .first()
            )
            if story is None:
                # A withdrawn story readers once had keeps its notice and record.
                from record.views import withdrawn_notice

                notice = withdrawn_notice(request, kwargs["pk"])
                if notice is None:
                    raise
                return notice
            response = redirect(preview_url(story))
            add_never_cache_headers(response)
            return response
        if request.path != self.canonical_url():
            # A wrong or missing slug, or the other language's prefix: corrected for
            # good.
            return redirect(self.canonical_url(), permanent=True)
        return self.render_to_response(self.get_context_data())

    def story_page(self) -> StoryPage:
        """The story's part of the page, kept until the story (or one of its versions
        in other languages) or everything changes: a publish that changes only its
        related stories or the sidebar composes the page again around it. Kept for
        every process: the costliest part of the page is rendered once between them."""
        root = self.request.build_absolute_uri("/")
        return page_cache.kept_value(
            f"story-page:{self.kwargs['pk']}:{current_language()}:{root}",
            self.render_story_page,
            size=lambda story: len(story.head) + len(story.article),
            shared=True,
        )

    def render_story_page(self) -> StoryPage:
        self.object = article = self.get_object()
        context = self.story_context()
        return StoryPage(
            pk=article.pk,
            topic=story_topic(article),
            language=article.language,
            published_at=article.published_at,
            tag_ids=[tag.pk for tag in article.tags_shown()],
            region_id=article.region_id,
            url=article.get_absolute_url(),
            alternates={
                version.language: version.get_absolute_url()
                for version in [article, *self.translated]
            },
            title=context["material"].headline_text,
            head=self.render_part("head", context),
            article=self.render_part("article", context),
        )

    def story_context(self) -> dict:
        """What the story's part shows: its material, its <head> data."""
        context = self.material_context()
        context["meta"] = self.meta(context["material"])
        return context

    def render_part(self, name: str, context: dict) -> SafeString:
        return mark_safe(
            render_to_string(f"{self.template_name}#{name}", context, self.request)
        )

    def reference_time(self):
        """The story's moment: its publication (or, unpublished, now)."""
        return self.story.published_at or timezone.now()

    def calendar_month(self) -> date:
        return timezone.localdate(self.reference_time()).replace(day=1)

    def translations(self) -> list[Article]:
        """The published versions of this story in the other languages."""
        return [version for version in self.object.versions if version.is_live]

    def related(self) -> list[Article]:
        """The newest stories before this one sharing its region or one of its tags."""
        story = self.story
        return related_stories(
            story.pk,
            story.language,
            self.reference_time(),
            story.tag_ids,
            story.region_id,
        )

    def material_context(self) -> dict:
        """The story through the one renderer, and what the material's partials read:
        its published translations, the published original of a translation."""
        # What shows this story shows its versions in other languages too.
        page_cache.depends_on(topics=[story_topic(self.object)])
        self.translated = self.translations()
        lead = self.object.lead_photo  # read with the story (whole_story)
        self.photos = photos_by_id(
            self.object.photo_ids(), known=[lead] if lead else []
        )
        original = next(
            (
                other
                for other in self.translated
                if other.pk == self.object.translation_of_id
            ),
            None,
        )
        material = render_material(self.object, photos=self.photos, original=original)
        return {
            "article": self.object,
            "material": material,
            "labels": material.labels,
            "original": original,
        }

    def meta(self, material) -> dict | None:
        return article_meta(
            self.object,
            self.request,
            self.photos.get(self.object.lead_photo_id),
            headline=material.headline_text,
        )

    def related_section(self) -> RelatedSection:
        """The related stories as the page shows them, kept for every process until
        a story in their stretch of the timeline (or the story itself) changes."""
        return page_cache.kept_value(
            f"related:{self.story.pk}:{current_language()}",
            self.render_related_section,
            size=lambda section: len(section.html),
            shared=True,
        )

    def render_related_section(self) -> RelatedSection:
        related = self.related()
        section = RelatedSection(
            self.render_part("related", {"related": related}),
            related[-1].published_at if len(related) == RELATED_COUNT else None,
        )
        self.depends_on_related(section)
        return section

    def depends_on_related(self, section: RelatedSection) -> None:
        # The story's tags and region choose them; a story published later never
        # joins them.
        page_cache.depends_on(topics=[self.story.topic])
        page_cache.depends_on(
            language=self.story.language,
            start=section.start,
            end=self.reference_time(),
        )

    def get_context_data(self, **kwargs):
        # The page shows the story (its part, kept or not) and its related stories.
        section = self.related_section()
        self.depends_on_related(section)
        return super().get_context_data(
            story=self.story,
            related=section.html,
            labels=(),  # the story's part has them, under its headline
            **kwargs,
        )

    def alternates(self) -> dict[str, str]:
        return self.story.alternates


@method_decorator([never_cache, staff_member_required], name="dispatch")
class ArticlePreviewView(ArticleDetailView):
    """Any story in any state, exactly as its page will show it, for the staff who
    may read it (anonymous visitors are sent to sign in, others get a 404).

    Marked private and no-store (the page cache never keeps it) and noindex.
    """

    def may_show(self, story: Article) -> bool:
        return previewable_stories(self.request.user).filter(pk=story.pk).exists()

    def canonical_url(self) -> str:
        return preview_url(self.object)

    def get(self, request, *args, **kwargs):
        self.story = self.story_page()
        if request.path != self.canonical_url():
            return redirect(self.canonical_url())
        return self.render_to_response(self.get_context_data())

    def story_page(self) -> StoryPage:
        return self.render_story_page()  # never kept: any state, for its staff

    def related_section(self) -> RelatedSection:
        return self.render_related_section()

    def story_context(self) -> dict:
        article = self.object
        self.preview = {
            # Readers see it now: the one publication rule decides.
            "is_public": Article.objects.published().filter(pk=article.pk).exists(),
            "admin_url": reverse("admin:articles_article_change", args=[article.pk]),
        }
        return super().story_context() | {"preview": self.preview}

    def meta(self, material) -> dict | None:
        # Search engines' and networks' data needs a publication time.
        return super().meta(material) if self.object.published_at else None

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            preview=self.preview, article=self.object, **kwargs
        )

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response


class ArticlePrintView(ArticleDetailView):
    """The article alone, for printing, through the same renderer and partials."""

    template_name = "articles/article_print.html"

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        canonical = self.object.get_absolute_url() + "print/"
        if request.path != canonical:
            return redirect(canonical, permanent=True)
        return self.render_to_response(self.material_context())


class ArchiveMixin(PublicPageMixin):
    """Date archives; dates are counted in the site's time zone (Moscow)."""

    def archive_date(self) -> date:
        try:
            day = date(
                int(self.kwargs["year"]),
                int(self.kwargs.get("month", 1)),
                int(self.kwargs.get("day", 1)),
            )
        except ValueError:
            raise Http404("No such date") from None
        if day < EARLIEST_PUBLICATION or day > timezone.localdate():
            raise Http404("The archive has no such date")
        return day

    def calendar_month(self) -> date:
        return self.archive_date().replace(day=1)

    def published_between(self, start: date, end: date):
        start_at, end_at = local_midnight(start), local_midnight(end)
        page_cache.depends_on(language=current_language(), start=start_at, end=end_at)
        return published_in_language().filter(
            published_at__gte=start_at, published_at__lt=end_at
        )


class DayArchiveView(ArchiveMixin, TemplateView):
    template_name = "articles/archive_day.html"

    def get_context_data(self, **url_kwargs):
        # The URL's year/month/day arrive as ints; the context gets dates instead.
        day = self.archive_date()
        articles = self.published_between(day, day + timedelta(days=1))
        stories = articles.newest_first().only("pk")
        return super().get_context_data(day=day, cards=story_cards(stories))


class MonthArchiveView(ArchiveMixin, TemplateView):
    template_name = "articles/archive_month.html"

    def get_context_data(self, **url_kwargs):
        # The URL's year/month/day arrive as ints; the context gets dates instead.
        month = self.archive_date()
        days = (
            self.published_between(month, add_months(month, 1))
            .annotate(day=ExtractDay("published_at"))
            .order_by("day")
            .values("day")
            .annotate(count=Count("pk"))
        )
        return super().get_context_data(
            month=month,
            days=[
                {
                    "date": month.replace(day=row["day"]),
                    "count": row["count"],
                    "url": reverse(
                        "articles:archive-day",
                        kwargs={
                            "year": month.year,
                            "month": month.month,
                            "day": row["day"],
                        },
                    ),
                }
                for row in days
            ],
        )


class YearArchiveView(ArchiveMixin, TemplateView):
    template_name = "articles/archive_year.html"

    def calendar_month(self) -> date:
        year = self.archive_date().year
        today = timezone.localdate()
        return today.replace(day=1) if year == today.year else date(year, 12, 1)

    def get_context_data(self, **url_kwargs):
        # The URL's year/month/day arrive as ints; the context gets dates instead.
        year = self.archive_date().year
        months = (
            self.published_between(date(year, 1, 1), date(year + 1, 1, 1))
            .annotate(month=ExtractMonth("published_at"))
            .order_by("month")
            .values("month")
            .annotate(count=Count("pk"))
        )
        return super().get_context_data(
            year=year,
            months=[
                {
                    "date": date(year, row["month"], 1),
                    "count": row["count"],
                    "url": reverse(
                        "articles:archive-month",
                        kwargs={"year": year, "month": row["month"]},
                    ),
                }
                for row in months
            ],
        )


class SearchView(PublicPageMixin, TemplateView):
    """/<lang>/search/?q=: any query string, however odd, gives a normal page."""

    template_name = "articles/search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET or None)
        query = form.query() if form.is_bound else Query()
        # Newest first pages by keyset, as the lists do; by relevance, by number.
        if query.order == "date":
            query.page = 1
            query.before = Cursor.parse(self.request.GET.get("before"))
        results = search(current_language(), query)
        # Any story of the language may join or leave the results.
        page_cache.depends_on(language=current_language())
        if query.order == "date":
            older = {"before": str(results.older)} if results.older else None
            newer = {} if query.before else None
        else:
            more = results.has_next and query.page < MAX_PAGES
            older = {"page": query.page + 1} if more else None
            newer = {"page": query.page - 1} if query.page > 1 else None
        return super().get_context_data(
            form=form,
            query=query,
            results=results,
            page_title=_("Search"),
            next_url=self.page_url(older),
            previous_url=self.page_url(newer),
            **kwargs,
        )

    def page_url(self, changes: dict | None) -> str | None:
        """This search's address with another page (an empty dict: the first)."""
        if changes is None:
            return None
        params = self.request.GET.copy()
        for name in ("page", "before"):
            params.pop(name, None)
        params.update(changes)
        return f"?{params.urlencode()}"


class PhotoCredentialsView(PublicPageMixin, TemplateView):
    """/<lang>/photos/<key>/credentials/: what the files of a photo readers see say
    of where it came from (their Content Credentials), read from the files."""

    template_name = "articles/photo_credentials.html"

    def get_context_data(self, **kwargs):
        photo = get_object_or_404(
            Photo.objects.select_related("photographer").prefetch_related("renditions"),
            key=kwargs["key"],
        )
        if not Article.objects.published().showing(photo.pk).exists():
            raise Http404("No story on the site shows this photo.")
        language = current_language()
        whole = sources(photo, Rendition.Format.JPEG)
        crops = [crop(photo, shape) for shape in ("social", "wide", "square")]
        files = [
            *whole,
            *sources(photo, Rendition.Format.WEBP),
            *(each for each in crops if each),
        ]
        shown = whole[-1]
        with shown.file.open("rb") as file:
            found = credentials.read(file.read(), Rendition.Format.JPEG)
        return super().get_context_data(
            photo=photo,
            figure=figure(photo, language),
            caption=photo.caption(language),
            files=files,
            credentials=found,
            **kwargs,
        )
