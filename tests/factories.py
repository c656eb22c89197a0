"""Small factory functions for the tests: sensible defaults, override what matters."""

from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from articles.models import Article, Byline, Region, Tag
from articles.tags import tag_names
from authors.models import Author

_numbers = count(1)


def moscow(*args) -> datetime:
    """An aware datetime given in Moscow time: moscow(2025, 1, 27, 21, 59)."""
    return timezone.make_aware(datetime(*args))


def make_region(**fields) -> Region:
    number = next(_numbers)
    fields.setdefault("slug", f"region-{number}")
    fields.setdefault("name_en", f"Region {number}")
    fields.setdefault("name_ru", f"Регион {number}")
    return Region.objects.create(**fields)


def make_author(**fields) -> Author:
    number = next(_numbers)
    fields.setdefault("name_en", f"Author Number{number}")
    fields.setdefault("name_ru", f"Автор Номер{number}")
    return Author.objects.create(**fields)


def make_tag(**fields) -> Tag:
    """A tag named in the languages given (name_ru, name_en)."""
    tag = Tag(**fields)
    tag.save()
    return tag


def make_article(*, authors=(), tags=(), **fields) -> Article:
    """A published English story by default; `tags` are names typed in its language."""
    number = next(_numbers)
    fields.setdefault("language", "en")
    # Text in the story's own language: the workflow refuses text left untranslated.
    if fields["language"] == "ru":
        fields.setdefault("headline", f"Новость номер {number}")
        fields.setdefault("lead", f"Вводка новости {number}.")
        fields.setdefault("body", f"<p>Текст новости {number}.</p>")
    fields.setdefault("headline", f"Story number {number}")
    fields.setdefault("lead", f"Lead of story {number}.")
    fields.setdefault("body", f"<p>Body of story {number}.</p>")
    fields.setdefault("status", Article.Status.PUBLISHED)
    if fields["status"] == Article.Status.PUBLISHED:
        fields.setdefault("published_at", timezone.now() - timedelta(minutes=number))
    article = Article.objects.create(**fields)
    if tags:
        tag_names(article, list(tags))
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    return article


def names_of_tags(article) -> list[str]:
    """The story's tags by name in its language (else the other's), sorted."""
    language = article.language
    return sorted(tag.own_name(language) or tag.name for tag in article.tags.all())


def main_text(response) -> str:
    """The page's <main> only, without the sidebar's latest news."""
    text = response.content.decode()
    return text[text.index("<main") : text.index("</main>")]


def make_photo(**fields):
    """A stored photo (a real JPEG, metadata-free) with a credit unless told otherwise."""
    from django.core.files.base import ContentFile

    from photos.images import clean_image
    from photos.models import Photo
    from tests.photos.images import photo_bytes

    clean = clean_image(ContentFile(photo_bytes(size=fields.pop("size", (1600, 1000)))))
    fields.setdefault("caption_ru", "Подпись к фото")
    fields.setdefault("caption_en", "Photo caption")
    fields.setdefault("credit_form", Photo.Credit.PHOTO_AGENCY)
    fields.setdefault("credit_text", "Highland Herald")
    photo = Photo(**fields)
    photo.store_image(clean)
    photo.save()
    return photo


def article_form_data(article=None, **overrides) -> dict:
    """What the admin's article form posts: the story's text and empty inlines."""
    data = {
        "language": "ru",
        "headline": "Заголовок",
        "lead": "Лид.",
        "body": "<p>Текст.</p>",
        "tags": "",
        "source": "",
        "slug": "",
        "version": "1",
    }
    if article is not None:  # the form as opened on the story
        data.update(
            {
                name: getattr(article, name)
                for name in ("language", "headline", "lead", "body", "source", "slug")
            }
        )
        data["version"] = str(article.version)
    for inline in ("bylines", "corrections", "mentions"):
        data[f"{inline}-TOTAL_FORMS"] = data[f"{inline}-INITIAL_FORMS"] = "0"
    return {**data, **overrides}


def translate_text(draft, **text):
    """A translation draft given text in its own language (what a translator does)."""
    english = draft.language == "en"
    draft.headline = text.get("headline", "Translated story" if english else "Перевод")
    draft.lead = text.get("lead", "Its lead." if english else "Его вводка.")
    draft.body = text.get(
        "body", "<p>Its text.</p>" if english else "<p>Его текст.</p>"
    )
    draft.source = text.get("source", "")
    draft.save()
    return draft


def empty_the_record() -> None:
    """As on a new installation: the publication record, which the application
    never empties (record/models.py), emptied as the database's owner would."""
    from django.db import connection

    tables = ["record_entry", "record_text", "record_signedhead", "record_head"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Checked now: a table with checks pending cannot be truncated.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
