"""Articles as IPTC ninjs 2.1 items, rendered by the site's one material renderer.

Partners republish what they get, so each item carries what the site shows: the legal
labels in force first in the body, the register asterisks and footnotes, the photo
credits, corrections and updates, and links to the story's published translations.

An item's `pubstatus` is "usable" once the story is live, "withheld" while it is
sent under embargo (until `embargoed`), "canceled" once it is withdrawn: a kill
notice, still led by the labels.

The feed keeps each live story's item (feed_items) while the page cache is on, until
the story or everything changes or partners are told of a new version: asked again
after a publish, it renders the new story's item only.
"""

import html
import re
from datetime import UTC, datetime

from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from api.models import Partner
from articles.freshness import story_topic
from articles.html import absolute_url
from articles.models import (
    PARTNERS_SEE,
    Article,
    ArticleEvent,
    ArticleQuerySet,
    wire_moment,
)
from articles.rendering import Material, render_material, syndicated_html
from disclaimers.rendering import labels_in_force
from newsroom import page_cache
from newsroom.i18n import agency_name, agency_name_genitive
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


# What the feed's list reads of each story: what names its item (feed_items).
LISTED_FIELDS = ("pk", "status", "published_at", "wire_version", "translation_of_id")


def feed_articles(partner: Partner | None = None) -> ArticleQuerySet:
    """What the feed lists, newest first: the published articles, and for a partner
    those sent to it under embargo."""
    shown = Q(published_at__lte=timezone.now())
    if partner is not None:
        shown |= Q(embargoed=True)
    articles = Article.objects.filter(shown, status=Article.Status.PUBLISHED)
    return articles.only(*LISTED_FIELDS)


def feed_changes(partner: Partner | None = None) -> ArticleQuerySet:
    """Every story partners were told of (articles/wire.py), as it stands now:
    live, withdrawn (a kill notice) and, for a partner, sent under embargo; each
    with its `wire_moment`, the order of the changes.

    The open feed never shows what only partners had: an embargoed story, nor the
    withdrawal of one withdrawn before its time.
    """
    now = timezone.now()
    shown = Q(status=Article.Status.PUBLISHED, published_at__lte=now) | Q(
        status=Article.Status.WITHDRAWN, published_at__lte=F("wire_at")
    )
    if partner is not None:
        shown |= Q(embargoed=True)
    return (
        Article.objects.annotate(wire_moment=wire_moment())
        .filter(wire_moment__lte=now, status__in=PARTNERS_SEE)
        .filter(shown)
        .only(*LISTED_FIELDS)
    )


def feed_items(stories: list[Article], root: str) -> list[dict]:
    """ninjs_items of `stories` (only LISTED_FIELDS read), each live story's item
    kept until the story or everything changes, or partners are told of a new
    version (its `wire_version` names it), and a story under embargo kept apart from
    the story gone live. Kill notices are rendered every time: a withdrawn story's
    later edits are no change readers see, and nothing would end a kept one."""
    now = timezone.now()
    live = {
        f"ninjs:{story.pk}:{story.wire_version}:"
        f"{'withheld' if story.published_at > now else 'usable'}:{root}": story
        for story in stories
        if story.status != Article.Status.WITHDRAWN
    }
    withdrawn = [
        story.pk for story in stories if story.status == Article.Status.WITHDRAWN
    ]
    rendered: dict[int, dict] = {}

    def render(pks: list[int]) -> None:
        articles = list(Article.objects.filter(pk__in=pks).for_display())
        rendered.update(
            zip([a.pk for a in articles], ninjs_items(articles, root), strict=True)
        )

    def item(name: str) -> dict | None:
        story = live[name]
        page_cache.depends_on(topics=[story_topic(story)])
        return rendered.get(story.pk)  # None: gone since the list was read

    kept = page_cache.kept_values(
        list(live),
        item,
        size=lambda item: 2 * len(item["bodies"][0]["value"]) if item else 0,
        # The kill notices come with the items not kept, in the same queries.
        prepare=lambda names: render(withdrawn + [live[name].pk for name in names]),
    )
    if unrendered := [pk for pk in withdrawn if pk not in rendered]:
        render(unrendered)  # every live story's item was kept
    items = rendered | {
        story.pk: item for story, item in zip(live.values(), kept, strict=True)
    }
    return [items[story.pk] for story in stories if items.get(story.pk)]


