"""Register names found in every case and number, stems that change included."""

from datetime import date

import pytest

from disclaimers.mentions import first_match
from disclaimers.models import DesignatedEntity
from tests.factories import main_text, make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name, text, found",
    [
        ("Лев Пономарёв", "Суд оштрафовал Льва Пономарёва.", "Льва Пономарёва"),
        ("Лев Пономарёв", "Письмо Льву Пономареву передали.", "Льву Пономареву"),
        ("Орёл", "Митинг прошёл в Орле.", "Орле"),
        ("Орёл", "Из Орла выехали утром.", "Орла"),
        ("Мемориал", "Основатели «Мемориала» пришли в суд.", "Мемориала"),
        ("Новая газета", "В «Новой газете» вышла статья.", "Новой газете"),
        ("Memorial", "Memorial's archive opened.", "Memorial's"),
    ],
)
def test_a_name_is_found_in_every_form(name, text, found):
    match = first_match([name], text)
    assert match is not None and match.text == found


@pytest.mark.parametrize(
    "name, text",
    [
        ("Лев Пономарёв", "Лев и пономарь стояли у ворот."),
        ("Орёл", "Орлов не было видно."),  # another name: Орлов
        ("Мемориал", "мемориальный комплекс открыт"),
    ],
)
def test_other_words_are_not_the_name(name, text):
    assert first_match([name], text) is None


def test_a_story_naming_a_person_in_another_case_gets_the_footnote(client):
    DesignatedEntity.objects.create(
        kind=DesignatedEntity.Kind.FOREIGN_AGENT,
        names_ru="Лев Пономарёв",
        names_en="Lev Ponomaryov",
        footnote_ru="*Внесён Минюстом РФ в реестр иностранных агентов",
        footnote_en="*Listed as a foreign agent",
        listed_on=date(2021, 12, 30),
    )
    story = make_article(language="ru", body="<p>Суд оштрафовал Льва Пономарёва.</p>")

    assert story.mentions.get().matched_text == "Льва Пономарёва"
    text = main_text(client.get(story.get_absolute_url()))
    assert "Льва Пономарёва*" in text and "*Внесён Минюстом РФ" in text
