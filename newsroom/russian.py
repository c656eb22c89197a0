"""Russian declension (pymorphy3 and its dictionary): the genitive a credit or a
title needs, «Фото Нины Беридзе для «Горного вестника»».

Suggestions for people's names are stored with the person (editable: a dictionary
does not know every name); the agency's name is configured or made here once.
"""

import re
from functools import cache

import pymorphy3

# Words and what separates them (spaces, hyphens), kept as they are.
PARTS = re.compile(r"(\s+|-)")
CYRILLIC_WORD = re.compile(r"^[А-Яа-яЁё]+$")
PERSON_TAGS = {"Name", "Surn", "Patr"}


@cache
def analyzer() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang="ru")


def readings(word: str) -> list:
    """The dictionary's readings of `word`; none for a word pymorphy cannot read
    (it names each character, and some, such as U+17000, have no name)."""
    try:
        return analyzer().parse(word)
    except (KeyError, ValueError):
        return []


def genitive(name: str, *, person: bool = False) -> str:
    """`name` in the genitive: each word in the nominative singular declined, the
    rest (indeclinable names, Latin words, numbers) left as written. For a person,
    the first name's gender chooses between forms (Яковлева: Юлии Яковлевой)."""
    parts = PARTS.split(name.strip())
    gender = person_gender(parts) if person else None
    return "".join(
        declined(part, person, gender) if CYRILLIC_WORD.match(part) else part
        for part in parts
    )


def person_gender(parts: list[str]) -> str | None:
    for part in parts:
        if CYRILLIC_WORD.match(part):
            for parse in readings(part):
                if "Name" in parse.tag and parse.tag.case == "nomn":
                    return parse.tag.gender
            return None
    return None


def declined(word: str, person: bool, gender: str | None) -> str:
    candidates = [
        parse
        for parse in readings(word)
        if parse.tag.case == "nomn"
        and parse.tag.number != "plur"
        and "Fixd" not in parse.tag
    ]
    if person:
        # A name's own reading (Царнаев the surname, not a verb form), of its gender.
        named = [parse for parse in candidates if PERSON_TAGS & parse.tag.grammemes]
        candidates = (
            [parse for parse in named if gender in (None, parse.tag.gender)]
            or named
            or candidates
        )
    if not candidates:
        return word
    form = candidates[0].inflect({"gent"})
    return written_like(word, form.word) if form else word


def written_like(original: str, word: str) -> str:
    if original.isupper() and len(original) > 1:
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def counted(number: int, name: str) -> str:
    """«5 маркировок», «21 запись реестра», «3 прежних слага тега»: the number and a
    name given in the nominative singular, its nominative words agreeing with the
    number; words in other cases (реестра, тега) and indeclinable ones stay."""
    parts = PARTS.split(name.strip())
    return f"{number} " + "".join(
        agreeing(part, number) if CYRILLIC_WORD.match(part) else part for part in parts
    )


def agreeing(word: str, number: int) -> str:
    for parse in readings(word):
        if parse.tag.case == "nomn" and parse.tag.number == "sing":
            form = parse.make_agree_with_number(number)
            return written_like(word, form.word) if form else word
    return word
