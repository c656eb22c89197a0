"""Which readers see a photo: the languages of the live stories that show it."""

import pytest

from articles.models import Article
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


def test_a_photo_placed_in_a_body_is_live_in_that_stories_language():
    photo, other = make_photo(), make_photo()
    make_article(language="ru", body=f"<p>Текст.</p><p>[photo:{photo.pk}]</p>")
    # Its number in a text is not a placement; a draft is not live.
    make_article(language="en", body=f"<p>{photo.pk} people were evacuated.</p>")
    make_article(
        language="en",
        status=Article.Status.DRAFT,
        body=f"<p>[photo:{photo.pk}]</p>",
    )

    assert Article.objects.languages_showing(photo) == {"ru"}
    assert Article.objects.languages_showing(other) == set()
    make_article(language="en", lead_photo=other)
    assert Article.objects.languages_showing(other) == {"en"}
