"""What the editors' queue shows besides the stories: how long each waits, and a
picture of the last days (stories published per day, time from submit to publish)."""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article, ArticleEvent, ProposedChange

Action = ArticleEvent.Action

# The picture's size, in SVG user units; the browser scales it to the column.
WIDTH, HEIGHT, AXIS = 600, 160, 20


def with_waiting_since(articles):
    """Each story with `waiting_since`: when it was last submitted."""
    last_submit = (
        ArticleEvent.objects.filter(article=OuterRef("pk"), action=Action.SUBMIT)
        .order_by()
        .values("article")
        .annotate(last=Max("at"))
        .values("last")
    )
    return articles.annotate(waiting_since=Subquery(last_submit))


@dataclass
class Bar:
    day: date
    published: int
    x: float
    y: float
    height: float


@dataclass
class Picture:
    days: int
    bars: list[Bar]
    bar_width: float
    most: int
    published: int
    median_hours: float | None  # submit to publish, over the whole period
    width: int = WIDTH
    height: int = HEIGHT
    baseline: int = HEIGHT - AXIS

    @property
    def first_day(self) -> date:
        return self.bars[0].day

    @property
    def last_day(self) -> date:
        return self.bars[-1].day


def publishing_picture(articles, days: int = 30) -> Picture:
    """Stories among `articles` published on each of the last `days` days, and the
    median time from the last submission to the approval."""
    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, time.min))
    per_day = dict(
        articles.published()
        .filter(published_at__gte=start)
        .annotate(day=TruncDate("published_at"))
        .values_list("day")
        .annotate(count=Count("pk"))
        .values_list("day", "count")
    )
    counts = [per_day.get(first + timedelta(days=n), 0) for n in range(days)]
    most = max(counts, default=0) or 1
    slot = WIDTH / days
    bars = []
    for n, count in enumerate(counts):
        height = (HEIGHT - AXIS) * count / most
        bars.append(
            Bar(
                day=first + timedelta(days=n),
                published=count,
                x=round(n * slot + 1, 1),
                y=round(HEIGHT - AXIS - height, 1),
                height=round(height, 1),
            )
        )
    return Picture(
        days=days,
        bars=bars,
        bar_width=round(slot - 2, 1),
        most=max(counts, default=0),
        published=sum(counts),
        median_hours=median_hours_to_publish(articles, start),
    )


def median_hours_to_publish(articles, since) -> float | None:
    """Median hours from a story's last submission to its approval, for approvals
    since `since` (stories filed and approved in the admin; imports have no steps)."""
    approvals = ArticleEvent.objects.filter(
        article__in=articles.order_by().values("pk"),
        action__in=[Action.PUBLISH, Action.SCHEDULE],
        at__gte=since,
    ).values_list("article_id", "at")
    approved = list(approvals)
    if not approved:
        return None
    submits: dict[int, list] = {}
    for article_id, at in ArticleEvent.objects.filter(
        article_id__in={article_id for article_id, _at in approved},
        action=Action.SUBMIT,
    ).values_list("article_id", "at"):
        submits.setdefault(article_id, []).append(at)
    waits = []
    for article_id, at in approved:
        earlier = [moment for moment in submits.get(article_id, []) if moment <= at]
        if earlier:
            waits.append((at - max(earlier)).total_seconds() / 3600)
    return round(statistics.median(waits), 1) if waits else None


# Counted up to this many: the admin's index page must not count a whole archive.
COUNT_CAP = 1000


@dataclass
class Waiting:
    label: str
    count: int
    url: str

    @property
    def shown(self) -> str:
        return f"{COUNT_CAP}+" if self.count > COUNT_CAP else str(self.count)


def waiting_for(user) -> list[Waiting]:
    """What waits for `user` on the admin's first page, by what their role does."""
    from disclaimers.models import Mention  # the register is a lower layer's

    stories = reverse("admin:articles_article_changelist")
    own = Article.objects.filter(created_by=user)
    rows = []
    if user.has_perm("articles.change_article"):
        if not user.has_perm("articles.publish_article"):
            rows.append(
                (
                    _("My proposed changes awaiting an editor"),
                    own.filter(proposals__status=ProposedChange.Status.PENDING),
                    f"{stories}?filed_by=me",
                )
            )
        rows.append(
            (
                _("Returned to me"),
                own.filter(status=Article.Status.RETURNED),
                f"{stories}?status__exact=returned&filed_by=me",
            )
        )
        rows.append(
            (
                _("My drafts"),
                own.filter(status=Article.Status.DRAFT),
                f"{stories}?status__exact=draft&filed_by=me",
            )
        )
    if user.has_perm("articles.publish_article"):
        queue = reverse("admin:articles_article_queue")
        rows.append(
            (
                _("Awaiting my approval"),
                Article.objects.filter(status=Article.Status.SUBMITTED),
                queue,
            )
        )
        rows.append(
            (
                _("Proposed changes to approve"),
                Article.objects.filter(proposals__status=ProposedChange.Status.PENDING),
                queue,
            )
        )
        rows.append(
            (_("Stale translations"), Article.objects.stale_translations(), queue)
        )
    elif user.has_perm("articles.translate_article"):
        rows.append(
            (
                _("My stale translations"),
                own.stale_translations(),
                f"{stories}?filed_by=me",
            )
        )
    if user.has_perm("disclaimers.change_mention"):
        rows.append(
            (
                _("Register mentions to review"),
                Mention.objects.filter(status=Mention.Status.DETECTED),
                reverse("admin:disclaimers_mention_changelist")
                + "?status__exact=detected",
            )
        )
    return [
        Waiting(str(label), len(found.order_by().values("pk")[: COUNT_CAP + 1]), url)
        for label, found, url in rows
    ]
