"""The record's background work: the daily signed head, and the entries a label or
register change makes for the stories it touches."""

from articles.models import Article
from background.queue import background_task, enqueue_with
from record import chain, signing
from record.models import Entry


# On the worker's clock (the next tick is the retry: attempts=1).
@background_task(attempts=1)
def sign_daily_head() -> bool:
    """Once a day: the head signed; and if the labels in force changed at midnight
    (a dated label version began or ended), every live story recorded again."""
    if chain.labels_moved():
        enqueue_with(record_live_stories, Entry.Event.LABELS)
    return signing.sign_today() is not None


@background_task()
def record_live_stories(event: str, after_pk: int = 0) -> None:
    """Every live story whose material changed, a chunk per task, in id order."""
    following = chain.record_stories(Article.objects.published(), event, after_pk)
    if following is not None:
        enqueue_with(record_live_stories, event, following)
    else:
        chain.labels_recorded()


@background_task()
def record_mentioning(entity_id: int) -> None:
    mentioning = Article.objects.published().filter(mentions__entity_id=entity_id)
    following = 0
    while following is not None:
        following = chain.record_stories(mentioning, Entry.Event.LABELS, following)


@background_task()
def record_stories(article_ids: list[int], event: str) -> None:
    live = Article.objects.published().filter(pk__in=article_ids)
    following = 0
    while following is not None:
        following = chain.record_stories(live, event, following)
