"""Statements prepared once a database session (newsroom/prepared.py)."""

import pytest
from django.db import connection

from articles.parts import whole_story
from tests.factories import make_article


@pytest.mark.django_db(transaction=True)
def test_a_statement_is_prepared_once_a_session_and_again_in_a_new_one():
    first, second = make_article(), make_article()

    assert whole_story(first.pk).pk == first.pk
    assert whole_story(second.pk).pk == second.pk  # prepared already: run again
    connection.close()  # a new session has none of the old one's statements
    assert whole_story(first.pk).headline == first.headline


@pytest.mark.django_db
def test_an_id_no_story_can_have_finds_nothing():
    assert whole_story(2**63) is None
    assert whole_story(-(2**63) - 1) is None
