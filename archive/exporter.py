"""Exporting articles to the archive's JSONL, with their photos copied beside the file."""

import json
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.db.models import F

from archive.jsonl import article_line
from archive.models import LegacyId
from articles.models import Article


def export(
    path: Path,
    *,
    since: datetime | None = None,
    language: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write the matching articles to `path`; returns how many were written."""
    path = Path(path)
    folder = path.resolve().parent
    articles = (
        Article.objects.select_related(
            "region", "lead_photo__photographer", "legacy", "translation_of__legacy"
        )
        .prefetch_related("bylines__author__aliases", "tags", "corrections")
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
    with path.open("w", encoding="utf-8") as out:
        # In chunks: prefetching per chunk keeps memory flat for any archive size.
        for article in articles.iterator(chunk_size=500):
            photo_file = copy_photo(article, folder) if article.lead_photo else ""
            original = article.translation_of
            line = article_line(
                article,
                export_id(article),
                export_id(original) if original else "",
                photo_file,
            )
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
            count += 1
            if progress:
                progress(count, total)
    return count


def export_id(article: Article) -> str:
    """The legacy id it was imported with; an article born here keeps its own id."""
    try:
        return article.legacy.legacy_id
    except LegacyId.DoesNotExist:
        return str(article.pk)


def copy_photo(article: Article, folder: Path) -> str:
    """Copy the lead photo once (translations share it); its path relative to folder."""
    photo = article.lead_photo
    suffix = PurePosixPath(photo.image.name).suffix
    relative = f"photos/{photo.pk}{suffix}"
    target = folder / relative
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with photo.image.open("rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
    return relative
