"""The archive's month calendar: weeks from Monday, a link on each day with news."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models.functions import ExtractDay
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR

from articles.models import Article


@dataclass
class CalendarDay:
    date: date
    in_month: bool
    url: str | None  # only days with published news link to their archive


@dataclass
class MonthCalendar:
    month: date  # the first day of the month shown
    weekday_names: list[str]
    weeks: list[list[CalendarDay]]
    url: str
    previous_url: str
    next_url: str | None  # None when the next month has not begun


def local_midnight(day: date) -> datetime:
    """The start of `day` in the site's time zone (Moscow), as an aware datetime."""
    return timezone.make_aware(datetime.combine(day, time.min))


def add_months(month: date, delta: int) -> date:
    index = month.year * 12 + month.month - 1 + delta
    return date(index // 12, index % 12 + 1, 1)


def days_with_news(language: str, month: date) -> set[int]:
    """Days of `month` with published news in `language`, in one query."""
    start, end = local_midnight(month), local_midnight(add_months(month, 1))
    days = (
        Article.objects.published()
        .filter(language=language, published_at__gte=start, published_at__lt=end)
        .annotate(day=ExtractDay("published_at"))
        .order_by()
        .values_list("day", flat=True)
        .distinct()
    )
    return set(days)


def month_url(month: date) -> str:
    return reverse(
        "articles:archive-month", kwargs={"year": month.year, "month": month.month}
    )


def month_calendar(language: str, month: date) -> MonthCalendar:
    month = month.replace(day=1)
    linked = days_with_news(language, month)
    weeks = [
        [
            CalendarDay(
                day,
                in_month=day.month == month.month,
                url=reverse(
                    "articles:archive-day",
                    kwargs={"year": day.year, "month": day.month, "day": day.day},
                )
                if day.month == month.month and day.day in linked
                else None,
            )
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(
            month.year, month.month
        )
    ]
    next_month = add_months(month, 1)
    return MonthCalendar(
        month=month,
        weekday_names=[str(WEEKDAYS_ABBR[weekday]) for weekday in range(7)],
        weeks=weeks,
        url=month_url(month),
        previous_url=month_url(add_months(month, -1)),
        next_url=month_url(next_month) if next_month <= timezone.localdate() else None,
    )
