"""Statements prepared once a database session (newsroom/prepared.py)."""

import pytest
from django.db import DatabaseError, connection, transaction

from articles.parts import whole_story
from tests.factories import make_article, make_region


def prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


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


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_first_call_of_a_session_is_one_statement(django_assert_num_queries):
    story = make_article()
    connection.close()
    connection.ensure_connection()

    with django_assert_num_queries(1):  # prepared and run in one round trip
        assert whole_story(story.pk).pk == story.pk
    assert "whole_story" in prepared()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_the_session_lost_is_run_written_out_then_prepared_again():
    story = make_article()
    whole_story(story.pk)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")  # as a pooler or DISCARD ALL would

    assert whole_story(story.pk).pk == story.pk
    assert whole_story(story.pk).pk == story.pk
    assert "whole_story" in prepared()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_whose_columns_a_migration_changed_is_made_again():
    story = make_article(region=make_region())
    whole_story(story.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "ALTER TABLE articles_region ALTER COLUMN name_en TYPE varchar(300)"
        )
    try:
        # Inside a transaction the transaction fails (it cannot go on), and the
        # caller's next try succeeds; outside one the call itself succeeds.
        with pytest.raises(DatabaseError), transaction.atomic():
            whole_story(story.pk)
        with transaction.atomic():
            assert whole_story(story.pk).region.slug == story.region.slug
        assert whole_story(story.pk).region.slug == story.region.slug
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE articles_region ALTER COLUMN name_en TYPE varchar(100)"
            )
