"""The Russian admin names a model after a colon, never in the wrong case or gender,
and counts with the right plural form."""

import re
from datetime import date, timedelta

import pytest
from django.contrib.messages import get_messages
from django.utils import translation
from django.utils.html import strip_tags

from disclaimers.models import Disclaimer
from newsroom.russian import counted
from tests.factories import make_region

pytestmark = pytest.mark.django_db

PAGES = [
    ("/admin/disclaimers/disclaimer/", "Выберите для изменения: "),
    ("/admin/disclaimers/disclaimer/add/", "Добавить: "),
    ("/admin/photos/photographer/add/", "Добавить: "),
]


@pytest.mark.parametrize("address, phrase", PAGES)
def test_add_change_and_select_phrases_read_as_russian(admin_client, address, phrase):
    with translation.override("ru"):
        html = admin_client.get(address, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert phrase in html
    # Django's own wording put the name in the nominative after the verb.
    assert not re.search(r"Добавить (маркировк|фотограф|автор)", html)
    assert "Выберите маркировка" not in html


def test_an_inline_adds_another_after_a_colon():
    with translation.override("ru"):
        added = translation.gettext("Add another %(verbose_name)s")
    assert (
        added % {"verbose_name": "автор материала"} == "Добавить ещё: автор материала"
    )


@pytest.mark.parametrize(
    "number, name, said",
    [
        (1, "маркировка", "1 маркировка"),
        (2, "маркировка", "2 маркировки"),
        (5, "маркировка", "5 маркировок"),
        (11, "маркировка", "11 маркировок"),
        (21, "маркировка", "21 маркировка"),
        (3, "запись реестра", "3 записи реестра"),
        (5, "прежний слаг тега", "5 прежних слагов тега"),
        (5, "исправление или обновление", "5 исправлений или обновлений"),
        (7, "фото", "7 фото"),
    ],
)
def test_counts_agree_with_the_number(number, name, said):
    assert counted(number, name) == said


def test_a_list_counts_its_rows_in_each_language(admin_client):
    for number in range(5):
        make_region(slug=f"region-{number}", name_en=f"Region {number}")
    russian = admin_client.get("/admin/articles/region/", HTTP_ACCEPT_LANGUAGE="ru")
    english = admin_client.get("/admin/articles/region/", HTTP_ACCEPT_LANGUAGE="en")
    assert "5 регионов" in russian.text
    assert "5 regions" in english.text


def said(response) -> list[str]:
    return [strip_tags(message) for message in get_messages(response.wsgi_request)]


def test_added_changed_and_deleted_read_without_a_gender(admin_client):
    """Django's Russian says «маркировка … был успешно добавлен»: ours names the
    model after a colon, whatever its gender."""
    planned = {
        "text": "Планируемая маркировка",
        "locales": ["ru", "en"],
        "effective_from": (date.today() + timedelta(days=30)).isoformat(),
        "placement": "after_headline",
        "emphasis": "double_size",
    }
    ru = {"HTTP_ACCEPT_LANGUAGE": "ru", "follow": True}
    added = admin_client.post("/admin/disclaimers/disclaimer/add/", planned, **ru)
    label = Disclaimer.objects.get(text="Планируемая маркировка")
    assert said(added) == [f"Добавлено: маркировка «{label}»."]

    change = f"/admin/disclaimers/disclaimer/{label.pk}/change/"
    changed = admin_client.post(change, {**planned, "_continue": "1"}, **ru)
    assert said(changed) == [
        f"Сохранено: маркировка «{label}». Ниже можно продолжить правку."
    ]

    delete = f"/admin/disclaimers/disclaimer/{label.pk}/delete/"
    deleted = admin_client.post(delete, {"post": "yes"}, **ru)
    assert said(deleted) == [f"Удалено: маркировка «{label}»."]


def test_deleting_several_counts_them_after_a_colon(admin_client):
    regions = [make_region(slug=f"region-{n}", name_en=f"Region {n}") for n in range(2)]
    deleted = admin_client.post(
        "/admin/articles/region/",
        {
            "action": "delete_selected",
            "_selected_action": [region.pk for region in regions],
            "post": "yes",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
        follow=True,
    )
    assert said(deleted) == ["Удалено: регионы (2)."]
