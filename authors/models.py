"""Authors of bylines, with a name per language and the other spellings of it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from newsroom.people import Person
from newsroom.text import latin_name, latin_slug


def unique_slug(model, text: str, exclude_pk=None) -> str:
    """A slug for `text` not yet taken in `model` (adds -2, -3, ... when it is)."""
    base = latin_slug(text) or "author"
    slug, number = base, 1
    taken = model.objects.exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


class AuthorQuerySet(models.QuerySet):
    def matching(self, name: str) -> "AuthorQuerySet":
        """Authors known by `name` in either language or by one of their aliases."""
        name = " ".join(name.split())
        return self.filter(
            Q(name_ru__iexact=name)
            | Q(name_en__iexact=name)
            | Q(aliases__name__iexact=name)
        ).distinct()


class Author(Person):
    """One person who writes for the agency, however the archive spells the name."""

    name_en = models.CharField(
        _("name in English"),
        max_length=200,
        blank=True,
        help_text=_(
            "Left empty, it is made from the Russian name in Latin letters; "
            "write it to replace that."
        ),
    )
    # English pages never print a Cyrillic byline: without an English name the
    # Russian one is transliterated, and again whenever it changes.
    name_en_transliterated = models.BooleanField(
        _("English name transliterated"),
        default=False,
        editable=False,
        help_text=_("The English name was made from the Russian one."),
    )
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="author",
    )

    objects = AuthorQuerySet.as_manager()

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name_en", "name_ru"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_ru="") | ~Q(name_en=""), name="author_has_a_name"
            )
        ]

    def save(self, *args, **kwargs):
        if self.name_ru and (not self.name_en or self.name_en_transliterated):
            self.name_en = latin_name(self.name_ru)
            self.name_en_transliterated = True
        if not self.slug:
            self.slug = unique_slug(Author, self.name_en or self.name_ru, self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    def give_english_name(self, name: str) -> None:
        """An English name written by a person (the admin, an import): it stays."""
        self.name_en = name
        self.name_en_transliterated = False


class AuthorAlias(models.Model):
    """Another spelling of an author's name seen in bylines (Medzhid for Medjid)."""

    author = models.ForeignKey(
        Author,
        on_delete=models.CASCADE,
        related_name="aliases",
        verbose_name=_("author"),
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(AuthorAlias, self.name, self.pk)
        super().save(*args, **kwargs)
