"""Finding register entries in texts, in any grammatical form.

Russian names are matched in every case and number, their words in agreement, as the
dictionary (pymorphy3) declines them: «Лев Пономарёв» finds «Льва Пономарёва», «Орёл»
finds «в Орле», stems that change included; and by stem as before, for names the
dictionary declines wrongly: «Мемориал» finds «Мемориала», «Мемориалом». English
names allow the possessive and plural. Matching is case-sensitive, as register names
are proper nouns (a lower-case «мемориал» is a monument), and ё is read as е.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from newsroom.russian import readings, written_like

# Case endings of Russian nouns and adjectives, longest first. A name's stem takes
# only these, so «Мемориал» finds «Мемориалом» but not «Мемориальный».
RUSSIAN_ENDINGS = [
    "ами", "ями", "ого", "его", "ому", "ему", "ыми", "ими",
    "ых", "их", "ой", "ей", "ою", "ею", "ий", "ый", "ая", "яя", "ое", "ее",
    "ом", "ем", "ам", "ям", "ах", "ях", "ов", "ев", "ую", "юю", "ым", "им", "ью",
    "а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
]  # fmt: skip
ENDING = "(?:" + "|".join(RUSSIAN_ENDINGS) + ")?"
MIN_STEM = 3
# What may stand between the words of a name: spaces, quotes, dashes.
JOINER = r"[\s«»\"“”„'’\-–—]+"
CYRILLIC = re.compile(r"[а-яА-Я]")


def fold_yo(text: str) -> str:
    """ё and е are one letter for matching; one character each, so offsets hold."""
    return text.replace("ё", "е").replace("Ё", "Е")


def russian_stem(word: str) -> str:
    for ending in RUSSIAN_ENDINGS:
        if word.lower().endswith(ending) and len(word) - len(ending) >= MIN_STEM:
            return word[: -len(ending)]
    return word


def word_pattern(word: str) -> str:
    if CYRILLIC.search(word):
        return re.escape(russian_stem(word)) + ENDING
    return re.escape(word) + r"(?:['’]s|s|es)?"


# The cases a name is declined in (loc2: «в лесу»), each in both numbers.
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct", "loc2")
# Readings of a word that make it a name (a person, a place, an organisation).
NAME_TAGS = {"Name", "Surn", "Patr", "Geox", "Orgn"}


@lru_cache(maxsize=4096)
def name_regex(name: str) -> re.Pattern | None:
    words = re.findall(r"\w+", name)
    if not words:
        return None
    by_stem = JOINER.join(word_pattern(word) for word in map(fold_yo, words))
    declined = [
        JOINER.join(re.escape(fold_yo(word)) for word in phrase)
        for phrase in sorted(declined_phrases(tuple(words)))
    ]
    body = "|".join([by_stem, *declined])
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


def declined_phrases(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """The name in every case and number, its Russian words in agreement (each
    declined to the same case); words the dictionary cannot decline stay as written."""
    forms = [word_forms(word) for word in words]
    return {
        tuple(
            declined.get(grammemes, word)
            for word, declined in zip(words, forms, strict=True)
        )
        for grammemes in {key for declined in forms for key in declined}
    }


@lru_cache(maxsize=8192)
def word_forms(word: str) -> dict[tuple[str, str], str]:
    """A Russian word's forms by (case, number), written with its capitals."""
    if not CYRILLIC.search(word):
        return {}
    nominative = [parse for parse in readings(word) if parse.tag.case == "nomn"]
    nominative = [p for p in nominative if NAME_TAGS & p.tag.grammemes] or nominative
    if not nominative:
        return {}
    forms = {}
    for case in CASES:
        for number in ("sing", "plur"):
            if form := nominative[0].inflect({case, number}):
                forms[case, number] = written_like(word, form.word)
    return forms


@lru_cache(maxsize=4096)
def search_terms(name: str) -> tuple[str, ...]:
    """Substrings of which every form of `name` contains one, for a cheap prefilter
    (one, unless a stem changes: «Орел» or «Орл»)."""
    best: tuple[str, ...] = ()
    for word in re.findall(r"\w+", name):
        pieces = word_pieces(word)
        if min(map(len, pieces)) > min(map(len, best), default=0):
            best = pieces
    return best if min(map(len, best), default=0) >= MIN_STEM else ()


def word_pieces(word: str) -> tuple[str, ...]:
    """What every form of `word` contains one of: its stems' longest runs without
    е (texts may spell it ё), the fewest that cover every form."""
    forms = {word, *word_forms(word).values()}
    stems = {
        russian_stem(fold_yo(form)) if CYRILLIC.search(form) else form for form in forms
    }
    pieces = {max(re.split("[еЕ]", stem), key=len) for stem in stems}
    return tuple(
        sorted(
            piece
            for piece in pieces
            if not any(other != piece and other in piece for other in pieces)
        )
    )


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str


def first_match(names: list[str], text: str) -> Match | None:
    """The earliest place in `text` where any of `names` occurs."""
    folded = fold_yo(text)
    found = []
    for name in names:
        regex = name_regex(name)
        if regex and (match := regex.search(folded)):
            found.append(
                Match(match.start(), match.end(), text[match.start() : match.end()])
            )
    return min(found, key=lambda match: match.start, default=None)
