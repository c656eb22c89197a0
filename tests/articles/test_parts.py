"""A story read whole in one statement (articles/parts.py) holds what for_display's
prefetches would, field for field, on PostgreSQL and SQLite alike."""

from datetime import date, timedelta

import pytest
from django.forms.models import model_to_dict
from django.utils import timezone

from articles.models import Article, Correction
from articles.parts import whole_story
from disclaimers.models import DesignatedEntity
from photos.models import Photo, Photographer
from photos.rendering import make_renditions, photos_by_id
from tests.factories import make_article, make_author, make_photo, make_region

pytestmark = pytest.mark.django_db


def every_field(instance) -> dict | None:
    """Each field's value, its type and (for times) its offset: 0 is not False,
    and a time in Moscow is not the same value in UTC."""
    if instance is None:
        return None
    return {
        field.attname: (
            type(value),
            value,
            getattr(value, "tzinfo", None) and value.utcoffset(),
        )
        for field in instance._meta.concrete_fields
        for value in [getattr(instance, field.attname)]
    }


def renditions_of(photo) -> list[dict]:
    """A photo's renditions, each every_field(), in no order of their own (the
    figures pick them by width and format)."""
    return sorted(
        (every_field(rendition) for rendition in photo.renditions.all()),
        key=lambda fields: fields["id"][1],
    )


@pytest.fixture
def translated_story():
    DesignatedEntity.objects.create(
        kind=DesignatedEntity.Kind.UNDESIRABLE,
        names_ru="Открытый берег",
        names_en="Open Shore",
        footnote_ru="*Нежелательная организация",
        footnote_en="*An undesirable organisation",
        listed_on=date(2023, 1, 1),
    )
    photo = make_photo(
        photographer=Photographer.objects.create(name_ru="Нино Беридзе", name_en=""),
        credit_form=Photo.Credit.PHOTO_BY_FOR_AGENCY,
    )
    make_renditions(photo, crops=False)
    original = make_article(
        language="ru",
        lead_photo=photo,
        headline="Открытый берег подал иск",
        tags=["суды", "выборы", "Архив"],
        authors=[make_author(), make_author(name_en="")],
        region=make_region(),
        published_at=timezone.now() - timedelta(hours=3),
    )
    Correction.objects.create(article=original, text="Исправлено.")
    Correction.objects.create(
        article=original, kind=Correction.Kind.CORRECTION, text="Уточнено."
    )
    translation = make_article(
        language="en",
        translation_of=original,
        headline="Open Shore sues",
        lead_photo=make_photo(),  # an agency's: no photographer, no renditions yet
    )
    return original, translation


@pytest.mark.parametrize("which", [0, 1])
def test_a_whole_story_holds_what_its_prefetches_would(translated_story, which):
    story = translated_story[which]
    expected = Article.objects.for_display().get(pk=story.pk)

    found = whole_story(story.pk)

    assert every_field(found) == every_field(expected)
    assert every_field(found.region) == every_field(expected.region)
    for name in ("bylines", "tags", "corrections", "mentions"):
        assert [every_field(row) for row in getattr(found, name).all()] == [
            every_field(row) for row in getattr(expected, name).all()
        ], name
    assert [every_field(b.author) for b in found.bylines.all()] == [
        every_field(b.author) for b in expected.bylines.all()
    ]
    assert [every_field(m.entity) for m in found.mentions.all()] == [
        every_field(m.entity) for m in expected.mentions.all()
    ]
    assert [version.pk for version in found.versions] == [
        translated_story[1 - which].pk
    ]
    # The lead photo as the figures read it (photos_by_id).
    expected_photo = photos_by_id([story.lead_photo_id]).get(story.lead_photo_id)
    assert every_field(found.lead_photo) == every_field(expected_photo)
    assert every_field(found.lead_photo.photographer) == every_field(
        expected_photo.photographer
    )
    assert renditions_of(found.lead_photo) == renditions_of(expected_photo)
    assert len(renditions_of(found.lead_photo)) == (8, 0)[which]


def test_a_whole_story_is_one_query_and_reads_nothing_more(
    translated_story, django_assert_num_queries
):
    original, _translation = translated_story
    with django_assert_num_queries(1):
        found = whole_story(original.pk)
        assert [model_to_dict(b.author)["name_ru"] for b in found.bylines.all()]
        assert [m.entity.footnote_en for m in found.mentions.all()]
        assert len(found.tags.all()) == 3
        assert [c.article is found for c in found.corrections.all()] == [True, True]
        assert found.region.slug
        assert found.lead_photo.photographer.name_ru == "Нино Беридзе"
        assert len(found.lead_photo.renditions.all()) == 8
        assert photos_by_id([found.lead_photo_id], known=[found.lead_photo])
        version = found.versions[0]
        assert (version.language, version.is_live) == ("en", True)


def test_a_version_not_live_is_there_and_says_so(translated_story):
    original, translation = translated_story
    Article.objects.filter(pk=translation.pk).update(status=Article.Status.DRAFT)

    found = whole_story(original.pk)

    assert [(v.pk, v.is_live) for v in found.versions] == [(translation.pk, False)]


def test_a_story_in_any_state_is_read_and_no_story_is_none(translated_story):
    original, _translation = translated_story
    Article.objects.filter(pk=original.pk).update(status=Article.Status.DRAFT)

    found = whole_story(original.pk)

    assert (found.status, found.is_live) == (Article.Status.DRAFT, False)
    assert whole_story(original.pk + 1000) is None
