"""Article HTML: the one sanitiser (every write path) and absolute URLs for elsewhere."""

import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "a", "ul", "ol",
    "li", "blockquote", "h2", "h3", "h4", "figure", "figcaption", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def sanitize_html(html: str) -> str:
    """Keep the markup a story needs; drop scripts, styles, handlers and foreign tags."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# URLs in rendered HTML that point into the site; feeds and partners show it elsewhere.
URL_ATTRIBUTE = re.compile(r'\b(src|href|srcset)="([^"]*)"')


def absolute_urls(markup: str, root: str) -> str:
    """Site-relative links and image sources in `markup` made absolute."""

    def replace(match: re.Match) -> str:
        name, value = match.groups()
        if name == "srcset":
            candidates = (part.split() for part in value.split(",") if part.strip())
            value = ", ".join(
                " ".join([absolute_url(url, root), *descriptor])
                for url, *descriptor in candidates
            )
        else:
            value = absolute_url(value, root)
        return f'{name}="{value}"'

    return URL_ATTRIBUTE.sub(replace, markup)


def absolute_url(url: str, root: str) -> str:
    return root + url if url.startswith("/") and not url.startswith("//") else url
