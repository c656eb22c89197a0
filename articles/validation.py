"""What a story's values may be, checked alike by the admin form, the workflow steps
and the archive import: publication times in range, slugs, text free of controls."""

from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import cache, lru_cache

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# The control-character rules live in newsroom.text, shared with the legal file and
# staff accounts; check_text is imported from here by the story and the import.
from newsroom.text import check_plain_text, check_text, latin_slug, tag_slug  # noqa: F401

# The archive's first year: nothing older exists, and the calendar and sitemaps
# start here. An earlier date is a legacy placeholder ("0001-01-01"), not a story.
EARLIEST_PUBLICATION = date(1990, 1, 1)
# How far ahead a story may be scheduled. Times near year 9999 overflow when read
# back in Moscow time (or UTC), taking down every page that lists the story.
YEARS_AHEAD = 5

SLUG_LENGTH = 100


@cache
def earliest_publication() -> datetime:
    """Midnight of EARLIEST_PUBLICATION in Moscow, the archive calendar's first day."""
    return timezone.make_aware(
        datetime.combine(EARLIEST_PUBLICATION, datetime.min.time())
    )


def latest_publication() -> datetime:
    return timezone.now() + timedelta(days=365 * YEARS_AHEAD)


def check_publication_time(moment: datetime | None, field: str = "published_at"):
    """A publication (or correction) time within the archive's range, or a refusal."""
    if moment is None:
        return
    # Aware datetimes compare without conversion, so year 9999 cannot overflow here.
    if not earliest_publication() <= moment <= latest_publication():
        raise ValidationError(
            {
                field: ValidationError(
                    _(
                        "The publication time must be between %(earliest)s and "
                        "%(years)s years from now."
                    ),
                    code="date_out_of_range",
                    params={"earliest": EARLIEST_PUBLICATION, "years": YEARS_AHEAD},
                )
            }
        )


def check_tag_name(value: str, field: str = "tags") -> None:
    """A tag's name: one line, and something its slug (its page's address) keeps."""
    check_plain_text(value, field)
    if not _tag_slug(value):
        raise ValidationError(
            {
                field: ValidationError(
                    _("A tag needs at least one letter or digit."), code="empty_slug"
                )
            }
        )


# An archive names the same few thousand tags on line after line.
@lru_cache(maxsize=10_000)
def _tag_slug(name: str) -> str:
    # Whichever language it is named in: any letter or digit will do.
    return tag_slug(name, "ru")


def normalised_slug(value: str, field: str = "slug") -> str:
    """A given slug as the site makes them: Latin, lower case, words joined by hyphens.

    Odd characters are dropped rather than refused; a slug with nothing left is.
    """
    if not value:
        return ""
    check_plain_text(value, field)
    slug = latin_slug(value, max_length=SLUG_LENGTH)
    if value and not slug:
        raise ValidationError(
            {
                field: ValidationError(
                    _("A slug needs at least one letter or digit."), code="empty_slug"
                )
            }
        )
    return slug


def check_fields(checks: list[tuple[Callable, object, str]]) -> None:
    """Runs each (check, value, field); raises every refusal at once, by field."""
    errors = {}
    for check, value, field in checks:
        try:
            check(value, field)
        except ValidationError as error:
            errors.update(error.error_dict)
    if errors:
        raise ValidationError(errors)
