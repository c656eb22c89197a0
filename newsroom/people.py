"""People named in both languages (authors, photographers), with the Russian
genitive their credits need: «Фото Нины Беридзе»."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from newsroom.i18n import NamedInLanguages


class Person(NamedInLanguages, models.Model):
    name_ru = models.CharField(_("name in Russian"), max_length=200, blank=True)
    name_ru_genitive = models.CharField(
        _("name in Russian, genitive"),
        max_length=200,
        blank=True,
        help_text=_(
            "As in «Фото Нины Беридзе»: suggested from the dictionary when left "
            "empty; correct it for a name the dictionary declines wrongly."
        ),
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.name_ru and not self.name_ru_genitive:
            from newsroom.russian import genitive  # the dictionary loads on first use

            self.name_ru_genitive = genitive(self.name_ru, person=True)
        super().save(*args, **kwargs)

    def name_of(self, language: str) -> str:
        """The name where Russian needs the genitive (фото Нины Беридзе); other
        languages: the name."""
        if language == "ru" and self.name_ru_genitive:
            return self.name_ru_genitive
        return self.name_in(language)


def forget_old_genitive(person: Person, form) -> None:
    """In the admin: a renamed person whose genitive nobody touched gets it
    suggested anew."""
    if "name_ru" in form.changed_data and "name_ru_genitive" not in form.changed_data:
        person.name_ru_genitive = ""
