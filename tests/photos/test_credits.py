"""Credit lines in the page's language, and no publication without credit and alt text."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from articles.models import Article
from photos.models import Photo, Photographer
from tests.factories import main_text, make_article, make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def photographer():
    return Photographer.objects.create(name_en="Aziz Karimov", name_ru="Азиз Каримов")


@pytest.mark.parametrize(
    ("form", "text", "en", "ru"),
    [
        ("photo_by_for_agency", "", "Photo by Aziz Karimov for Highland Herald",
         "Фото Азиза Каримова для «Горного вестника»"),
        ("photo_agency", "Reuters", "Photo: Reuters", "Фото: Reuters"),
        ("video_screenshot_by", "", "Screenshot of a video by Aziz Karimov",
         "Стоп-кадр из видео Азиза Каримова"),
        ("free_text", "Family archive", "Family archive", "Family archive"),
    ],
)  # fmt: skip
def test_credit_line_in_both_languages(photographer, form, text, en, ru):
    photo = make_photo(credit_form=form, credit_text=text, photographer=photographer)
    assert photo.credit("en") == en
    assert photo.credit("ru") == ru


def test_credit_needs_its_person_or_source(photographer):
    assert (
        make_photo(credit_form="photo_by_for_agency", credit_text="").credit("en") == ""
    )
    assert make_photo(credit_form="photo_agency", credit_text="").credit("en") == ""
    assert make_photo(credit_form="", credit_text="Someone").credit("en") == ""


def test_lead_photo_shows_on_the_page_with_credit_size_and_sources(
    client, photographer
):
    photo = make_photo(
        credit_form="photo_by_for_agency",
        photographer=photographer,
        alt_en="Police line",
    )
    article = make_article(lead_photo=photo, lead="The lead.")
    text = main_text(client.get(article.get_absolute_url()))
    assert "Photo by Aziz Karimov for Highland Herald" in text
    assert '<source type="image/webp" srcset="' in text
    assert re.search(
        r'<img src="[^"]+" srcset="[^"]+ 320w, [^"]+ 640w, [^"]+ 960w, [^"]+ 1280w"',
        text,
    )
    assert 'width="640" height="400"' in text
    assert 'alt="Police line"' in text
    # Lead photo after the lead, before the body (the label stays directly under the h1).
    assert text.index("The lead.") < text.index("<figure") < text.index("article__body")


def test_a_photo_in_the_body_and_reused_by_two_stories_keeps_its_credit(client):
    photo = make_photo(credit_text="Caucasus Photo")
    first = make_article(
        language="en", body=f"<p>Before.</p><p>[photo:{photo.pk}]</p><p>After.</p>"
    )
    second = make_article(language="ru", lead_photo=photo)
    text = main_text(client.get(first.get_absolute_url()))
    assert "[photo:" not in text
    assert (
        text.index("Before.")
        < text.index("Photo: Caucasus Photo")
        < text.index("After.")
    )
    assert "Фото: Caucasus Photo" in main_text(client.get(second.get_absolute_url()))
    # 4 widths x 2 formats and 3 crops, made once
    assert Photo.objects.get().renditions.count() == 11


def test_publishing_a_story_whose_photo_lacks_a_credit_is_refused():
    photo = make_photo(credit_form="", credit_text="")
    article = make_article(status=Article.Status.DRAFT, lead_photo=photo)
    article.status = Article.Status.PUBLISHED
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match=f"photo #{photo.pk} has no credit"),
    ):
        article.full_clean()


def test_publishing_a_story_whose_body_photo_lacks_alt_text_is_refused():
    photo = make_photo(caption_en="", alt_en="")
    article = make_article(
        status=Article.Status.DRAFT, body=f"<p>[photo:{photo.pk}]</p>"
    )
    article.status = Article.Status.PUBLISHED
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="has no alt text"),
    ):
        article.full_clean()


def test_editor_is_told_why_publishing_is_refused(client, make_staff):
    photo = make_photo(credit_form="", credit_text="")
    story = make_article(status=Article.Status.SUBMITTED, lead_photo=photo)
    client.force_login(make_staff("Editor"))
    response = client.post(
        f"/admin/articles/article/{story.pk}/workflow/publish/",
        headers={"accept-language": "en"},
        follow=True,
    )
    assert "This story cannot be published" in response.text
    assert f"photo #{photo.pk} has no credit" in response.text
    story.refresh_from_db()
    assert story.status == Article.Status.SUBMITTED
