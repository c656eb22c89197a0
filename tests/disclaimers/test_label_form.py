"""The label version's form: its page languages are one checkbox per site language."""

import re

import pytest
from django.conf import settings

from disclaimers.models import Disclaimer

pytestmark = pytest.mark.django_db

ADD = "/admin/disclaimers/disclaimer/add/"


def version(**changes) -> dict:
    return {
        "text": "ДАННОЕ СООБЩЕНИЕ (МАТЕРИАЛ) СОЗДАНО ИНОСТРАННЫМ АГЕНТОМ",
        "locales": ["ru", "en"],
        "effective_from": "2031-01-01",
        "effective_to": "",
        "placement": "after_headline",
        "emphasis": "double_size",
        **changes,
    }


@pytest.fixture
def legal_client(client, make_staff):
    client.force_login(make_staff("Legal"))
    return client


def test_label_form_offers_one_checkbox_per_site_language(legal_client):
    page = legal_client.get(ADD).content.decode()
    for code, _name in settings.LANGUAGES:
        assert f'type="checkbox" name="locales" value="{code}"' in page
    # A new version covers every language unless someone unticks one.
    ticked = re.findall(r'<input type="checkbox" name="locales"[^>]*checked', page)
    assert len(ticked) == len(settings.LANGUAGES)


def test_ticked_languages_are_saved_as_the_same_list(legal_client):
    # Ticked in any order, stored in the site's order, as the JSON list it always was.
    response = legal_client.post(ADD, version(locales=["en", "ru"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Disclaimer.objects.get(effective_from="2031-01-01").locales == ["ru", "en"]


def test_one_ticked_language_is_saved_alone(legal_client):
    response = legal_client.post(
        ADD, version(locales=["ru"], effective_from="2032-01-01")
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Disclaimer.objects.get(effective_from="2032-01-01").locales == ["ru"]


def test_a_label_for_no_language_is_refused_with_a_clear_error(legal_client):
    data = version()
    del data["locales"]
    response = legal_client.post(ADD, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert [error.code for error in form.errors.as_data()["locales"]] == ["required"]
    assert "Choose at least one language" in response.content.decode()
    russian = legal_client.post(ADD, data, HTTP_ACCEPT_LANGUAGE="ru")
    assert "Выберите хотя бы один язык" in russian.content.decode()
    assert not Disclaimer.objects.filter(effective_from="2031-01-01").exists()


def test_a_language_the_site_does_not_have_is_refused(legal_client):
    response = legal_client.post(ADD, version(locales=["ru", "de"]))
    assert response.status_code == 200
    assert "locales" in response.context["adminform"].form.errors
    assert not Disclaimer.objects.filter(effective_from="2031-01-01").exists()
