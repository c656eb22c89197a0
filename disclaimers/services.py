"""Keeping register mentions current: on every article save and on register changes."""

import html
import re
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone

from background.queue import enqueue_with
from disclaimers.mentions import Match, first_match, fold_yo, search_terms
from disclaimers.models import DesignatedEntity, Mention, RegisterScan

# sender=Mention, article_ids=the stories whose footnotes changed: a re-scan found or
# lost a mention, Legal reviewed one. The publication record (record/) listens.
mentions_changed = Signal()

# Stories a re-scan reads in one task: a few seconds' work, committed as it goes.
RESCAN_CHUNK = 2000

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
        keep_mention(article, entity, found.get(entity), existing.get(entity.pk))


def keep_mention(article, entity, match: Match | None, mention: Mention | None) -> bool:
    """Bring `article`'s mention of `entity` in line with what its text says now;
    whether that changed anything."""
    if match and mention is None:
        Mention.objects.create(
            article=article, entity=entity, matched_text=match.text[:200]
        )
    elif match and mention.matched_text != match.text[:200]:
        mention.matched_text = match.text[:200]
        mention.save(update_fields=["matched_text"])
    elif not match and mention and mention.status != Mention.Status.DISMISSED:
        mention.delete()
    else:
        return False
    return True


def candidates(entity: DesignatedEntity, stories: QuerySet) -> QuerySet:
    """The stories that may name `entity`: those holding a sure piece of each of its
    names (one text filter, not a read of every story), and those that did."""
    per_name = [search_terms(name) for name in entity.names()]
    if not all(per_name):  # a name too short or changing to have a sure piece
        return stories
    condition = Q(mentions__entity=entity)
    for term in (piece for pieces in per_name for piece in pieces):
        condition |= (
            Q(headline__contains=term) | Q(lead__contains=term) | Q(body__contains=term)
        )
    return stories.filter(condition).distinct()


def start_rescan(entity: DesignatedEntity, queued: bool = True) -> RegisterScan:
    """Re-check the archive for `entity`, which has just changed: a scan starts over
    (the worker's, in chunks, unless not `queued`), and one already under way stops
    at its next chunk."""
    with transaction.atomic():
        return _start_rescan(entity, queued)


def _start_rescan(entity: DesignatedEntity, queued: bool) -> RegisterScan:
    scan, _created = RegisterScan.objects.select_for_update().get_or_create(
        entity=entity, defaults={"requested_at": timezone.now()}
    )
    scan.generation += 1
    scan.total = scan.started_at = scan.finished_at = None
    scan.scanned = scan.found = scan.source = scan.after_pk = 0
    scan.requested_at = timezone.now()
    scan.save()
    if queued:
        queue_chunk(scan)
    return scan


def queue_chunk(scan: RegisterScan) -> None:
    from disclaimers.tasks import rescan_chunk

    enqueue_with(
        rescan_chunk, scan.entity_id, scan.generation, scan.source, scan.after_pk
    )


def rescan_chunk(
    entity_id: int, generation: int, source: int, after_pk: int, queued: bool = True
) -> bool:
    """Read the next RESCAN_CHUNK stories of a scan, if it still stands where this
    chunk was asked for (else a newer change, or this chunk's earlier run, moved it
    on), and queue the next chunk in the same transaction (if `queued`). Returns
    whether there is more to read."""
    with transaction.atomic():
        scan = (
            RegisterScan.objects.select_for_update(of=("self",))
            .select_related("entity")
            .filter(entity_id=entity_id)
            .first()
        )
        if scan is None or scan.finished_at is not None:
            return False
        if (scan.generation, scan.source, scan.after_pk) != (
            generation,
            source,
            after_pk,
        ):
            return False
        entity = scan.entity
        if scan.started_at is None:
            scan.started_at = timezone.now()
            scan.total = sum(
                candidates(entity, each()).count() for each in story_sources
            )
        stories = list(
            candidates(entity, story_sources[source]())
            .filter(pk__gt=after_pk)
            .order_by("pk")
            .only("pk", "headline", "lead", "body")[:RESCAN_CHUNK]
        )
        existing = {
            mention.article_id: mention
            for mention in Mention.objects.filter(entity=entity, article__in=stories)
        }
        changed = []
        for story in stories:
            found = dict(mentions_in(story, [entity])).get(entity)
            if (found or story.pk in existing) and keep_mention(
                story, entity, found, existing.get(story.pk)
            ):
                changed.append(story.pk)
        if changed:
            mentions_changed.send(Mention, article_ids=changed)
        scan.scanned += len(stories)
        if len(stories) == RESCAN_CHUNK:
            scan.after_pk = stories[-1].pk
        else:
            scan.source, scan.after_pk = scan.source + 1, 0
        scan.found = entity.mentions.exclude(status=Mention.Status.DISMISSED).count()
        more = scan.source < len(story_sources)
        if not more:
            scan.finished_at = timezone.now()
        scan.save()
        if more and queued:
            queue_chunk(scan)
        return more


# A scan whose chunks have not moved it on for this long is given its next chunk.
STALLED_AFTER = timedelta(minutes=5)


def resume_stalled_scans() -> int:
    stalled = RegisterScan.objects.filter(
        finished_at__isnull=True, updated_at__lt=timezone.now() - STALLED_AFTER
    )
    for scan in stalled:
        queue_chunk(scan)
    return len(stalled)


def rescan_archive(entity: DesignatedEntity) -> int:
    """The whole re-scan for `entity` at once, in this process (the legal file's
    import and the benchmarks); returns the stories read."""
    scan = start_rescan(entity, queued=False)
    while rescan_chunk(
        entity.pk, scan.generation, scan.source, scan.after_pk, queued=False
    ):
        scan.refresh_from_db()
    scan.refresh_from_db()
    return scan.scanned
