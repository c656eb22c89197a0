"""Tags as people type them: names matched in either language, made in the story's.

The admin's tag field, the archive import and the tests all come here, so a typed
name finds the same tag whichever way it arrives.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from articles.models import Article, Tag
from newsroom.i18n import other_language
from newsroom.text import tag_key

# "Выборы = Elections": the tag called Выборы, with Elections as its name in the
# story's language (a translator naming a tag the original brought along).
GIVES_NAME = "="


@dataclass(frozen=True)
class TypedTag:
    """One entry of a story's tag list: a name to match, maybe a name to give."""

    name: str
    own_name: str = ""  # the name in the story's language, when the entry gives one

    @property
    def shown(self) -> str:
        """The entry as it will read in the story's language."""
        return self.own_name or self.name


def parse_tags(text: str) -> list[TypedTag]:
    """A comma-separated tag list; the same tag typed twice (any case) counts once."""
    entries, seen = [], set()
    for item in text.split(","):
        name, _sign, own_name = item.partition(GIVES_NAME)
        name, own_name = " ".join(name.split()), " ".join(own_name.split())
        if not name and own_name:
            name, own_name = own_name, ""
        if not name or tag_key(name) in seen:
            continue
        seen.add(tag_key(name))
        entries.append(TypedTag(name, own_name))
    return entries


def tag_list_text(tags: list[Tag], language: str) -> str:
    """A story's tags as its form shows them: each in the story's language, or, if
    it has no name there yet, as "other-language name = " for the translator."""
    return ", ".join(
        tag.own_name(language) or f"{tag.name} {GIVES_NAME} " for tag in tags
    ).strip()


def find_tag(name: str, language: str) -> Tag | None:
    """The tag called `name` in either language (the story's language first)."""
    found = list(Tag.objects.matching(name)[:10])
    key = tag_key(name)
    own = [tag for tag in found if getattr(tag, f"lookup_{language}") == key]
    return (own or found or [None])[0]


def name_taken(name: str, language: str, tag: Tag | None = None) -> bool:
    """Is `name` another tag's name in `language`?"""
    others = Tag.objects.exclude(pk=tag.pk) if tag and tag.pk else Tag.objects
    return others.filter(**{f"lookup_{language}": tag_key(name)}).exists()


def tag_named(
    name: str, language: str, names: dict[str, str] | None = None
) -> tuple[Tag, bool]:
    """The tag `name` (or one of `names`, by language) calls, or a new one named in
    `language`, and whether anything was written.

    A found tag without a name in a language of `names` is given it, unless another
    tag has it; nothing a tag is called already is overwritten."""
    names = {code: value for code, value in (names or {}).items() if value}
    tag = None
    for candidate in [name, *names.values()]:
        if candidate and (tag := find_tag(candidate, language)):
            break
    if tag is None:
        given = dict(names)
        if name not in given.values():
            given.setdefault(language, name)
        tag = Tag(**{f"name_{code}": value for code, value in given.items()})
        tag.save()
        return tag, True
    missing = {
        code: value
        for code, value in names.items()
        if not tag.own_name(code) and not name_taken(value, code, tag)
    }
    if missing:
        for code, value in missing.items():
            setattr(tag, f"name_{code}", value)
        tag.save()
    return tag, bool(missing)


def set_tags(article: Article, entries: list[TypedTag]) -> list[Tag]:
    """Tag `article` with what its tag list says, in the story's language."""
    language = article.language
    other = other_language(language)
    tags = [
        tag_named(entry.name, language, {language: entry.own_name, other: entry.name})[
            0
        ]
        if entry.own_name
        else tag_named(entry.name, language)[0]
        for entry in entries
    ]
    tags = list({tag.pk: tag for tag in tags}.values())
    article.tags.set(tags)
    return tags


def tag_names(article: Article, names: list[str]) -> list[Tag]:
    """Tag `article` with `names`, typed in its language (tests, the demo)."""
    return set_tags(article, [TypedTag(name) for name in names])


def tags_missing_a_name(article: Article, names: list[str] | None = None) -> list[Tag]:
    """The story's tags that have no name in its language: its pages would not show
    them. `names` are the tag list as edited (unsaved); else the stored tags."""
    language = article.language
    if names is None:
        tags = list(article.tags.all()) if article.pk else []
    else:
        tags = [tag for name in names if (tag := find_tag(name, language))]
    return [tag for tag in tags if not tag.own_name(language)]


def check_tags_named(article: Article, names: list[str] | None = None) -> None:
    """Refuse a story with a tag not named in its language, naming each such tag."""
    if missing := tags_missing_a_name(article, names):
        message = {
            "ru": _("the tag “%(tag)s” has no Russian name"),
            "en": _("the tag “%(tag)s” has no English name"),
        }[article.language]
        raise ValidationError(
            {
                "tags": [
                    ValidationError(
                        message % {"tag": tag.name}, code="tag_without_name"
                    )
                    for tag in missing
                ]
            }
        )
