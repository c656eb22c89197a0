"""Finding register entries in texts, in any grammatical form.

Russian names are matched by stem: «Мемориал» also finds «Мемориала», «Мемориалом»;
«Свобода» finds «Свободы», «Свободой». English names allow the possessive and plural.
Matching is case-sensitive, as register names are proper nouns (a lower-case
«мемориал» is a monument), and ё is read as е.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

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


@lru_cache(maxsize=4096)
def name_regex(name: str) -> re.Pattern | None:
    words = re.findall(r"\w+", fold_yo(name))
    if not words:
        return None
    body = JOINER.join(word_pattern(word) for word in words)
    return re.compile(rf"(?<!\w){body}(?!\w)")


@lru_cache(maxsize=4096)
def search_terms(name: str) -> tuple[str, ...]:
    """Substrings every form of `name` contains, for a cheap prefilter."""
    terms = []
    for word in re.findall(r"\w+", fold_yo(name)):
        stem = russian_stem(word) if CYRILLIC.search(word) else word
        # Texts may spell е as ё, so only the pieces between those letters are sure.
        terms.append(max(re.split("[еЕ]", stem), key=len))
    best = max(terms, key=len, default="")
    return (best,) if len(best) >= MIN_STEM else ()


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
