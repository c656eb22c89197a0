"""What a restore must bring back, as plain data: compared across databases and processes.

Run in the test process for the original and, in a subprocess pointed at the
restored database and media folder, for the copy.
"""

import hashlib

from articles.models import Article
from photos.models import Photo, private_storage


def digest(field_file) -> str:
    with field_file.open("rb") as file:
        return hashlib.sha256(file.read()).hexdigest()


def private_digest(path: str) -> str | None:
    """The replaced image's file in the private folder, or None when it is gone."""
    try:
        with private_storage().open(path, "rb") as file:
            return hashlib.sha256(file.read()).hexdigest()
    except FileNotFoundError:
        return None


def when(moment) -> str | None:
    return moment.isoformat() if moment else None


def contents() -> dict:
    articles = Article.objects.order_by("pk").prefetch_related(
        "tags", "bylines__author", "corrections", "events__actor", "mentions__entity"
    )
    photos = Photo.objects.order_by("pk").prefetch_related(
        "renditions", "replaced_images__replaced_by"
    )
    return {
        "articles": [
            {
                "id": article.pk,
                "text": [
                    article.language,
                    article.headline,
                    article.lead,
                    article.body,
                ],
                "status": article.status,
                "slug": article.slug,
                "times": [
                    when(article.published_at),
                    when(article.created_at),
                    when(article.updated_at),
                    when(article.text_changed_at),
                ],
                "version": article.version,
                "filed_by": article.created_by.username if article.created_by else None,
                "translation_of": article.translation_of_id,
                "lead_photo": article.lead_photo_id,
                "tags": sorted(tag.name for tag in article.tags.all()),
                "bylines": [
                    [byline.author.name_en, byline.position]
                    for byline in article.bylines.all()
                ],
                "corrections": [
                    [correction.kind, correction.text, when(correction.noted_at)]
                    for correction in article.corrections.all()
                ],
                "events": [
                    [event.action, event.actor.username, event.comment, when(event.at)]
                    for event in article.events.all()
                ],
                "mentions": [
                    [mention.entity.names_ru, mention.matched_text, mention.status]
                    for mention in article.mentions.all()
                ],
                "revisions": [
                    [
                        revision.history_type,
                        revision.headline,
                        revision.body,
                        revision.version,
                        when(revision.history_date),
                    ]
                    for revision in article.history.order_by("history_id")
                ],
            }
            for article in articles
        ],
        "photos": [
            {
                "id": photo.pk,
                "captions": [photo.caption_ru, photo.caption_en],
                "credit": [photo.credit_form, photo.credit_text],
                "image": [
                    photo.image.name,
                    photo.width,
                    photo.height,
                    digest(photo.image),
                ],
                "renditions": sorted(
                    [r.width, r.format, r.file.name, digest(r.file)]
                    for r in photo.renditions.all()
                ),
                "replaced": [
                    [
                        old.path,
                        private_digest(old.path),
                        old.replaced_by.username if old.replaced_by else None,
                        when(old.replaced_at),
                    ]
                    for old in photo.replaced_images.all()
                ],
            }
            for photo in photos
        ],
    }
