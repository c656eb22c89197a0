"""What search engines and social networks read from an article page's <head>."""

import json

from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from newsroom.i18n import agency_name
from photos.models import Photo
from photos.rendering import crop

LOCALES = {"ru": "ru_RU", "en": "en_GB"}
# Characters that could end a <script> element or confuse an HTML parser.
SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def article_meta(
    article, request, lead_photo: Photo | None, *, headline: str | None = None
) -> dict:
    """OpenGraph, Twitter card and JSON-LD NewsArticle for `article`; `headline` is
    the one the page shows (with its register asterisks)."""
    absolute = request.build_absolute_uri
    image = None
    # Cards are 1.91:1: the crop around the photo's focal point, not the network's
    # own cut of the whole photo (which may take a face off).
    card = crop(lead_photo, "social") if lead_photo else None
    if card:
        # Search engines take 16:9, 1:1 and the card's shape.
        shapes = [crop(lead_photo, shape) for shape in ("wide", "square")] + [card]
        image = {
            "url": absolute(card.file.url),
            "width": card.width,
            "height": card.height,
            "alt": lead_photo.alt(article.language),
            "shapes": [absolute(shape.file.url) for shape in shapes if shape],
        }
    authors = [
        byline.author.name_in(article.language) for byline in article.bylines.all()
    ]
    description = " ".join(strip_tags(article.lead).split())[:300]
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": (headline or article.headline)[:110],
        "description": description,
        "datePublished": article.published_at.isoformat(),
        "dateModified": article.updated_at.isoformat(),
        "inLanguage": article.language,
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "author": [{"@type": "Person", "name": name} for name in authors]
        or [{"@type": "Organization", "name": agency_name(article.language)}],
        "publisher": {"@type": "Organization", "name": agency_name(article.language)},
    }
    if image:
        data["image"] = image["shapes"]
    return {
        "url": absolute(article.get_absolute_url()),
        "description": description,
        "locale": LOCALES.get(article.language, article.language),
        "image": image,
        "json_ld": json_for_script(data),
    }


def json_for_script(data) -> SafeString:
    """JSON safe to place inside <script type="application/ld+json">."""
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(SCRIPT_SAFE))
