"""Every admin list's filters and search answer a hostile query string without a 500."""

import pytest
from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR

from disclaimers.models import Mention
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db

# What a scanner puts in a query string: NUL (PostgreSQL refuses it in any text),
# SQL, a lone surrogate's bytes, and something long.
HOSTILE_VALUES = ["%00", "a%00b", "1'--", "%ED%A0%80", "9" * 400]


def changelists():
    return [
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    ]


def filter_parameters(client, url) -> set[str]:
    """The query parameters the list's filters read, as the page itself offers them."""
    response = client.get(url)
    assert response.status_code == 200, url
    changelist = response.context["cl"]
    return {
        parameter
        for spec in changelist.filter_specs
        for parameter in spec.expected_parameters()
    }


@pytest.fixture
def superuser_client(client, django_user_model, labels, memorial):
    make_article(headline="Memorial story")
    make_photo(size=(300, 200))
    Mention.objects.create(
        article=make_article(), entity=memorial, matched_text="Мемориал"
    )
    client.raise_request_exception = False  # a 500 is counted, not raised
    client.force_login(django_user_model.objects.create_superuser("root", None))
    return client


@pytest.mark.parametrize("url", changelists())
def test_no_admin_list_filter_or_search_answers_a_hostile_value_with_a_500(
    superuser_client, url
):
    parameters = filter_parameters(superuser_client, url) | {SEARCH_VAR}
    failures = []
    for parameter in sorted(parameters):
        for value in HOSTILE_VALUES:
            response = superuser_client.get(f"{url}?{parameter}={value}")
            if response.status_code not in (200, 302, 400):
                failures.append(f"?{parameter}={value}: {response.status_code}")
    assert failures == []
