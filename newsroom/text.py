"""Slugs readable in Latin letters for Russian and English text."""

from django.utils.text import slugify

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


def latin_slug(text: str, max_length: int = 80) -> str:
    """A URL slug in ASCII: Cyrillic transliterated, cut at a word boundary."""
    slug = slugify(text.lower().translate(CYRILLIC_TO_LATIN))
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0]
    return slug


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
