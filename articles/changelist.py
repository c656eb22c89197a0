"""The admin's list of stories, kept fast at a million rows.

Django's defaults read the whole table on every page: an exact COUNT, the years of
the date hierarchy (SELECT DISTINCT over every row) and an ILIKE search. Here the
count stops at COUNT_CAP (beyond it PostgreSQL's planner estimate is shown), the
years come from the newest and oldest story (two index lookups), and PostgreSQL
searches the stored full-text vector.
"""

import json
from datetime import date

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from articles.calendar import local_midnight

COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        counted = self.object_list[: COUNT_CAP + 1].count()
        if counted <= COUNT_CAP or connection.vendor != "postgresql":
            return counted if counted <= COUNT_CAP else self.object_list.count()
        plan = json.loads(self.object_list.explain(format="json"))
        return max(int(plan[0]["Plan"]["Plan Rows"]), counted)


class PublishedYearFilter(admin.SimpleListFilter):
    title = _("year published")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        dated = model_admin.model.objects.filter(published_at__isnull=False)
        newest = dated.order_by("-published_at").values_list("published_at", flat=True)
        oldest = dated.order_by("published_at").values_list("published_at", flat=True)
        if (last := newest.first()) is None:
            return []
        years = range(
            timezone.localtime(last).year,
            timezone.localtime(oldest.first()).year - 1,
            -1,
        )
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        year = int(self.value())
        if not 1 <= year < 9999:
            return queryset.none()
        return queryset.filter(
            published_at__gte=local_midnight(date(year, 1, 1)),
            published_at__lt=local_midnight(date(year + 1, 1, 1)),
        )


def full_text_search(queryset, term: str):
    """Stories whose headline, lead or body hold the words, in either language."""
    return queryset.filter(
        RawSQL(
            "search_vector @@ (websearch_to_tsquery('russian', %s) || "
            "websearch_to_tsquery('english', %s))",
            [term, term],
            output_field=BooleanField(),
        )
    )
