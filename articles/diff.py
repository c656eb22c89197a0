"""Side-by-side differences between two versions of a story's text."""

import difflib
import html

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from articles.models import TEXT_FIELDS, Article


def paragraphs(text: str, markup: bool) -> list[str]:
    """The lines to compare: a body's paragraphs as text; a headline or lead as is."""
    if markup:
        text = text.replace("</p>", "</p>\n").replace("<br>", "\n")
        text = html.unescape(strip_tags(text))
    return [line.strip() for line in text.splitlines() if line.strip()]


def text_diff(old, new) -> list[tuple[str, str, SafeString]]:
    """For each text field that differs: its name, its label in the active language
    and an HTML table of the changes."""
    changes = []
    for name in TEXT_FIELDS:
        before = paragraphs(getattr(old, name) or "", markup=name == "body")
        after = paragraphs(getattr(new, name) or "", markup=name == "body")
        if before != after:
            table = difflib.HtmlDiff(wrapcolumn=70).make_table(
                before, after, context=True, numlines=1
            )
            label = capfirst(Article._meta.get_field(name).verbose_name)
            changes.append((name, label, mark_safe(table)))  # difflib escapes the text
    return changes
