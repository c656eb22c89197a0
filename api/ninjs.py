"""Articles as IPTC ninjs 2.1 items, rendered by the site's one material renderer.

Partners republish what they get, so each item carries what the site shows: the legal
labels in force first in the body, the register asterisks and footnotes, the photo
credits, and links to the story's published translations.
"""

import html
import re
from datetime import UTC, datetime

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.html import strip_tags

from articles.html import absolute_url
from articles.models import Article, ArticleQuerySet
from articles.rendering import Material, render_material, syndicated_html
from disclaimers.rendering import labels_in_force
from newsroom.i18n import agency_name
from photos.models import Photo, Rendition
from photos.rendering import photo_ids_in, photos_by_id, sources

STANDARD = {
    "name": "ninjs",
    "version": "2.1",
    "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_2.1.json",
}
BLOCK_END = re.compile(
    r"</(?:p|h[1-6]|li|blockquote|figcaption|figure|div|tr)>|<br\s*/?>", re.IGNORECASE
)


def feed_articles() -> ArticleQuerySet:
    """Published articles with everything their items need, prefetched per page."""
    return Article.objects.published().for_display()


def ninjs_items(articles: list[Article], root: str) -> list[dict]:
    """A page of items in a fixed number of queries, whatever its length.

    `root` is the site's scheme and host ("https://example.org"), for absolute URIs.
    """
    if not articles:
        return []
    languages = sorted({article.language for article in articles})
    labels = {language: labels_in_force(language) for language in languages}
    photos = photos_by_id(pk for article in articles for pk in article.photo_ids())
    relatives = published_relatives(articles)
    return [
        ninjs_item(
            article,
            render_material(
                article,
                article.language,
                labels=labels[article.language],
                photos=photos,
                original=dict(relatives.get(article.pk, [])).get("original"),
            ),
            photos=photos,
            relatives=relatives.get(article.pk, []),
            root=root,
        )
        for article in articles
    ]


def ninjs_item(
    article: Article,
    material: Material,
    *,
    photos: dict[int, Photo],
    relatives: list[tuple[str, Article]],
    root: str,
) -> dict:
    """One article as a ninjs 2.1 text item; empty fields are left out."""
    language = article.language
    agency = agency_name(language)
    body = syndicated_html(material, root)
    with translation.override(language):  # tag and region URLs carry the language
        item = {
            "uri": root + article.get_absolute_url(),
            "type": "text",
            "representationtype": "full",
            "version": str(article.version),
            "firstcreated": iso(article.published_at),
            # An edit made before a scheduled time is still this version's creation.
            "versioncreated": iso(max(article.updated_at, article.published_at)),
            "pubstatus": "usable",
            "language": language,
            "slugline": article.slug,
            "headlines": [{"value": material.headline_text}],
            "descriptions": [{"role": "summary", "value": html.unescape(material.lead)}]
            if material.lead
            else [],
            "bodies": [
                {"contenttype": "text/html", "value": body},
                {"contenttype": "text/plain", "value": plain_text(body)},
            ],
            "by": ", ".join(
                byline.author.name_in(language) for byline in article.bylines.all()
            ),
            "infosources": [{"name": article.source}] if article.source else [],
            "subjects": [
                {
                    "name": tag.own_name(language),
                    "literal": tag.slug_in(language),
                    "uri": root + tag.get_absolute_url(language),
                }
                for tag in article.tags_shown()
            ],
            "places": [
                {
                    "name": article.region.name_in(language),
                    "literal": article.region.slug,
                    "uri": root + article.region.get_absolute_url(),
                }
            ]
            if article.region
            else [],
            "associations": pictures(article, photos, language, root),
            "altids": [
                {"role": role, "value": root + other.get_absolute_url()}
                for role, other in relatives
            ],
            "copyrightholder": agency,
            "copyrightnotice": (
                f"© {timezone.localtime(article.published_at).year} {agency}"
            ),
            "standard": STANDARD,
        }
    return {key: value for key, value in item.items() if value}


def plain_text(markup: str) -> str:
    """The HTML body as paragraphs of text, one blank line apart."""
    text = html.unescape(strip_tags(BLOCK_END.sub("\n", markup)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)


def pictures(
    article: Article, photos: dict[int, Photo], language: str, root: str
) -> list[dict]:
    """The lead photo ("featureimage") and the body's photos ("image1", ...)."""
    lead = photos.get(article.lead_photo_id)
    in_body = [
        photos[pk]
        for pk in dict.fromkeys(photo_ids_in(article.body))
        if pk in photos and pk != article.lead_photo_id
    ]
    featured = [picture(lead, "featureimage", language, root)] if lead else []
    return featured + [
        picture(photo, f"image{number}", language, root)
        for number, photo in enumerate(in_body, 1)
    ]


def picture(photo: Photo, name: str, language: str, root: str) -> dict:
    """A picture item: caption as headline, the credit line as by and notice."""
    caption, credit = photo.caption(language), photo.credit(language)
    item = {
        "name": name,
        # The original's address: stable for the life of the photo, never reused.
        "uri": absolute_url(photo.image.url, root),
        "type": "picture",
        "language": language,
        "headlines": [{"value": caption}] if caption else [],
        "descriptions": [
            {"role": role, "value": value}
            for role, value in (("caption", caption), ("alt", photo.alt(language)))
            if value
        ],
        "by": credit,
        "copyrightnotice": credit,
        "renditions": [
            {
                "name": f"{image_format.lower()}-{rendition.width}",
                "href": absolute_url(rendition.file.url, root),
                "contenttype": f"image/{image_format.lower()}",
                "width": rendition.width,
                "height": rendition.height,
            }
            for image_format in Rendition.Format.values
            for rendition in sources(photo, image_format)
        ],
    }
    return {key: value for key, value in item.items() if value}


def published_relatives(
    articles: list[Article],
) -> dict[int, list[tuple[str, Article]]]:
    """Each article's published original and translations, in one query for the page."""
    pks = {article.pk for article in articles}
    originals = {article.translation_of_id for article in articles} - {None}
    others = list(
        Article.objects.published()
        .filter(Q(pk__in=originals) | Q(translation_of__in=pks))
        .only("pk", "slug", "language", "translation_of_id", "published_at")
        .order_by("pk")
    )
    return {
        article.pk: [
            ("original", other)
            for other in others
            if other.pk == article.translation_of_id
        ]
        + [
            ("translation", other)
            for other in others
            if other.translation_of_id == article.pk
        ]
        for article in articles
    }


def iso(moment: datetime) -> str:
    """RFC 3339 in UTC, microseconds kept: a partner's `since` can reuse it exactly."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
