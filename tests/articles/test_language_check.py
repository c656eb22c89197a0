"""Text left in the other language is found, field by field; quoted names are fine."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from articles.language import check_language, wrong_language
from articles.models import Article


@pytest.fixture(autouse=True)
def in_english():
    """The refusals read in English here (the admin speaks the user's language)."""
    with translation.override("en"):
        yield


def story(language="en", **fields) -> Article:
    fields.setdefault("headline", "Court postpones the hearing")
    fields.setdefault("lead", "The hearing was moved to March.")
    fields.setdefault("body", "<p>Lawyers filed an appeal.</p>")
    fields.setdefault("source", "our correspondent")
    return Article(language=language, **fields)


def test_an_english_story_in_english_passes():
    assert wrong_language(story(), tags=["courts"]) == {}


def test_a_russian_paragraph_left_in_an_english_story_is_named_by_number():
    found = wrong_language(
        story(
            body="<p>Lawyers filed an appeal.</p><p>Суд отложил заседание до марта.</p>"
        ),
        tags=[],
    )
    assert list(found) == ["body"]
    assert "paragraph 2" in found["body"][0]
    assert "Суд отложил" in found["body"][0]


def test_russian_source_and_tag_on_an_english_story_are_named():
    found = wrong_language(
        story(source="корреспондент «Горного вестника»"), tags=["courts", "суды"]
    )
    assert set(found) == {"source", "tags"}
    assert "суды" in found["tags"][0]


def test_quoted_names_and_acronyms_in_the_other_alphabet_are_fine():
    english = story(
        headline="«Мемориал» appeals",
        body="<p>The «Мемориал» society and the ФСБ were named, as was „Новая газета“.</p>",
    )
    assert wrong_language(english, tags=[]) == {}
    russian = story(
        language="ru",
        headline="Суд над NATO и «Memorial Society»",
        lead="Заседание перенесли.",
        body="<p>Юристы подали жалобу в ЕСПЧ и написали в BBC.</p>",
        source="наш корреспондент",
    )
    assert wrong_language(russian, tags=["суды", "ЕСПЧ"]) == {}


def test_an_english_headline_left_in_a_russian_story_is_named():
    russian = story(
        language="ru",
        headline="Court postpones the hearing",
        lead="Заседание перенесли.",
        body="<p>Юристы подали жалобу.</p>",
        source="наш корреспондент",
    )
    assert list(wrong_language(russian, tags=[])) == ["headline"]


def test_photo_paragraphs_are_not_counted():
    assert wrong_language(story(body="<p>Text.</p><p>[photo:12]</p>"), tags=[]) == {}


def test_check_language_refuses_with_a_code_per_field():
    with pytest.raises(ValidationError) as refused:
        check_language(story(lead="Суд отложил заседание."), tags=[])
    assert refused.value.error_dict["lead"][0].code == "wrong_language"


def test_a_whole_sentence_left_untranslated_in_quotes_is_named():
    found = wrong_language(
        story(
            body="<p>«Мы будем обжаловать это решение во всех инстанциях», he said.</p>"
        ),
        tags=[],
    )
    assert list(found) == ["body"]
