"""The Russian admin names a model after a colon, never in the wrong case."""

import re

import pytest
from django.utils import translation

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
    assert added % {"verbose_name": "подпись"} == "Добавить ещё: подпись"
