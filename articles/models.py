"""Articles, the regions and tags they are filed under, and their corrections."""

import time
import uuid
from datetime import datetime
from math import inf

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from articles import signals
from articles.html import sanitize_html
from articles.validation import (
    check_fields,
    check_plain_text,
    check_publication_time,
    check_tag_name,
    check_text,
    normalised_slug,
)
from disclaimers.rendering import MATERIAL_PREFETCH
from newsroom.i18n import NamedInLanguages, current_language
from newsroom.text import latin_slug, tag_key, tag_slug
from photos.models import Photo
from photos.rendering import photo_ids_in


class Region(NamedInLanguages, models.Model):  # noqa: DJ008 (its __str__ is the name)
    name_ru = models.CharField(_("name in Russian"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name_en"]

    def get_absolute_url(self):
        return reverse("articles:region", kwargs={"slug": self.slug})


class TagQuerySet(models.QuerySet):
    def named_in(self, language: str) -> "TagQuerySet":
        """Tags with a name in `language`: the only ones its pages show."""
        return self.exclude(**{f"name_{language}": ""})

    def matching(self, name: str) -> "TagQuerySet":
        """Tags called `name` in either language, case-insensitively, oldest first."""
        key = tag_key(name)
        return self.filter(Q(lookup_ru=key) | Q(lookup_en=key)).order_by("pk")

    def by_slug(self, slug: str, language: str) -> "TagQuerySet":
        return self.filter(**{f"slug_{language}": slug}).named_in(language)


class Tag(NamedInLanguages, models.Model):  # noqa: DJ008 (its __str__ is the name)
    """A subject stories are filed under, with a name and slug per language.

    One tag serves a story and its translation; each language's pages show only the
    tags named in it (a Russian name never reaches an English page).
    """

    # An integer key, as taggit's tags had: the stories' links (TaggedArticle) kept
    # theirs when the tags moved here, without rewriting a row per story.
    id = models.AutoField(primary_key=True)
    name_ru = models.CharField(_("name in Russian"), max_length=100, blank=True)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    slug_ru = models.SlugField(
        _("slug in Russian"), max_length=100, blank=True, allow_unicode=True
    )
    slug_en = models.SlugField(_("slug in English"), max_length=100, blank=True)
    # Each name folded (case, spacing) as typed names are matched: kept in columns
    # so matching is the same on SQLite, whose LIKE folds ASCII letters only.
    lookup_ru = models.CharField(max_length=100, blank=True, editable=False)
    lookup_en = models.CharField(max_length=100, blank=True, editable=False)
    articles = models.ManyToManyField(
        "Article",
        verbose_name=_("stories"),
        through="TaggedArticle",
        related_name="tags",
        blank=True,
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name_ru", "name_en"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_ru="") | ~Q(name_en=""), name="tag_has_a_name"
            ),
            models.UniqueConstraint(
                fields=["slug_ru"],
                condition=~Q(slug_ru=""),
                name="tag_slug_ru_unique",
            ),
            models.UniqueConstraint(
                fields=["slug_en"],
                condition=~Q(slug_en=""),
                name="tag_slug_en_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["lookup_ru"], name="tag_lookup_ru_idx"),
            models.Index(fields=["lookup_en"], name="tag_lookup_en_idx"),
        ]

    def save(self, *args, **kwargs):
        """Names tidied and folded for matching; a slug made for each name that has
        none; a changed slug kept as a former one, so its old address redirects."""
        stored = (
            Tag.objects.filter(pk=self.pk).values(*SLUG_FIELDS).first()
            if self.pk
            else None
        )
        for language in LANGUAGE_CODES:
            name = " ".join(getattr(self, f"name_{language}").split())
            setattr(self, f"name_{language}", name)
            setattr(self, f"lookup_{language}", tag_key(name))
            if name and not getattr(self, f"slug_{language}"):
                setattr(self, f"slug_{language}", self.unique_slug(name, language))
        changed = [
            (language, stored[f"slug_{language}"])
            for language in (LANGUAGE_CODES if stored else ())
            if stored[f"slug_{language}"]
            and stored[f"slug_{language}"] != getattr(self, f"slug_{language}")
        ]
        if not changed:  # a new tag, or its slugs as they were: one statement
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            super().save(*args, **kwargs)
            for language, former in changed:
                FormerTagSlug.objects.update_or_create(
                    language=language, slug=former, defaults={"tag": self}
                )

    def get_absolute_url(self, language: str | None = None) -> str:
        language = language or current_language()
        with translation.override(language):
            return reverse("articles:tag", kwargs={"slug": self.slug_in(language)})

    def own_name(self, language: str) -> str:
        """The name in `language` only ("" when it has none): what its pages show."""
        return getattr(self, f"name_{language}")

    def slug_in(self, language: str) -> str:
        return getattr(self, f"slug_{language}")

    @property
    def slug(self) -> str:
        """The slug in the active language, as `name` is the name in it."""
        return self.slug_in(current_language())

    def clean(self):
        if not (self.name_ru.strip() or self.name_en.strip()):
            raise ValidationError(
                _("Give the tag a name in at least one language."), code="no_name"
            )
        check_fields(
            [
                (check_tag_name, getattr(self, f"name_{language}"), f"name_{language}")
                for language in LANGUAGE_CODES
                if getattr(self, f"name_{language}")
            ]
        )
        errors = {}
        for language in LANGUAGE_CODES:
            name = getattr(self, f"name_{language}")
            others = Tag.objects.exclude(pk=self.pk)
            if name and others.filter(**{f"lookup_{language}": tag_key(name)}).exists():
                errors[f"name_{language}"] = ValidationError(
                    _("Another tag has this name."), code="duplicate_name"
                )
            slug = getattr(self, f"slug_{language}")
            if slug and others.filter(**{f"slug_{language}": slug}).exists():
                errors[f"slug_{language}"] = ValidationError(
                    _("Another tag has this slug."), code="duplicate_slug"
                )
        if errors:
            raise ValidationError(errors)

    def unique_slug(self, name: str, language: str) -> str:
        """A slug for `name` no other tag has in `language` (-2, -3, ... if taken)."""
        base = tag_slug(name, language) or "tag"
        slug, number = base, 1
        taken = Tag.objects.exclude(pk=self.pk)
        while taken.filter(**{f"slug_{language}": slug}).exists():
            number += 1
            slug = f"{base[:90]}-{number}"
        return slug


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]
SLUG_FIELDS = [f"slug_{code}" for code in LANGUAGE_CODES]


class FormerTagSlug(models.Model):
    """A slug a tag had in a language before it changed: its page redirects."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="former_slugs")
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    slug = models.SlugField(_("slug"), max_length=100, allow_unicode=True)

    class Meta:
        verbose_name = _("former tag slug")
        verbose_name_plural = _("former tag slugs")
        constraints = [
            models.UniqueConstraint(
                fields=["language", "slug"], name="former_tag_slug_once"
            )
        ]

    def __str__(self):
        return self.slug


# Up to this many stories, a tag's or author's list is fetched by id (see among()).
SPARSE_LISTING = 2000
# How long a process remembers that a list has more (lists rarely shrink that much).
MANY_REMEMBERED_SECONDS = 600
# Lists found to hold more than SPARSE_LISTING stories, by what names them: when.
_many_since: dict[tuple, float] = {}


def ids_if_few(article_ids: models.QuerySet, known_as: tuple) -> list[int] | None:
    """The ids `article_ids` (one column, unordered) names when they are few (up to
    SPARSE_LISTING); None when they are many, which is remembered by `known_as` for
    MANY_REMEMBERED_SECONDS (see ArticleQuerySet.among)."""
    if time.monotonic() - _many_since.get(known_as, -inf) < MANY_REMEMBERED_SECONDS:
        return None
    ids = list(article_ids[: SPARSE_LISTING + 1])
    if len(ids) <= SPARSE_LISTING:
        return ids
    if len(_many_since) > 10_000:
        _many_since.clear()
    _many_since[known_as] = time.monotonic()
    return None


# Moved only by articles/wire.py; not revisions of the story.
WIRE_FIELDS = ("wire_at", "wire_version")


def wire_moment() -> Coalesce:
    """When partners were last told of a story: its publication if never since."""
    return Coalesce("wire_at", "published_at")


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """What readers may see: published, and its publication time has come.

        The one publication rule of the site; a story scheduled for later shows up
        by itself once its time passes, with no job to run.
        """
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=timezone.now()
        )

    def newest_first(self) -> "ArticleQuerySet":
        return self.order_by("-published_at", "-id")

    def among(self, article_ids: models.QuerySet, known_as: tuple) -> "ArticleQuerySet":
        """Only the stories `article_ids` (one column of ids) names, such as an
        author's or a tag's, by the plan that suits how many there are.

        A few (an author with forty stories in a million) are fetched by id and
        sorted; many are found walking the newest-first index, where one in a
        hundred turns up soon. The planner cannot tell which from its statistics:
        taking the walk for a rare author reads the whole archive.

        A list found to hold many is remembered (by `known_as`, what names it:
        ("tag", pk)) for MANY_REMEMBERED_SECONDS: a common tag's page or an article's
        related stories then skip fetching its first two thousand ids.
        """
        article_ids = article_ids.order_by()
        ids = ids_if_few(article_ids, known_as)
        if ids is None:
            return self.filter(pk__in=article_ids)
        return self.filter(pk__any_of=ids)

    def for_display(self) -> "ArticleQuerySet":
        """With everything a rendering of the story reads: region, bylines, tags,
        corrections and the register mentions the material renderer stars and
        footnotes."""
        return self.select_related("region").prefetch_related(
            models.Prefetch(
                "bylines", queryset=Byline.objects.select_related("author")
            ),
            "tags",
            "corrections",
            *MATERIAL_PREFETCH,
        )

    def scheduled(self) -> "ArticleQuerySet":
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__gt=timezone.now()
        )

    def languages_showing(self, photo: Photo) -> set[str]:
        """The languages of the published (or scheduled) stories using `photo`, as
        lead photo or placed in the body. It runs when a photo is opened or saved in
        the admin, never for a reader's page."""
        live = self.filter(status=Article.Status.PUBLISHED).order_by()
        languages = set(
            live.filter(lead_photo=photo).values_list("language", flat=True).distinct()
        )
        placed = live.placing(photo.pk).exclude(language__in=languages)
        for language, body in placed.values_list("language", "body").iterator():
            if photo.pk in photo_ids_in(body):
                languages.add(language)
        return languages

    def showing(self, photo_pk: int) -> "ArticleQuerySet":
        """These stories that show the photo, as lead photo or in the body."""
        placed = [
            pk
            for pk, body in self.placing(photo_pk).values_list("pk", "body").iterator()
            if photo_pk in photo_ids_in(body)
        ]
        return self.filter(Q(lead_photo_id=photo_pk) | Q(pk__in=placed))

    def placing(self, photo_pk: int) -> "ArticleQuerySet":
        """The stories whose body may place the photo: confirm with photo_ids_in.

        The body is searched with LIKE. On PostgreSQL the search vector narrows it
        first: "[photo:123]" gave the body the word 123, found through the GIN index
        (15 ms instead of 2 s reading 100,000 bodies). SQLite reads the bodies.
        """
        placed = self.filter(body__contains=f"[photo:{photo_pk}]")
        if connection.vendor == "postgresql":
            placed = placed.filter(
                RawSQL(
                    "search_vector @@ %s::tsquery",
                    [str(photo_pk)],
                    output_field=models.BooleanField(),
                )
            )
        return placed

    def next_publication(self) -> datetime | None:
        """When the next scheduled story goes live (None: none is scheduled)."""
        return (
            self.scheduled()
            .order_by("published_at")
            .values_list("published_at", flat=True)
            .first()
        )

    def stale_translations(self) -> "ArticleQuerySet":
        """Approved translations whose original's text changed after the approval."""
        return self.filter(
            translation_of__isnull=False,
            approved_at__isnull=False,
            translation_of__text_changed_at__gt=models.F("approved_at"),
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned to author")
        PUBLISHED = "published", _("published")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # The story's identity beyond this database (exports, imports, partners): ids
    # and numbers change from one installation to another, this does not.
    key = models.UUIDField(_("key"), default=uuid.uuid4, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    headline = models.CharField(_("headline"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, blank=True)
    lead = models.TextField(_("lead"), blank=True)
    body = models.TextField(_("body"), blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="articles",
    )
    lead_photo = models.ForeignKey(
        "photos.Photo",
        verbose_name=_("lead photo"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Photos inside the body: a paragraph with just [photo:ID]."),
    )
    authors = models.ManyToManyField(
        "authors.Author",
        verbose_name=_("authors"),
        through="Byline",
        related_name="articles",
        blank=True,
    )
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_("e.g. “our correspondent”")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("publication time"),
        null=True,
        blank=True,
        help_text=_("A time in the future schedules the story."),
    )
    translation_of = models.ForeignKey(
        "self",
        verbose_name=_("translation of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last edited"), auto_now=True)
    text_changed_at = models.DateTimeField(
        _("text last changed"), default=timezone.now, editable=False
    )
    # Optimistic locking: a save carries the version it was based on.
    version = models.PositiveIntegerField(_("version"), default=1)
    # Scheduled with an embargo: partners get it at once, readers at its time.
    embargoed = models.BooleanField(
        _("embargo for partners"),
        default=False,
        db_default=False,  # rows written by SQL alone (bench/generate.py) too
        editable=False,
        help_text=_(
            "Partners received it when it was scheduled, embargoed until its "
            "publication time."
        ),
    )
    # What partners were last told of the story (articles/wire.py): when, and the
    # item's version then. Only the wire moves them, and only forward. A story never
    # told (published before the wire, or by other means) is version 1 of its
    # publication time: wire_moment().
    wire_at = models.DateTimeField(
        _("last sent to partners"), null=True, editable=False
    )
    wire_version = models.PositiveIntegerField(
        _("version sent to partners"), default=0, db_default=0, editable=False
    )

    history = HistoricalRecords(excluded_fields=["updated_at", *WIRE_FIELDS])

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_article", _("Can publish, schedule and withdraw articles")),
            ("translate_article", _("Can translate articles")),
            ("view_all_articles", _("Can see every story, not only their own")),
        ]
        indexes = [
            # Serves every public listing: one language, published, newest first,
            # and keyset pages that resume from (published_at, id).
            models.Index(
                fields=["language", "status", "-published_at", "-id"],
                name="article_listing_idx",
            ),
            # The admin's list of every story, newest first.
            models.Index(fields=["-published_at", "-id"], name="article_newest_idx"),
            # A region's stories, however few: the listing index would read every
            # story of the language to find a rare region's.
            models.Index(
                fields=["region", "language", "status", "-published_at", "-id"],
                name="article_region_listing_idx",
            ),
            # The partner feed's changes since a moment, oldest first (?since=).
            models.Index(
                wire_moment(),
                "id",
                name="article_wire_idx",
                condition=Q(status__in=["published", "withdrawn"]),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_article_has_a_time",
            ),
            # Two "Translate" clicks at once must not make two translations.
            models.UniqueConstraint(
                fields=["translation_of", "language"],
                name="one_translation_per_language",
                violation_error_code="translation_exists",
                violation_error_message=_(
                    "This story already has a translation in that language."
                ),
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.normalise()
        if self._state.adding:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            # Lock the row: two saves based on the same version cannot both pass.
            stored = (
                Article.objects.select_for_update()
                .filter(pk=self.pk)
                .values("version", "text_changed_at", *TEXT_FIELDS, *WIRE_FIELDS)
                .get()
            )
            if stored["version"] != self.version:
                raise StaleEdit(self, stored["version"])
            if stored["wire_version"] > self.wire_version:
                # Told to partners since this copy was read (a correction added
                # with the form): what they were told stands.
                self.wire_at, self.wire_version = (stored[n] for n in WIRE_FIELDS)
            text_changed = any(
                stored[name] != getattr(self, name) for name in TEXT_FIELDS
            )
            if text_changed:
                self.text_changed_at = timezone.now()
                previous = stored["text_changed_at"]
                transaction.on_commit(
                    lambda: signals.text_changed.send(
                        Article, article=self, previous_change=previous
                    )
                )
            self.version += 1
            super().save(*args, **kwargs)

    def get_absolute_url(self):
        with translation.override(self.language):
            return reverse("articles:detail", kwargs={"pk": self.pk, "slug": self.slug})

    def clean(self):
        self.stamp_publication_time()
        self.check_values()
        if not self._state.adding:
            stored = Article.objects.filter(pk=self.pk)
            if transaction.get_connection().in_atomic_block:
                # Locked until the save commits: a save that starts meanwhile waits
                # here and is refused in its form, with its text, not after it.
                stored = stored.select_for_update()
            version = stored.values_list("version", flat=True).first()
            if version is not None and version != self.version:
                raise ValidationError(StaleEdit.message, code="stale")
        if self.status == self.Status.PUBLISHED and (
            problems := self.publication_problems()
        ):
            raise ValidationError(
                _("This story cannot be published: %(problems)s.")
                % {"problems": "; ".join(problems)},
                code="not_publishable",
            )

    def tags_shown(self) -> list["Tag"]:
        """The tags its pages, feeds and API items show: those named in the story's
        language (read from the prefetched tags: for_display)."""
        return [tag for tag in self.tags.all() if tag.own_name(self.language)]

    def photo_ids(self) -> list[int]:
        """The lead photo and the photos placed in the body."""
        lead = [self.lead_photo_id] if self.lead_photo_id else []
        return lead + photo_ids_in(self.body)

    def publication_problems(self) -> list[str]:
        """What must be fixed before readers may see this story."""
        photos = Photo.objects.filter(pk__in=self.photo_ids()).select_related(
            "photographer"
        )
        return [
            problem
            for photo in photos
            for problem in photo.publication_problems(self.language)
        ]

    def state(self) -> str:
        """The status as people should read it: a story published for later is
        "scheduled for <time>", not "published"."""
        scheduled = (
            self.status == self.Status.PUBLISHED
            and self.published_at
            and self.published_at > timezone.now()
        )
        if scheduled:
            moment = formats.date_format(
                timezone.localtime(self.published_at), "DATETIME_FORMAT"
            )
            if self.embargoed:
                return _("scheduled for %(time)s, sent to partners under embargo") % {
                    "time": moment
                }
            return _("scheduled for %(time)s") % {"time": moment}
        return self.get_status_display()

    @property
    def is_live(self) -> bool:
        """What published() says of this one story: readers see it now."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def partners_had(self) -> bool:
        """Partners have (or had, before it was withdrawn) this story: it was live,
        or sent to them under embargo."""
        if self.wire_version:
            return self.wire_at <= timezone.now()
        return (
            self.status in PARTNERS_SEE
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_stale(self) -> bool:
        """A translation approved before its original's text last changed."""
        return bool(
            self.translation_of_id
            and self.approved_at
            and self.translation_of.text_changed_at > self.approved_at
        )

    def normalise(self) -> None:
        """What every stored story is: checked values, a clean body, a slug, a time
        if published.

        save() applies it; a bulk insert (the archive import) calls it itself. A value
        no page could show is refused here, whichever path brought it.
        """
        self.check_values()
        self.body = sanitize_html(self.body)
        self.stamp_publication_time()
        self.slug = normalised_slug(self.slug) or latin_slug(self.headline) or "article"

    def check_values(self) -> None:
        """The story's own values, each refusal naming its field (ValidationError)."""
        check_fields(
            [
                (check_plain_text, self.headline, "headline"),
                (check_plain_text, self.source, "source"),
                (check_text, self.lead, "lead"),
                (check_text, self.body, "body"),
                (normalised_slug, self.slug, "slug"),
                (check_publication_time, self.published_at, "published_at"),
            ]
        )

    def stamp_publication_time(self) -> None:
        """Published with no time given means published now."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()


TEXT_FIELDS = ("headline", "lead", "body")
# The statuses of stories partners have (published) or had (withdrawn).
PARTNERS_SEE = {Article.Status.PUBLISHED, Article.Status.WITHDRAWN}


class StaleEdit(Exception):
    """A save based on an older version than the one stored: refused, nothing lost."""

    message = _(
        "Someone else saved this story after you opened it. Your text was not saved "
        "and is still in the form: copy your changes, reload the story and apply them "
        "to the newer version."
    )

    def __init__(self, article, stored_version: int):
        super().__init__(
            f"article {article.pk}: edit based on version {article.version}, "
            f"stored version is {stored_version}"
        )


class TaggedArticle(models.Model):
    """A tag on a story: the link table of Tag.articles (and Article.tags).

    Its own table with real foreign keys and an index from the tag, so a tag page or
    the related stories join through an index, whatever the archive's size.
    """

    content_object = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="tagged_items"
    )
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="tagged"
    )

    class Meta:
        verbose_name = _("tag on a story")
        verbose_name_plural = _("tags on stories")
        constraints = [
            models.UniqueConstraint(
                fields=["content_object", "tag"], name="article_tagged_once"
            )
        ]
        # A tag's stories read from the index alone (ArticleQuerySet.among).
        indexes = [
            models.Index(fields=["tag", "content_object"], name="tag_stories_idx")
        ]

    def __str__(self):
        return f"{self.tag} ({self.content_object_id})"


class Byline(models.Model):
    """An author's place in an article's byline."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(
        "authors.Author",
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="bylines",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="author_once_per_byline"
            )
        ]
        # An author's stories read from the index alone (ArticleQuerySet.among).
        indexes = [
            models.Index(fields=["author", "article"], name="author_stories_idx")
        ]

    def __str__(self):
        return str(self.author)


class ArticleEvent(models.Model):
    """A workflow step taken on an article: who did what, when, and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", _("submitted")
        PUBLISH = "publish", _("approved and published")
        SCHEDULE = "schedule", _("approved and scheduled")
        RETURN = "return", _("returned to the author")
        WITHDRAW = "withdraw", _("withdrawn")
        TRANSLATE = "translate", _("translation started")
        RESTORE = "restore", _("revision restored")
        IMPORT = "import", _("imported from the archive")
        RECALL = "recall", _("recalled by the author")
        PROPOSE = "propose", _("change proposed")
        APPROVE_CHANGE = "approve_change", _("proposed change approved")
        REJECT_CHANGE = "reject_change", _("proposed change rejected")
        MARK_CURRENT = "mark_current", _("translation marked up to date")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} ({self.actor}, {self.at:%Y-%m-%d %H:%M})"


class Correction(models.Model):
    """A dated note an editor appends to a published story."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Correction")
        UPDATE = "update", _("Update")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.UPDATE)
    text = models.TextField(_("text"))
    noted_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")
        ordering = ["noted_at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def clean(self):
        check_fields(
            [
                (check_text, self.text, "text"),
                (check_publication_time, self.noted_at, "noted_at"),
            ]
        )


class ProposedChange(models.Model):
    """A change to a published story, proposed by its author or translator.

    Readers keep the live text until an editor approves the change, having seen the
    difference (articles.workflow.approve_change).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting an editor")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="proposals"
    )
    headline = models.CharField(_("headline"), max_length=300)
    lead = models.TextField(_("lead"), blank=True)
    body = models.TextField(_("body"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    # The story's version the proposal was written against.
    based_on = models.PositiveIntegerField(_("based on version"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            # One open proposal per story: its author goes on editing that one.
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(status="pending"),
                name="one_pending_change_per_story",
            )
        ]

    def __str__(self):
        return f"{self.article}: {self.get_status_display()}"


# What a proposed change may change: the text readers read.
PROPOSED_FIELDS = ("headline", "lead", "body", "source")


class GoLive(models.Model):
    """A moment what readers see of a story changed: it went live (published now,
    or its scheduled time came), was withdrawn, or was corrected; or partners got
    it ahead of its time, under embargo.

    Announced once (articles/go_live.py): the page cache and the CDN are told, its
    author is mailed, and whatever else listens (story_went_live) is told, by the
    worker within seconds. One row per change, so a change is announced once
    however many workers find it.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("went live")
        EMBARGOED = "embargoed", _("sent to partners under embargo")
        WITHDRAWN = "withdrawn", _("withdrawn")
        CORRECTED = "corrected", _("corrected")

    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="go_lives",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    at = models.DateTimeField(_("when"))
    # Found by the worker when a scheduled time passed (no step was taken then).
    by_schedule = models.BooleanField(_("by schedule"), default=False)
    announced_at = models.DateTimeField(_("announced at"), null=True)
    # The story's version partners got with this change (articles/wire.py); None:
    # not news to them (yet: a scheduled change is told when its time comes).
    wire_version = models.PositiveIntegerField(_("version sent to partners"), null=True)

    class Meta:
        verbose_name = _("go-live event")
        verbose_name_plural = _("go-live events")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "kind", "at"], name="one_event_per_change"
            )
        ]
        indexes = [
            models.Index(
                fields=["at"],
                name="go_live_unannounced",
                condition=models.Q(announced_at__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.article} ({self.at:%Y-%m-%d %H:%M})"

    @property
    def public(self) -> bool:
        """Whether readers could see the story when this happened: a story sent
        under embargo, and what befalls it before its time, is for partners only."""
        published_at = self.article.published_at
        return published_at is not None and published_at <= self.at
