"""The readers' search form: it reads any query string and keeps what is usable."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from articles.models import Region
from articles.search import MAX_PAGES, MAX_QUERY_LENGTH, Query

# Wider than any archive; dates near year 1 or 9999 break date arithmetic (a day
# after, a time zone shift), so a date outside is dropped like any unusable field.
SEARCHABLE_DATES = [
    MinValueValidator(date(1000, 1, 1)),
    MaxValueValidator(date(9000, 1, 1)),
]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    order = forms.ChoiceField(
        label=_("Order"),
        choices=[("date", _("newest first")), ("relevance", _("most relevant first"))],
        required=False,
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        validators=SEARCHABLE_DATES,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        validators=SEARCHABLE_DATES,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("All regions"),
    )
    tag = forms.SlugField(label=_("Tag"), required=False, allow_unicode=True)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_PAGES, widget=forms.HiddenInput
    )

    def query(self) -> Query:
        """The usable part of the request: a bad field is dropped, never an error."""
        self.is_valid()
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }
        region = data.get("region")
        return Query(
            text=(data.get("q") or "")[:MAX_QUERY_LENGTH],
            order=data.get("order") or "date",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            region=region.pk if region else None,
            tag=data.get("tag", ""),
            page=data.get("page") or 1,
        )