def ninjs_items(articles: list[Article], root: str) -> list[dict]:
    """A page of items in a fixed number of queries, whatever its length.

    `root` is the site's scheme and host ("https://example.org"), for absolute URIs.
    """
    if not articles:
        return []
    languages = sorted({article.language for article in articles})
    labels = {language: labels_in_force(language) for language in languages}
    live = [a for a in articles if a.status != Article.Status.WITHDRAWN]
    # A kill notice shows no photo: only the live stories' are fetched.
    photos = photos_by_id(pk for article in live for pk in article.photo_ids())
    relatives = published_relatives(live)
    reasons = withdrawal_reasons(
        [a for a in articles if a.status == Article.Status.WITHDRAWN]
    )
    items = []
    for article in articles:
        material = render_material(
            article,
            article.language,
            labels=labels[article.language],
            photos=photos,
            original=dict(relatives.get(article.pk, [])).get("original"),
        )
        if article.status == Article.Status.WITHDRAWN:
            items.append(kill_notice(material, reasons.get(article.pk), root))
        else:
            items.append(
                ninjs_item(
                    article,
                    material,
                    photos=photos,
                    relatives=relatives.get(article.pk, []),
                    root=root,
                )
            )
    return items


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
    embargoed = article.published_at > timezone.now()
    with translation.override(language):  # tag and region URLs carry the language
        item = {
            **identity(article, root),
            # Sent ahead of its time: not to be used before `embargoed`.
            "pubstatus": "withheld" if embargoed else "usable",
            "embargoed": iso(article.published_at) if embargoed else None,
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


def identity(article: Article, root: str) -> dict:
    """What names the item and its version, in every state."""
    return {
        "uri": root + article.get_absolute_url(),
        "type": "text",
        "representationtype": "full",
        # The story's version as partners were told of it (articles/wire.py); a
        # story published by other means than the steps is their version 1.
        "version": str(article.wire_version or 1),
        "firstcreated": iso(article.published_at),
        "versioncreated": iso(article.wire_at or article.published_at),
        "language": article.language,
    }


def kill_notice(material: Material, reason: str | None, root: str) -> dict:
    """A withdrawn story: `pubstatus` "canceled", the editor's reason, and in the
    body, after the labels in force, the instruction to take it down."""
    article = material.article
    language = article.language
    agency = agency_name(language)
    with translation.override(language):
        notice = _(
            "This story has been withdrawn by %(agency)s. Do not use it, and remove "
            "it wherever it was published."
        ) % {"agency": agency_name_genitive(language)}
        if reason:
            notice += " " + _("Reason: %(reason)s") % {"reason": reason}
        body = render_to_string(
            "articles/material.html#withdrawn",
            {"labels": material.labels, "material": material, "notice": notice},
        ).strip()
    return {
        **identity(article, root),
        "pubstatus": "canceled",
        "ednote": notice,
        "slugline": article.slug,
        "headlines": [{"value": material.headline_text}],
        "bodies": [
            {"contenttype": "text/html", "value": body},
            {"contenttype": "text/plain", "value": plain_text(body)},
        ],
        "copyrightholder": agency,
        "standard": STANDARD,
    }


def withdrawal_reasons(articles: list[Article]) -> dict[int, str]:
    """The reason each withdrawn story was last withdrawn with, by pk."""
    steps = ArticleEvent.objects.filter(
        article__in=articles, action=ArticleEvent.Action.WITHDRAW
    ).order_by("article", "at", "pk")
    # Oldest first: the last withdrawal's reason is the one kept.
    return dict(steps.values_list("article_id", "comment"))


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
        # The photo's own key: stable for its life, never reused (the original
        # itself stays private; partners get the signed renditions below).
        "uri": f"urn:uuid:{photo.key}",
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
