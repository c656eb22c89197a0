"""Exporting articles to the archive's JSONL, with their photos copied beside the file."""

import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.db.models import F

from archive.jsonl import article_line
from articles.models import Article
from photos.models import BODY_PHOTO, Photo, photo_ids_in


def export(
    path: Path,
    *,
    since: datetime | None = None,
    language: str | None = None,
    with_history: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the matching articles to `path`; returns how many were written.

    The workflow history goes along `with_history`; by default when the whole
    archive is exported (an installation moving), not a part of it.
    """
    if with_history is None:
        with_history = since is None and language is None
    path = Path(path)
    folder = path.resolve().parent
    articles = (
        Article.objects.select_related(
            "region",
            "lead_photo__photographer",
            "legacy",
            "translation_of__legacy",
            "created_by",
            "approved_by",
        )
        .prefetch_related(
            "bylines__author__aliases",
            "tags",
            "corrections",
            "mentions__entity",
            "mentions__reviewed_by",
            *(["events__actor"] if with_history else []),
        )
        # Originals first, so an import of the file finds each original before its
        # translations (the importer copes either way, this spares a second pass).
        .order_by(F("translation_of").asc(nulls_first=True), "published_at", "pk")
    )
    if since:
        articles = articles.filter(published_at__gte=since)
    if language:
        articles = articles.filter(language=language)
    total = articles.count() if progress else 0
    count = 0
    files: dict[int, str] = {}  # each photo copied once, by id
    with path.open("w", encoding="utf-8") as out:
        # In chunks: prefetching per chunk keeps memory flat for any archive size.
        for article in articles.iterator(chunk_size=500):
            body_photos = list(
                Photo.objects.filter(pk__in=photo_ids_in(article.body))
                .select_related("photographer")
                .order_by("pk")
                if BODY_PHOTO.search(article.body)
                else []
            )
            for photo in [article.lead_photo, *body_photos]:
                if photo and photo.pk not in files:
                    files[photo.pk] = copy_photo(photo, folder)
            line = article_line(article, files, body_photos, with_history)
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
            if progress:
                progress(count, total)
    return count


def copy_photo(photo: Photo, folder: Path) -> str:
    """Copy the photo's image beside the file, named by its key; its relative path."""
    suffix = PurePosixPath(photo.image.name).suffix
    relative = f"photos/{photo.key}{suffix}"
    target = folder / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with photo.image.open("rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
    return relative
