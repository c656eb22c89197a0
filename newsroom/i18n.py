"""Per-language values: the agency's name and the name_ru/name_en pairs of the models."""

from functools import cache

from django.conf import settings
from django.utils.translation import (
    get_language,
    gettext_noop,
    ngettext_lazy,
)


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
# Django's Russian leaves it in English (and misspelt): «Single Sing-On».
gettext_noop(
    "Whether the user will be able to authenticate using a password or not. If "
    "disabled, they may still be able to authenticate using other backends, such "
    "as Single Sign-On or LDAP."
)
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
    gettext_noop("Select %s"),
    gettext_noop("Search %(name)s"),
    gettext_noop("Pagination %(name)s"),
    gettext_noop("Cannot delete %(name)s"),
    # Its messages give a past tense a gender («маркировка ... был добавлен»), and
    # counts a plural form of two («5 маркировки»): ours need neither.
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop(
        "The {name} “{obj}” was added successfully. You may add another {name} below."
    ),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop(
        "The {name} “{obj}” was changed successfully. You may edit it again below."
    ),
    gettext_noop(
        "The {name} “{obj}” was changed successfully. You may add another {name} below."
    ),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("%(name)s with ID “%(key)s” doesn’t exist. Perhaps it was deleted?"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.",
        "%(count)s %(name)s were changed successfully.",
    ),
    gettext_noop(
        "Are you sure you want to delete the selected %(objects_name)s? All of the "
        "following objects and their related items will be deleted:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would require deleting the following "
        "protected related objects:"
    ),
    gettext_noop(
        "Deleting the selected %(objects_name)s would result in deleting related "
        "objects, but your account doesn't have permission to delete the following "
        "types of objects:"
    ),
)
# django-simple-history's pages (the label and register revisions): its Russian
# catalogue is for ru_RU, which a site in "ru" never loads.
REVISION_PHRASES = (
    gettext_noop("Change history: %s"),
    gettext_noop("View history: %s"),
    gettext_noop("Deleted %(type_name)s"),
    gettext_noop("Revert %s"),
    gettext_noop(
        "Choose a date from the list below to revert to a previous version of this object."
    ),
    gettext_noop("This object doesn't have a change history."),
    gettext_noop(
        "Press the 'Revert' button below to revert to this version of the object."
    ),
    gettext_noop("Press the 'Change History' button below to edit the history."),
    gettext_noop("Object"),
    gettext_noop("Date/time"),
    gettext_noop("Comment"),
    gettext_noop("Changed by"),
    gettext_noop("Change reason"),
    gettext_noop("Changes"),
    gettext_noop("None"),
    gettext_noop("Revert"),
    gettext_noop("Change History"),
    gettext_noop("Close"),
    gettext_noop("Created"),
    gettext_noop("Changed"),
    gettext_noop("Deleted"),
    ngettext_lazy("entry", "entries"),
)
