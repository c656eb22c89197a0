"""What partners are told of each story (the partner feed and its pushes, api/).

Each change partners must hear of makes a new version of the story's item: its
`wire_version` goes up by one and its `wire_at` is the moment they were told, which
is what the feed's `?since=` follows and the item's `versioncreated` says. The
change's GoLive event keeps the version it made, so its push goes out once.

A change is told when it happens: a step taken now with the step (go_live.record),
a scheduled story's going live when its time comes (go_live.announce).

News to partners: a story going live, or sent to them under embargo; a correction
or update of a story they have; the withdrawal of a story they have or had. A
story withdrawn before partners ever got it is not news to them.
"""

from django.utils import timezone

from articles.models import Article, GoLive

# The changes that give partners a story they may not have had yet.
NEW_STORY = {GoLive.Kind.PUBLISHED, GoLive.Kind.EMBARGOED}


def is_news(event: GoLive) -> bool:
    article = event.article
    if event.kind == GoLive.Kind.WITHDRAWN:
        return article.partners_had
    if event.kind == GoLive.Kind.CORRECTED:
        return article.status == Article.Status.PUBLISHED and article.partners_had
    return True  # went live, or sent under embargo


def tell(event: GoLive) -> None:
    """Make the event's change a new version for partners, if it is news to them
    (in the caller's transaction)."""
    if not is_news(event):
        return
    article = event.article
    stored = Article.objects.select_for_update().filter(pk=article.pk)
    told = stored.values_list("wire_version", flat=True).get()
    if event.kind not in NEW_STORY:
        # A story partners have but were never told of (published before the
        # wire) stands as their version 1.
        told = max(told, 1)
    version = told + 1
    now = timezone.now()
    stored.update(wire_version=version, wire_at=now)
    article.wire_version, article.wire_at = version, now
    event.wire_version = version
    event.save(update_fields=["wire_version"])
