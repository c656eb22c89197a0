"""Register mentions: asterisk at the first mention, footnote in the page's language."""

import re
from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone

from disclaimers.mentions import first_match
from disclaimers.models import DesignatedEntity, Mention
from tests.factories import main_text, make_article, moscow

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "text",
    [
        "Правозащитный центр «Мемориал» заявил",
        "сотрудники «Мемориала» рассказали",
        "вместе с «Мемориалом» и другими",
        "о «Мемориале» писали",
        "MEMORIAL",  # not a match: register names are matched as written
    ][:4],
)
def test_russian_inflected_forms_are_found(text):
    assert first_match(["Мемориал"], text)


@pytest.mark.parametrize(
    "text",
    [
        "мемориал жертвам войны открыли в парке",  # a common noun, lower case
        "Мемориальный комплекс",  # another word
        "Memorials",  # not a Russian form
    ],
)
def test_other_words_are_not_mistaken_for_a_name(text):
    assert first_match(["Мемориал"], text) is None


def test_english_and_multiword_names_are_found():
    assert first_match(["Memorial"], "Memorial's lawyers said").text == "Memorial's"
    assert (
        first_match(["Северный фонд"], "гранты «Северного фонда»").text
        == "Северного фонда"
    )
    assert first_match(["Горный щит"], "с «Горным  щитом»").text == "Горным  щитом"
    assert first_match(["Объединённый центр"], "в Объединенном центре").text


def test_first_mention_gets_an_asterisk_and_the_material_a_footnote(client, memorial):
    article = make_article(
        language="ru",
        headline="Суд рассмотрит иск",
        body="<p>Юристы «Мемориала» подали иск.</p><p>«Мемориал» также заявил...</p>",
    )
    text = main_text(client.get(article.get_absolute_url()))
    assert "«Мемориала»*" in text
    assert text.count("*") == 2  # the asterisk and the footnote's own
    assert "*Внесён Минюстом РФ в реестр иностранных агентов" in text
    assert text.index("подали иск") < text.index("*Внесён Минюстом")


def test_footnote_is_in_the_page_language(client, memorial):
    article = make_article(
        language="en", body="<p>Memorial's lawyers filed a suit.</p>"
    )
    text = main_text(client.get(article.get_absolute_url()))
    assert "Memorial's*" in text.replace("&#x27;", "'")
    assert "*Included by the Russian Ministry of Justice" in text


def test_mention_in_the_headline_is_starred_there(client, memorial):
    article = make_article(language="ru", headline="«Мемориал» обжаловал решение")
    text = main_text(client.get(article.get_absolute_url()))
    assert re.search(r"<h1[^>]*>«Мемориал»\*", text)


def test_new_register_entry_footnotes_a_five_year_old_story(client):
    old = make_article(
        language="ru",
        published_at=moscow(timezone.localdate().year - 5, 3, 2, 10, 0),
        body="<p>Акцию поддержали активисты «Открытого берега».</p>",
    )
    assert "Ministry" not in main_text(client.get(old.get_absolute_url()))
    with transaction.atomic():
        DesignatedEntity.objects.create(
            kind=DesignatedEntity.Kind.UNDESIRABLE,
            names_ru="Открытый берег",
            names_en="Open Shore",
            footnote_ru="*Деятельность организации признана нежелательной в России",
            footnote_en="*The organisation's activities are declared undesirable in Russia",
            listed_on=timezone.localdate(),
        )
    text = main_text(client.get(old.get_absolute_url()))
    assert "«Открытого берега»*" in text
    assert "*Деятельность организации признана нежелательной в России" in text


def test_dismissed_false_match_stays_dismissed(client, memorial):
    article = make_article(language="ru", body="<p>Открыли «Мемориал» павшим.</p>")
    mention = Mention.objects.get(article=article)
    mention.status = Mention.Status.DISMISSED
    mention.save()
    article.lead = "Новый лид."
    article.save()  # re-detection on save
    with transaction.atomic():
        memorial.footnote_en = "*Changed wording"
        memorial.save()  # re-scan of the archive
    assert Mention.objects.get(article=article).status == Mention.Status.DISMISSED
    text = main_text(client.get(article.get_absolute_url()))
    assert "«Мемориал»*" not in text and "Минюстом" not in text


def test_removing_the_name_from_the_text_removes_the_footnote(client, memorial):
    article = make_article(language="ru", body="<p>Заявление «Мемориала».</p>")
    article.body = "<p>Заявление правозащитников.</p>"
    article.save()
    assert not Mention.objects.filter(article=article).exists()


def test_entry_removed_from_the_register_no_longer_footnotes(client, memorial):
    article = make_article(language="ru", body="<p>Заявление «Мемориала».</p>")
    memorial.delisted_on = date(2024, 1, 1)
    memorial.save()
    assert "Минюстом" not in main_text(client.get(article.get_absolute_url()))


def test_editor_sees_and_dismisses_a_detected_mention_in_the_admin(
    client, make_staff, memorial
):
    article = make_article(language="ru", body="<p>Открыли «Мемориал» павшим.</p>")
    mention = Mention.objects.get()
    editor = make_staff("Editor")
    client.force_login(editor)
    url = f"/admin/articles/article/{article.pk}/change/"
    assert "Мемориал" in client.get(url).content.decode()
    response = client.post(
        "/admin/disclaimers/mention/",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(mention.pk),
            "form-0-status": "dismissed",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    mention.refresh_from_db()
    assert mention.status == Mention.Status.DISMISSED
    assert mention.reviewed_by == editor
