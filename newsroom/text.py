"""Slugs and names readable in Latin letters for Russian text, and the rule on
control characters that every saved text (story, legal file, account) obeys."""

import re

from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

# C0 controls (and DEL): XML feeds cannot carry them, PostgreSQL refuses NUL, and
# they are never typed on purpose. Lone surrogates cannot be encoded as UTF-8.
CONTROLS = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
# Multi-line text (lead, body, correction) keeps tabs and line breaks.
CONTROLS_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# Russian to Latin, close to the passport (ICAO) transliteration readers recognise.
CYRILLIC_TO_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e",
        "ж": "zh", "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m",
        "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
        "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
        "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    }
)  # fmt: skip


# Russian names in Latin letters, the passport table with y, yo, yu, ya as the press
# writes them: Юлия Яковлева is Yuliya Yakovleva, Сергей is Sergey.
NAME_TO_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u",
    "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
    "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def latin_name(name: str) -> str:
    """A Russian name in Latin letters: Руслан Алиев is Ruslan Aliev."""
    letters = []
    for index, char in enumerate(name):
        latin = NAME_TO_LATIN.get(char.lower())
        if latin is None:
            letters.append(char)
        elif not char.isupper():
            letters.append(latin)
        elif name[index + 1 : index + 2].isupper():  # a word in capitals: ЖУК
            letters.append(latin.upper())
        else:
            letters.append(latin.capitalize())
    return "".join(letters)


def alphabet(text: str) -> str | None:
    """ "ru" for a name written in Cyrillic, "en" for one in Latin letters, else None
    (digits only, or both alphabets)."""
    cyrillic, latin = bool(CYRILLIC.search(text)), bool(LATIN.search(text))
    if cyrillic != latin:
        return "ru" if cyrillic else "en"
    return None


def latin_slug(text: str, max_length: int = 80) -> str:
    """A URL slug in ASCII: Cyrillic transliterated, cut at a word boundary."""
    slug = slugify(text.lower().translate(CYRILLIC_TO_LATIN))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


def check_plain_text(value: str, field: str) -> None:
    """A one-line value (headline, slug, name, tag, source): no control characters."""
    if CONTROLS.search(value):
        raise _control_character(field)


def check_text(value: str, field: str) -> None:
    """Multi-line text (lead, body): tabs and line breaks only."""
    if CONTROLS_IN_TEXT.search(value):
        raise _control_character(field)


def _control_character(field: str) -> ValidationError:
    return ValidationError(
        {
            field: ValidationError(
                _("Remove the control character (such as NUL) from this text."),
                code="control_character",
            )
        }
    )


def tag_slug(name: str, language: str, max_length: int = 100) -> str:
    """A tag's slug in `language`: Russian keeps its Cyrillic letters (as tag pages
    always had them), English is Latin (a stray Cyrillic word transliterated)."""
    if language == "ru":
        return slugify(name, allow_unicode=True)[:max_length].strip("-")
    return latin_slug(name, max_length) or slugify(name, allow_unicode=True)[
        :max_length
    ].strip("-")


def tag_key(name: str) -> str:
    """A tag name as typed names are matched against it: case and spacing ignored."""
    return " ".join(name.split()).casefold()
