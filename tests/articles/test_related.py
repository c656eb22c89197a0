"""The related stories' statement (articles/related.py) against their definition
written with the ORM, over an archive of every kind of story, by both plans."""

import random
from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone

from articles import models
from articles.models import Article, TaggedArticle
from articles.related import RELATED_COUNT, related_stories
from tests.factories import make_article, make_region

pytestmark = pytest.mark.django_db

TAGS = ["courts", "floods", "roads", "schools"]


def defined(story: Article) -> list[int]:
    """The newest stories readers see before `story`, in its language, sharing its
    region or one of its tags, each once."""
    tags = TaggedArticle.objects.filter(content_object=story).values("tag")
    shared = Q(
        pk__in=TaggedArticle.objects.filter(tag__in=tags).values("content_object")
    )
    if story.region_id:
        shared |= Q(region=story.region_id)
    return list(
        Article.objects.published()
        .filter(shared, language=story.language, published_at__lte=story.published_at)
        .exclude(pk=story.pk)
        .newest_first()
        .values_list("pk", flat=True)[:RELATED_COUNT]
    )


def statement(story: Article) -> list[int]:
    tag_ids = list(
        TaggedArticle.objects.filter(content_object=story).values_list("tag", flat=True)
    )
    found = related_stories(
        story.pk, story.language, story.published_at, tag_ids, story.region_id
    )
    return [article.pk for article in found]


@pytest.fixture
def archive():
    rng = random.Random(18)
    regions = [make_region(), make_region(), None]
    now = timezone.now()
    moments = [now - timedelta(hours=rng.randrange(1, 400)) for _ in range(40)]
    for number in range(120):
        status = rng.choice(["published"] * 5 + ["draft", "withdrawn", "scheduled"])
        when = rng.choice(moments)  # shared moments: ties, told apart by id
        make_article(
            language=rng.choice(["en", "ru"]),
            status="published" if status == "scheduled" else status,
            published_at=now + timedelta(hours=number + 1)
            if status == "scheduled"
            else when
            if status != "draft"
            else None,
            region=rng.choice(regions),
            tags=rng.sample(TAGS, rng.randrange(0, 3)),
        )
    return Article.objects.published()


@pytest.mark.parametrize("sparse", [models.SPARSE_LISTING, 2], ids=["few", "many"])
def test_the_statement_finds_what_the_definition_names(archive, monkeypatch, sparse):
    # With room for only two ids, every tag set takes the semi-join instead.
    monkeypatch.setattr(models, "SPARSE_LISTING", sparse)
    monkeypatch.setattr(models, "_many_since", {})
    stories = list(archive)
    assert len(stories) > 40
    compared = [(statement(story), defined(story)) for story in stories]
    assert all(found == wanted for found, wanted in compared)
    assert sum(len(wanted) == RELATED_COUNT for _found, wanted in compared) > 20


def test_a_story_with_neither_tags_nor_region_has_no_related_stories():
    make_article(tags=["courts"])
    story = make_article(region=None)
    assert statement(story) == []
