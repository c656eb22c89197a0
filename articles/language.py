"""Is a story written in its own language? Text left untranslated is found here.

Russian is written in Cyrillic, English in Latin letters: a paragraph mostly in the
other alphabet was not translated. Short quotes (names, titles: «Мемориал»,
"Memorial") and acronyms (NATO, ФСБ) are left out of the count, so a story may
name things in the other language; a long quote is a sentence, and counts.
"""

import html
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from newsroom.i18n import other_language

CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
LATIN = re.compile(r"[a-z]", re.IGNORECASE)
ALPHABET = {"ru": CYRILLIC, "en": LATIN}
IN_LANGUAGE = {"ru": gettext_lazy("in Russian"), "en": gettext_lazy("in English")}

# Quoted spans in either language's quotation marks, nested «„…“» included.
QUOTED = re.compile(r"«[^«»]*»|„[^„“]*“|“[^“”]*”|\"[^\"]*\"")
ACRONYM = re.compile(r"\b[A-ZА-ЯЁ]{2,}\b")
BLOCK = re.compile(r"<(p|li|h[2-4]|blockquote|figcaption)\b[^>]*>(.*?)</\1>", re.S)
TAG = re.compile(r"<[^>]+>")
PHOTO = re.compile(r"^\s*\[photo:\d+\]\s*$")


# A quote this long is a sentence someone said, to be translated, not a name.
NAME_WORDS = 6


def counted_text(text: str) -> str:
    """The words that must be in the story's language: without names in quotes
    or acronyms."""

    def drop_name(quote: re.Match) -> str:
        inside = quote.group()[1:-1]
        return " " if len(inside.split()) <= NAME_WORDS else f" {inside} "

    previous = None
    while previous != text:  # «a „b“ c»: the inner quote first, then the outer
        previous, text = text, QUOTED.sub(drop_name, text)
    return ACRONYM.sub(" ", text)


def in_other_language(text: str, language: str) -> bool:
    """Mostly letters of the other language's alphabet (quotes and acronyms aside)."""
    text = counted_text(text)
    own = len(ALPHABET[language].findall(text))
    other = len(ALPHABET[other_language(language)].findall(text))
    return other > own


def paragraphs(body: str) -> list[str]:
    """The body's blocks as plain text, photos left out."""
    blocks = [TAG.sub(" ", match.group(2)) for match in BLOCK.finditer(body or "")]
    return [
        html.unescape(block)
        for block in blocks
        if block.strip() and not PHOTO.match(block)
    ]


def wrong_language(article, tags: list[str] | None = None) -> dict[str, list[str]]:
    """Each field of `article` with text in the other language, and what it is."""
    language = article.language
    other = IN_LANGUAGE[other_language(language)]
    found: dict[str, list[str]] = {}

    def note(field: str, message: str) -> None:
        found.setdefault(field, []).append(message)

    for field in ("headline", "lead", "source"):
        if in_other_language(getattr(article, field), language):
            note(field, _("it is %(language)s") % {"language": other})
    for number, paragraph in enumerate(paragraphs(article.body), 1):
        if in_other_language(paragraph, language):
            note(
                "body",
                _("paragraph %(number)d is %(language)s: “%(start)s…”")
                % {
                    "number": number,
                    "language": other,
                    "start": paragraph.strip()[:40],
                },
            )
    if tags is None:
        # Each as the story's form shows it: in its language, else the other's.
        stored = article.tags.all() if article.pk else []
        tags = [tag.own_name(language) or tag.name for tag in stored]
    for tag in tags:
        if in_other_language(tag, language):
            note(
                "tags",
                _("the tag “%(tag)s” is %(language)s")
                % {"tag": tag, "language": other},
            )
    return found


def check_language(article, tags: list[str] | None = None) -> None:
    """Refuse a story with text in the other language, naming each field."""
    if found := wrong_language(article, tags):
        raise ValidationError(
            {
                field: [
                    ValidationError(message, code="wrong_language")
                    for message in messages
                ]
                for field, messages in found.items()
            }
        )
