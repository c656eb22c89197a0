"""Keeping register mentions current: on every article save and on register changes."""

import html
import re
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q, QuerySet

from disclaimers.mentions import Match, first_match, fold_yo, search_terms
from disclaimers.models import DesignatedEntity, Mention

RESCAN_CHUNK = 500

# articles/ sits above this app, so it hands over its stories (articles/apps.py):
# each source returns a QuerySet of stories with headline, lead and body.
story_sources: list[Callable[[], QuerySet]] = []


def add_story_source(source: Callable[[], QuerySet]) -> None:
    """Have `source`'s stories re-scanned when the register changes."""
    if source not in story_sources:
        story_sources.append(source)


# Bodies are sanitised HTML, so a tag is simply <...>. Each becomes a space: the
# paragraphs "…Мемориал</p><p>Суд…" must not run together into one word.
TAG = re.compile(r"<[^>]*>")


def searchable_text(article) -> str:
    body = html.unescape(TAG.sub(" ", article.body))
    return "\n".join([article.headline, article.lead, body])


def mentions_in(article, entities) -> list[tuple[DesignatedEntity, Match]]:
    """The register entries `article`'s text names, each with its first occurrence."""
    text = searchable_text(article)
    folded = fold_yo(text)
    found = []
    for entity in entities:
        names = entity.names()
        # A substring test in C skips most entries before any regular expression
        # runs: each name's sure piece must be in the text for the name to match.
        terms = [search_terms(name) for name in names]
        if all(terms) and not any(piece in folded for term in terms for piece in term):
            continue
        if match := first_match(names, text):
            found.append((entity, match))
    return found


def update_mentions(article, entities=None) -> None:
    """Record which register entries `article` mentions (all entries by default).

    New finds are recorded as detected; finds that disappeared from the text are
    dropped, except dismissed ones: an editor's "false match" stays decided.
    """
    entities = list(DesignatedEntity.objects.all() if entities is None else entities)
    found = dict(mentions_in(article, entities))
    existing = {
        mention.entity_id: mention
        for mention in Mention.objects.filter(article=article, entity__in=entities)
    }
    for entity in entities:
        match = found.get(entity)
        mention = existing.get(entity.pk)
        if match and mention is None:
            Mention.objects.create(
                article=article, entity=entity, matched_text=match.text[:200]
            )
        elif match and mention.matched_text != match.text[:200]:
            mention.matched_text = match.text[:200]
            mention.save(update_fields=["matched_text"])
        elif not match and mention and mention.status != Mention.Status.DISMISSED:
            mention.delete()


def rescan_archive(entity: DesignatedEntity) -> int:
    """Re-check every article for `entity` after the register changed; returns a count.

    Only articles containing a sure piece of one of its names are read, so a new
    register entry costs one indexed-or-sequential text filter, not a full re-read.
    """
    per_name = [search_terms(name) for name in entity.names()]
    terms = [piece for pieces in per_name for piece in pieces]
    checked = 0
    for source in story_sources:
        candidates = source()
        if all(per_name):
            condition = Q()
            for term in terms:
                condition |= (
                    Q(headline__contains=term)
                    | Q(lead__contains=term)
                    | Q(body__contains=term)
                )
            candidates = candidates.filter(
                condition | Q(mentions__entity=entity)
            ).distinct()
        for article in candidates.only("pk", "headline", "lead", "body").iterator(
            RESCAN_CHUNK
        ):
            with transaction.atomic():
                update_mentions(article, [entity])
            checked += 1
    return checked
