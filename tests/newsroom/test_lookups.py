"""`any_of`: the same stories as `in`, however long the list."""

import pytest

from articles.models import Article, Byline
from tests.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def test_any_of_finds_what_in_finds():
    author = make_author()
    stories = [make_article(authors=[author]) for _ in range(5)]
    wanted = [stories[0].pk, stories[3].pk, 10**12]  # one id that is nobody's
    assert set(Article.objects.filter(pk__any_of=wanted)) == {stories[0], stories[3]}
    assert set(
        Byline.objects.filter(article__any_of=wanted).values_list("article", flat=True)
    ) == {stories[0].pk, stories[3].pk}
    assert not Article.objects.filter(pk__any_of=[]).exists()
    assert Article.objects.exclude(pk__any_of=[]).count() == 5


def test_any_of_takes_thousands_of_ids_and_only_integers():
    story = make_article()
    many = [*range(10**9, 10**9 + 5000), story.pk]
    assert list(Article.objects.filter(pk__any_of=many)) == [story]
    with pytest.raises(ValueError):
        list(Article.objects.filter(pk__any_of=["1); DROP TABLE x; --"]))
