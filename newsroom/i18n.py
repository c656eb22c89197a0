"""Per-language values: the agency's name and the name_ru/name_en pairs of the models."""

from functools import cache

from django.conf import settings
from django.utils.translation import get_language, gettext_noop


def current_language() -> str:
    """The active language reduced to one of the site's languages ("ru" or "en")."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def other_language(language: str) -> str:
    return next(code for code, _name in settings.LANGUAGES if code != language)


def agency_name(language: str | None = None) -> str:
    return settings.NEWSROOM_AGENCY_NAME[language or current_language()]


def agency_name_genitive(language: str | None = None) -> str:
    """The agency's name where Russian needs the genitive («Фото ... для «Горного
    вестника»», «Последние новости «Горного вестника»»): AGENCY_NAME_RU_GENITIVE, or
    declined from the dictionary. Other languages: the name."""
    language = language or current_language()
    if language != "ru":
        return agency_name(language)
    return settings.NEWSROOM_AGENCY_NAME_RU_GENITIVE or _declined_agency_name(
        agency_name("ru")
    )


@cache
def _declined_agency_name(name: str) -> str:
    from newsroom.russian import genitive  # the dictionary loads on first use

    return genitive(name)


class NamedInLanguages:
    """For models with name_ru and name_en: `name` in the active language, or the other."""

    def name_in(self, language: str) -> str:
        return getattr(self, f"name_{language}") or getattr(
            self, f"name_{other_language(language)}"
        )

    @property
    def name(self) -> str:
        return self.name_in(current_language())

    def __str__(self):
        return self.name


# Django 6.1's own string, not yet in its Russian catalogue: translated in ours.
gettext_noop("- Select an option -")
# The admin's phrases built around a model's name: Django's Russian puts the name in
# the nominative after a verb («Добавить маркировка»). Ours name it after a colon
# («Добавить: маркировка»), correct for every noun (locale/ru, kept here so that
# makemessages keeps them).
ADMIN_PHRASES = (
    gettext_noop("Add %(name)s"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
)
