"""What happens when two people press the same button at the same moment."""

import contextlib
import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test import Client

from articles import workflow
from articles.models import Article
from tests.factories import article_form_data, make_article

pytestmark = pytest.mark.django_db(transaction=True)

ADMIN = "/admin/articles/article/"


def run_together(*tasks):
    """Run each task in a thread of its own, all released at once; their results."""
    barrier = threading.Barrier(len(tasks))
    results, errors = [None] * len(tasks), []

    def run(index, task):
        try:
            barrier.wait()
            results[index] = task()
        except Exception as error:  # reported below, not swallowed
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, task))
        for index, task in enumerate(tasks)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return results


def test_two_translate_clicks_at_once_make_one_translation(make_staff, monkeypatch):
    original = make_article(language="ru", headline="Оригинал")
    translators = [make_staff("Translator"), make_staff("Editor")]
    # Both clicks reach the "is there one already?" check together, where the
    # database lets them (SQLite runs one writing transaction at a time).
    both_checking = threading.Barrier(2)
    real_other_language = workflow.other_language

    def together(language):
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checking.wait(timeout=1)
        return real_other_language(language)

    monkeypatch.setattr(workflow, "other_language", together)
    drafts = run_together(
        *(lambda user=user: workflow.translate(original, user) for user in translators)
    )
    assert Article.objects.filter(translation_of=original).count() == 1
    assert drafts[0].pk == drafts[1].pk


def test_a_second_translation_in_the_same_language_is_refused_by_the_form():
    original = make_article(language="ru")
    make_article(language="en", translation_of=original)
    second = Article(language="en", headline="Second", translation_of=original)
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "translation_of" in str(refused.value) or "__all__" in str(refused.value)
    assert refused.value.error_dict["__all__"][0].code == "translation_exists"


def test_an_edit_that_loses_a_simultaneous_save_keeps_its_text(make_staff):
    """Editor A has checked and is saving when editor B's save arrives: B is told,
    in the form, with the text still there; A's text stands."""
    editor_b = make_staff("Editor", "second-editor")
    story = make_article(status=Article.Status.DRAFT, headline="Before")
    opened = Article.objects.get(pk=story.pk)
    a_checked, b_posted = threading.Event(), threading.Event()
    client = Client()
    client.force_login(editor_b)

    def save_as_a():
        with transaction.atomic():
            mine = Article.objects.get(pk=story.pk)
            mine.headline = "Headline by A"
            mine.full_clean()  # A's check passes ...
            a_checked.set()
            b_posted.wait(timeout=5)
            time.sleep(0.3)  # ... and B's request arrives before A's save commits
            mine.save()
        return "saved"

    def save_as_b():
        a_checked.wait(timeout=5)
        b_posted.set()
        return client.post(
            f"{ADMIN}{story.pk}/change/",
            article_form_data(opened, headline="Careful rewrite by B"),
            headers={"accept-language": "en"},
        )

    saved, response = run_together(save_as_a, save_as_b)
    assert saved == "saved"
    assert response.status_code == 200  # the form again, not a redirect
    assert "Someone else saved this story after you opened it" in response.text
    assert 'value="Careful rewrite by B"' in response.text
    assert Article.objects.get(pk=story.pk).headline == "Headline by A"
