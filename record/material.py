"""A story's material as readers got it, in the canonical form the record hashes.

The material is a JSON object (record/models.py: canonical_json gives its bytes):
the story's key, language and address, whether it was live or withdrawn, its
publication time, the headline and lead with the register's asterisks, the body
(HTML, asterisks in, each photo still its `[photo:ID]` paragraph), the footnotes, the
legal labels in force, the byline, source, corrections and updates, the original a
translation was made from, and each photo: the SHA-256 of its file, its caption,
credit and alt text. Its SHA-256 is the version's hash: `sha256sum` of the document
served at /<lang>/news/<id>/<slug>/v/<n>/material.json gives it.

Stored, its long texts (lead, body, labels, footnotes) are Text rows named by their
SHA-256, kept once however many versions share them; restored() puts them back.
"""

import hashlib

from django.conf import settings
from django.db.models import Prefetch

from api.ninjs import iso
from articles.models import Article, Byline
from articles.rendering import marked_text
from disclaimers.models import Disclaimer
from disclaimers.rendering import MATERIAL_PREFETCH, STAR
from photos.models import Photo
from record.models import Text, canonical_json, sha256

# The fields kept as Text rows: one text, or a list of texts.
KEPT_APART = ("lead", "body")
KEPT_APART_LISTS = ("labels", "footnotes")


# What material() reads of a story, fetched for many at once.
PREFETCH = [
    Prefetch("bylines", queryset=Byline.objects.select_related("author")),
    "corrections",
    *MATERIAL_PREFETCH,
]


def materials(articles: list[Article], labels: list[str] | None = None) -> list[dict]:
    """Each story as readers get it now, the photos read in one query (fetch the
    stories with for_display() and their translation_of to spare the rest;
    `labels`: the texts of the labels in force, if known)."""
    photos = Photo.objects.in_bulk(
        {pk for article in articles for pk in article.photo_ids()}
    )
    in_force = {}
    for language in {article.language for article in articles}:
        in_force[language] = label_texts(language) if labels is None else labels
    return [
        material(article, in_force[article.language], photos) for article in articles
    ]


def material(article: Article, labels: list[str] | None = None, photos=None) -> dict:
    """The story as readers get it now (`labels`: the texts of the labels in force,
    if known).
    A withdrawn story's readers get its notice: the headline, and nothing else of
    the story."""
    language = article.language
    text = marked_text(article, language)
    if article.status == Article.Status.WITHDRAWN:
        return {
            **NOTHING,
            "story": str(article.key),
            "language": language,
            "address": article.get_absolute_url(),
            "state": "withdrawn",
            "published_at": iso(article.published_at) if article.published_at else None,
            "headline": text.headline.replace(STAR, "*"),
        }
    original = article.translation_of if article.translation_of_id else None
    if original is not None and not original.is_live:
        original = None  # its note shows only while the original is on the site
    if photos is None:
        photos = Photo.objects.in_bulk(article.photo_ids())
    return {
        "story": str(article.key),
        "language": language,
        "address": article.get_absolute_url(),
        "state": "withdrawn" if article.status == Article.Status.WITHDRAWN else "live",
        "published_at": iso(article.published_at) if article.published_at else None,
        "headline": text.headline.replace(STAR, "*"),
        "lead": text.lead.replace(STAR, "*"),
        "body": text.body,
        "footnotes": text.footnotes,
        "labels": label_texts(language) if labels is None else labels,
        "byline": [byline.author.name_in(language) for byline in bylines(article)],
        "source": article.source,
        "corrections": [
            {"kind": note.kind, "at": iso(note.noted_at), "text": note.text}
            for note in article.corrections.all()
        ],
        "original": {
            "story": str(original.key),
            "address": original.get_absolute_url(),
            "published_at": iso(original.published_at),
        }
        if original
        else None,
        "lead_photo": article.lead_photo_id,
        "photos": [
            {
                "id": pk,
                "sha256": file_sha256(photos[pk]),
                "caption": photos[pk].caption(language),
                "credit": photos[pk].credit(language),
                "alt": photos[pk].alt(language),
            }
            for pk in dict.fromkeys(article.photo_ids())
            if pk in photos
        ],
    }


def labels_read(language: str) -> list[Disclaimer]:
    """The labels in force, read from the database: never a copy a process kept
    (the worker records a label change as soon as it is saved)."""
    return [label for label in Disclaimer.objects.in_force() if label.covers(language)]


def label_texts(language: str) -> list[str]:
    return [label.text for label in labels_read(language)]


def label_texts_by_language() -> dict[str, list[str]]:
    """The texts of the labels in force in each of the site's languages (one
    query)."""
    in_force = list(Disclaimer.objects.in_force())
    return {
        code: [label.text for label in in_force if label.covers(code)]
        for code, _name in settings.LANGUAGES
    }


# What a withdrawn story's notice shows of the story's text: nothing.
NOTHING = {
    "lead": "",
    "body": "",
    "footnotes": [],
    "labels": [],
    "byline": [],
    "source": "",
    "corrections": [],
    "original": None,
    "lead_photo": None,
    "photos": [],
}


def bylines(article: Article) -> list[Byline]:
    if "bylines" in getattr(article, "_prefetched_objects_cache", {}):
        return list(article.bylines.all())
    return list(article.bylines.select_related("author"))


def file_sha256(photo: Photo) -> str | None:
    """The SHA-256 of the photo's file, read once and kept on the photo (until its
    image is replaced); None while the file is missing from storage."""
    if not photo.image_sha256:
        hasher = hashlib.sha256()
        try:
            with photo.image.open("rb") as file:
                for chunk in iter(lambda: file.read(1 << 20), b""):
                    hasher.update(chunk)
        except OSError:  # a file missing from storage: recorded as missing
            return None
        photo.image_sha256 = hasher.hexdigest()
        Photo.objects.filter(pk=photo.pk, image=photo.image.name).update(
            image_sha256=photo.image_sha256
        )
    return photo.image_sha256


def digest(value: dict) -> str:
    return sha256(canonical_json(value))


def stored(value: dict) -> tuple[dict, dict[str, str]]:
    """The material with its long texts replaced by their SHA-256, and those texts
    by name (to be kept: record/chain.py writes them with the entry, a text kept
    already left as it is)."""
    names = {}
    for text in [value[name] for name in KEPT_APART] + [
        text for name in KEPT_APART_LISTS for text in value[name]
    ]:
        names.setdefault(text, sha256(text.encode()))
    parts = dict(value)
    for name in KEPT_APART:
        parts[name] = names[value[name]]
    for name in KEPT_APART_LISTS:
        parts[name] = [names[text] for text in value[name]]
    return parts, {name: text for text, name in names.items()}


def restored(parts: dict, texts: dict[str, str] | None = None) -> dict:
    """The material a stored entry holds (`texts`: its Text rows by hash, if read
    already). A text missing from the store comes back as None: it then fails
    verification."""
    if texts is None:
        texts = dict(
            Text.objects.filter(pk__in=text_refs(parts)).values_list("pk", "text")
        )
    value = dict(parts)
    for name in KEPT_APART:
        value[name] = texts.get(parts[name])
    for name in KEPT_APART_LISTS:
        value[name] = [texts.get(ref) for ref in parts[name]]
    return value


def text_refs(parts: dict) -> list[str]:
    return [parts[name] for name in KEPT_APART] + [
        pk for name in KEPT_APART_LISTS for pk in parts[name]
    ]
