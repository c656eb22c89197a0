"""Old archive addresses redirect permanently to the imported articles."""

import pytest

from archive.models import LegacyId
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def imported(legacy_id: str, **fields) -> Article:
    article = make_article(**fields)
    LegacyId.objects.create(
        article=article, language=article.language, legacy_id=legacy_id
    )
    return article


def test_old_address_redirects_permanently_to_the_article(client):
    article = imported("9001", language="en")

    response = client.get("/articles/9001/")

    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_old_address_with_language_picks_that_language(client):
    original = imported("500", language="ru")
    translation = imported("500", language="en", translation_of=original)

    assert client.get("/en/articles/500/")["Location"] == translation.get_absolute_url()
    assert client.get("/ru/articles/500/")["Location"] == original.get_absolute_url()
    # Without a language the clash goes to the original.
    assert client.get("/articles/500/")["Location"] == original.get_absolute_url()
    assert client.get("/en/articles/500/").status_code == 301


def test_unknown_or_unpublished_old_address_is_not_found(client):
    imported("77", language="en", status=Article.Status.DRAFT)

    assert client.get("/en/articles/77/").status_code == 404
    assert client.get("/en/articles/404404/").status_code == 404
    assert client.get("/articles/77/", follow=True).status_code == 404
