"""A change refreshes the pages that show what it changed, and only those."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import workflow
from articles.models import Article
from articles.pagination import Cursor
from disclaimers.models import DesignatedEntity, Disclaimer
from newsroom import page_cache
from tests.disclaimers.conftest import LABEL_2022
from tests.factories import make_article, make_photo

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_staff):
    return make_staff("Editor")


def changes() -> int:
    return page_cache.shared().get(page_cache.SEQUENCE_KEY) or 0


def days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def test_a_publish_keeps_other_stories_pages_but_shows_in_their_latest_news(
    client, page_cache_on, editor, django_assert_max_num_queries
):
    # Of an earlier month whatever today's date: the publish leaves its calendar be.
    older = make_article(headline="An older story", published_at=days_ago(40))
    address = older.get_absolute_url()
    client.get(address)
    breaking = make_article(
        headline="Breaking: the dam holds", status=Article.Status.SUBMITTED
    )

    with page_cache_on():
        workflow.publish(breaking, editor)

    # The page is kept; only its latest news is rendered again, and the time of the
    # next scheduled story read again (a change may have scheduled one).
    with django_assert_max_num_queries(2):
        page = client.get(address)
    assert page["X-Cache"] == "HIT"
    html = page.content.decode()
    assert "An older story" in html and "Breaking: the dam holds" in html
    assert client.get("/en/")["X-Cache"] == "MISS"


def test_the_latest_news_piece_is_rendered_once_for_all_pages(
    client, page_cache_on, django_assert_num_queries
):
    # Over a month old: their calendars are of a month the new story is not in,
    # whatever today's date.
    stories = [make_article(published_at=days_ago(days)) for days in (40, 41, 42)]
    for story in stories:
        client.get(story.get_absolute_url())
    with page_cache_on():
        make_article(headline="Fresh news")

    with django_assert_num_queries(2):
        client.get(stories[0].get_absolute_url())
    with django_assert_num_queries(0):
        for story in stories[1:]:
            assert "Fresh news" in client.get(story.get_absolute_url()).content.decode()


def test_editing_a_story_refreshes_its_page_not_an_earlier_one(client, page_cache_on):
    edited = make_article(headline="Recent story", published_at=days_ago(2))
    earlier = make_article(published_at=days_ago(30))
    client.get(edited.get_absolute_url())
    client.get(earlier.get_absolute_url())

    with page_cache_on():
        edited.body = "<p>A corrected paragraph.</p>"
        edited.save()

    page = client.get(edited.get_absolute_url())
    assert page["X-Cache"] == "MISS"
    assert "A corrected paragraph." in page.content.decode()
    # A later story never joins an earlier one's related stories.
    assert client.get(earlier.get_absolute_url())["X-Cache"] == "HIT"


def test_a_story_joining_related_stories_refreshes_the_page(client, page_cache_on):
    page_story = make_article(tags=["Floods"], published_at=days_ago(1))
    address = page_story.get_absolute_url()
    client.get(address)

    # Published as of last week (an import, a late filing): it is related.
    with page_cache_on():
        make_article(
            headline="Backdated flood report", tags=["Floods"], published_at=days_ago(7)
        )

    page = client.get(address)
    assert page["X-Cache"] == "MISS"
    assert "Backdated flood report" in page.content.decode()


def test_publishing_a_translation_refreshes_the_original(client, page_cache_on, editor):
    original = make_article(language="ru", published_at=days_ago(1))
    address = original.get_absolute_url()
    client.get(address)
    translation = make_article(
        translation_of=original,
        headline="The English version",
        published_at=None,
        status=Article.Status.SUBMITTED,
    )

    with page_cache_on():
        workflow.publish(translation, editor)

    page = client.get(address)
    assert page["X-Cache"] == "MISS"
    assert translation.get_absolute_url() in page.content.decode()


def test_deep_pages_of_a_list_stay_when_a_story_is_published(client, page_cache_on):
    stories = [make_article(published_at=days_ago(days)) for days in range(1, 40)]
    first = client.get("/en/news/")
    cursor = Cursor.of(stories[25])
    deep = f"/en/news/?before={cursor}"
    client.get(deep)

    with page_cache_on():
        make_article(headline="Just in")

    assert client.get(deep)["X-Cache"] == "HIT"
    assert client.get("/en/news/")["X-Cache"] == "MISS"
    assert first.content != client.get("/en/news/").content

    with page_cache_on():  # a story inside the deep page's stretch is withdrawn
        stories[30].status = Article.Status.WITHDRAWN
        stories[30].save()
    assert client.get(deep)["X-Cache"] == "MISS"


def test_a_day_archive_changes_only_with_its_own_day(client, page_cache_on):
    day = timezone.localdate() - timedelta(days=10)
    make_article(published_at=days_ago(10))
    address = f"/en/archive/{day:%Y/%m/%d}/"
    client.get(address)

    with page_cache_on():
        make_article(headline="Today's story")
    assert client.get(address)["X-Cache"] == "HIT"

    with page_cache_on():
        make_article(headline="Filed late for that day", published_at=days_ago(10))
    page = client.get(address)
    assert page["X-Cache"] == "MISS"
    assert "Filed late for that day" in page.content.decode()


def test_drafts_and_new_photos_change_no_page(client, page_cache_on):
    client.get("/en/")
    before = changes()

    with page_cache_on():
        draft = make_article(status=Article.Status.DRAFT, published_at=None)
        draft.body = "<p>Still writing.</p>"
        draft.save()
        make_photo()

    assert changes() == before
    assert client.get("/en/")["X-Cache"] == "HIT"


def test_other_languages_pages_stay(client, page_cache_on):
    russian = make_article(language="ru", published_at=days_ago(3))
    client.get("/ru/news/")

    with page_cache_on():
        make_article(language="en", headline="English only")

    assert client.get("/ru/news/")["X-Cache"] == "HIT"
    assert client.get(russian.get_absolute_url())["X-Cache"] == "MISS"
    assert client.get(russian.get_absolute_url())["X-Cache"] == "HIT"


def test_a_label_change_refreshes_every_page(client, page_cache_on, labels):
    story = make_article(published_at=days_ago(3))
    client.get(story.get_absolute_url())
    client.get("/en/news/")

    with page_cache_on():
        Disclaimer.objects.create(
            text="ДОПОЛНИТЕЛЬНАЯ МАРКИРОВКА",
            additional=True,
            effective_from=timezone.localdate(),
        )

    for address in (story.get_absolute_url(), "/en/news/"):
        page = client.get(address)
        assert page["X-Cache"] == "MISS"
        assert "ДОПОЛНИТЕЛЬНАЯ МАРКИРОВКА" in page.content.decode()


def test_a_change_not_yet_written_is_waited_for_then_taken_as_everything(
    client, page_cache_on, monkeypatch
):
    story = make_article()
    client.get(story.get_absolute_url())
    # Another process numbered a change and has not written it (yet).
    page_cache.shared().add(page_cache.SEQUENCE_KEY, 0, timeout=None)
    page_cache.shared().incr(page_cache.SEQUENCE_KEY)
    page_cache._Log.checked_at = 0.0
    client.get(story.get_absolute_url())
    assert client.get(story.get_absolute_url())["X-Cache"] == "HIT"

    clock = page_cache.time.monotonic() + page_cache.MISSING_CHANGE_SECONDS + 1
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: clock)
    assert client.get(story.get_absolute_url())["X-Cache"] == "MISS"


def test_a_process_far_behind_the_log_renders_everything_again(client, page_cache_on):
    story = make_article()
    client.get(story.get_absolute_url())
    page_cache.shared().set(page_cache.SEQUENCE_KEY, page_cache.LOG_LENGTH + 1)
    page_cache._Log.checked_at = 0.0

    assert client.get(story.get_absolute_url())["X-Cache"] == "MISS"


def test_a_feed_follows_the_originals_of_its_translations(client, page_cache_on):
    original = make_article(language="ru", published_at=days_ago(2))
    make_article(translation_of=original, published_at=days_ago(1))
    assert client.get("/en/feeds/rss/")["X-Cache"] == "MISS"

    with page_cache_on():  # the note under the translation names this time
        original.published_at = days_ago(3)
        original.save()

    feed = client.get("/en/feeds/rss/")
    assert feed["X-Cache"] == "MISS"
    assert "originally published" in feed.content.decode()


def test_a_refilled_page_says_its_new_length(client, page_cache_on):
    older = make_article(published_at=days_ago(7))
    client.get(older.get_absolute_url())
    with page_cache_on():
        make_article(headline="A much longer headline that changes the page's length")

    page = client.get(older.get_absolute_url())
    assert page["X-Cache"] == "HIT"
    assert int(page["Content-Length"]) == len(page.content)
    assert (
        client.get(
            older.get_absolute_url(), headers={"if-none-match": page["ETag"]}
        ).status_code
        == 304
    )


def test_pages_beyond_the_memory_given_are_dropped_oldest_first(
    client, page_cache_on, settings
):
    first, second = make_article(), make_article()
    size = len(client.get(first.get_absolute_url()).content)
    # Room for a page and a half: a page with holes keeps its parts and its body
    # as last filled, twice its size.
    settings.PAGE_CACHE_MEMORY_MB = 1.5 * 2 * size / 2**20

    client.get(second.get_absolute_url())

    assert client.get(second.get_absolute_url())["X-Cache"] == "HIT"
    assert client.get(first.get_absolute_url())["X-Cache"] == "MISS"


def test_labels_are_read_once_until_they_change(
    client, page_cache_on, labels, django_assert_num_queries
):
    make_article(published_at=days_ago(2))
    client.get("/en/news/")  # reads the labels, the latest news and the calendar

    with django_assert_num_queries(1):  # its own list only
        page = client.get("/en/")
    assert "ООО «ТЕСТ»" in page.content.decode()

    with page_cache_on():
        Disclaimer.objects.create(
            text="ЕЩЁ ОДНА МАРКИРОВКА",
            additional=True,
            effective_from=timezone.localdate(),
        )
    assert "ЕЩЁ ОДНА МАРКИРОВКА" in client.get("/en/").content.decode()


def cards_rendered(page) -> int:
    return sum(t.name == "articles/_story_card.html" for t in page.templates)


def test_a_list_is_rendered_again_from_its_new_story_and_the_cards_it_had(
    client, page_cache_on
):
    older = [make_article(published_at=days_ago(days)) for days in (1, 2, 3)]
    assert cards_rendered(client.get("/en/news/")) == 3

    with page_cache_on():
        new = make_article(headline="Just published")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/en/news/")

    assert page["X-Cache"] == "MISS"
    assert cards_rendered(page) == 1
    assert "Just published" in page.content.decode()
    # When the next scheduled story goes live, the list's ids, the new story for
    # its card, the latest news, the calendar.
    assert len(queries) == 5
    assert f"IN ({new.pk})" in queries[2]["sql"]

    with page_cache_on():  # a story's own change renders its card again
        older[2].headline = "A corrected headline"
        older[2].save()
    page = client.get("/en/news/")
    assert cards_rendered(page) == 1
    assert "A corrected headline" in page.content.decode()


def test_a_register_entry_stars_every_kept_card(client, page_cache_on):
    make_article(headline="Memorial answers", published_at=days_ago(2))
    assert "Memorial*" not in client.get("/en/news/").content.decode()

    with page_cache_on():
        entity = DesignatedEntity.objects.create(
            kind=DesignatedEntity.Kind.FOREIGN_AGENT,
            names_ru="Мемориал",
            names_en="Memorial",
            footnote_en="*Listed as a foreign agent",
            listed_on=timezone.localdate() - timedelta(days=30),
        )
        Article.objects.get(headline="Memorial answers").save()  # rescanned

    assert entity.mentions.exists()
    assert "Memorial*" in client.get("/en/news/").content.decode()


def test_a_page_asked_with_both_cursors_covers_what_it_shows(client, page_cache_on):
    stories = [make_article(published_at=days_ago(days)) for days in range(1, 40)]
    before, after = Cursor.of(stories[25]), Cursor.of(stories[5])
    address = f"/en/news/?before={before}&after={after}"  # "before" wins
    client.get(address)

    with page_cache_on():
        stories[30].status = Article.Status.WITHDRAWN
        stories[30].save()

    assert client.get(address)["X-Cache"] == "MISS"


def test_a_scheduled_story_going_live_refreshes_what_it_joins_only(
    client, page_cache_on, monkeypatch, settings
):
    settings.PAGE_CACHE_SECONDS = 3600  # kept past the story's time
    older = make_article(published_at=days_ago(3))
    now = timezone.now()
    # A minute ahead: an hour could cross midnight, when every page changes.
    make_article(headline="Embargo lifted", published_at=now + timedelta(minutes=1))
    for address in (older.get_absolute_url(), "/en/news/"):
        client.get(address)
        assert client.get(address)["X-Cache"] == "HIT"

    later = now + timedelta(minutes=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(page_cache.time, "time", later.timestamp)

    news = client.get("/en/news/")
    assert news["X-Cache"] == "MISS"
    assert "Embargo lifted" in news.content.decode()
    story_page = client.get(older.get_absolute_url())
    assert story_page["X-Cache"] == "HIT"  # its latest news filled anew
    assert "Embargo lifted" in story_page.content.decode()


def story_parts_rendered(page) -> int:
    return sum(t.name == "article" for t in page.templates)  # the partial


def related_sections_rendered(page) -> int:
    return sum(t.name == "related" for t in page.templates)


def test_a_related_publish_composes_the_page_around_its_kept_story(
    client, page_cache_on
):
    story = make_article(
        headline="Flood defences hold", tags=["Floods"], published_at=days_ago(1)
    )
    address = story.get_absolute_url()
    assert story_parts_rendered(client.get(address)) == 1

    with page_cache_on():
        make_article(
            headline="Backdated flood report", tags=["Floods"], published_at=days_ago(7)
        )
    page = client.get(address)

    assert page["X-Cache"] == "MISS"
    assert story_parts_rendered(page) == 0
    html = page.content.decode()
    assert "Backdated flood report" in html and "Flood defences hold" in html

    with page_cache_on():  # its own change renders its part again
        story.body = "<p>The river fell overnight.</p>"
        story.save()
    page = client.get(address)
    assert story_parts_rendered(page) == 1
    assert "The river fell overnight." in page.content.decode()


def test_a_register_entry_stars_the_kept_story(client, page_cache_on):
    story = make_article(headline="Memorial answers", published_at=days_ago(2))
    assert "Memorial*" not in client.get(story.get_absolute_url()).content.decode()

    with page_cache_on():
        DesignatedEntity.objects.create(
            kind=DesignatedEntity.Kind.FOREIGN_AGENT,
            names_ru="Мемориал",
            names_en="Memorial",
            footnote_en="*Listed as a foreign agent",
            listed_on=timezone.localdate() - timedelta(days=30),
        )
        story.save()  # rescanned

    html = client.get(story.get_absolute_url()).content.decode()
    assert "Memorial*" in html and "Listed as a foreign agent" in html


def test_the_kept_story_names_the_host_it_was_asked_on(client, page_cache_on, settings):
    settings.ALLOWED_HOSTS = ["news.example", "mirror.example"]
    story = make_article(published_at=days_ago(2))
    for host in ("news.example", "mirror.example"):
        html = client.get(story.get_absolute_url(), HTTP_HOST=host).content.decode()
        assert f'<link rel="canonical" href="http://{host}/' in html


def test_a_new_photo_is_known_to_change_nothing_without_reading_the_stories(
    page_cache_on,
):
    make_article(published_at=days_ago(1))
    with CaptureQueriesContext(connection) as queries, page_cache_on():
        make_photo()
    # Reading every published body for "[photo:ID]" cost a second at 100,000 stories.
    assert not [q for q in queries if "articles_article" in q["sql"]]


def another_process() -> None:
    """What this process keeps is gone, as in a worker started now; the shared log
    and the values kept for every process stay."""
    page_cache.forget()


def test_a_story_part_is_rendered_once_for_every_process(
    client, page_cache_on, django_assert_max_num_queries
):
    # Of an earlier month whatever today's date: the publish leaves its calendar be.
    story = make_article(headline="Flood defences hold", published_at=days_ago(40))
    address = story.get_absolute_url()
    assert story_parts_rendered(client.get(address)) == 1
    with page_cache_on():  # a publish the page shows in its latest news only
        make_article(headline="Breaking: the dam holds")

    another_process()
    # The latest news (the publish changed it) and when the next scheduled story
    # goes live; the month's calendar is kept for every process too.
    with django_assert_max_num_queries(2):
        page = client.get(address)

    assert page["X-Cache"] == "MISS"
    assert story_parts_rendered(page) == 0
    assert related_sections_rendered(page) == 0
    html = page.content.decode()
    assert "Flood defences hold" in html and "Breaking: the dam holds" in html


def test_a_change_before_a_process_started_is_known_to_it(client, page_cache_on):
    story = make_article(headline="Flood defences hold", published_at=days_ago(3))
    address = story.get_absolute_url()
    client.get(address)
    with page_cache_on():  # committed by another process before this one started
        story.body = "<p>The river fell overnight.</p>"
        story.save()
        make_article(headline="Unrelated news", published_at=days_ago(1))

    another_process()
    page = client.get(address)

    assert story_parts_rendered(page) == 1
    assert "The river fell overnight." in page.content.decode()


def test_a_story_part_rendered_before_the_log_reaches_back_is_not_used(
    client, page_cache_on
):
    story = make_article(published_at=days_ago(3))
    address = story.get_absolute_url()
    client.get(address)
    with page_cache_on():
        make_article(published_at=days_ago(1))
    # That change is no longer in the log (expired): it may have touched anything.
    page_cache.shared().delete(page_cache.CHANGE_KEY.format(changes()))

    another_process()
    assert story_parts_rendered(client.get(address)) == 1


def test_a_label_change_renders_every_kept_story_part_again(
    client, page_cache_on, labels
):
    story = make_article(published_at=days_ago(3))
    address = story.get_absolute_url()
    client.get(address)
    with page_cache_on():
        Disclaimer.objects.create(
            text="ДОПОЛНИТЕЛЬНАЯ МАРКИРОВКА",
            additional=True,
            effective_from=timezone.localdate(),
        )

    another_process()
    page = client.get(address)
    assert story_parts_rendered(page) == 1
    assert "ДОПОЛНИТЕЛЬНАЯ МАРКИРОВКА" in page.content.decode()


def test_pages_render_when_the_kept_cache_does_not_answer(
    client, page_cache_on, monkeypatch, caplog
):
    from django.core.cache import caches

    story = make_article(headline="Flood defences hold", published_at=days_ago(3))

    def down(*args, **kwargs):
        raise ConnectionError("Connection refused")

    monkeypatch.setattr(caches["kept"], "get", down)
    monkeypatch.setattr(caches["kept"], "set", down)
    page = client.get(story.get_absolute_url())

    assert page.status_code == 200
    assert "Flood defences hold" in page.content.decode()
    assert "kept values cannot be read" in caplog.text


def test_a_story_joining_related_stories_reaches_every_process(client, page_cache_on):
    story = make_article(tags=["Floods"], published_at=days_ago(1))
    address = story.get_absolute_url()
    client.get(address)
    another_process()
    assert related_sections_rendered(client.get(address)) == 0

    with page_cache_on():
        make_article(
            headline="Backdated flood report", tags=["Floods"], published_at=days_ago(7)
        )
    another_process()
    page = client.get(address)

    assert related_sections_rendered(page) == 1
    assert story_parts_rendered(page) == 0
    assert "Backdated flood report" in page.content.decode()


@pytest.mark.parametrize("process", ["this one", "a new one"])
def test_a_log_counted_afresh_leaves_nothing_kept_fresh(client, page_cache_on, process):
    story = make_article(headline="Flood defences hold", published_at=days_ago(3))
    address = story.get_absolute_url()
    for _ in range(3):
        with page_cache_on():
            make_article(published_at=days_ago(40))
    client.get(address)  # its part kept as of change 3
    # The count's key is lost (evicted), the epoch's is not: the count starts again,
    # and a change numbered 1 must not pass for one older than the kept part.
    page_cache.shared().delete(page_cache.SEQUENCE_KEY)
    with page_cache_on():
        story.body = "<p>The river fell overnight.</p>"
        story.save()
    if process == "a new one":
        another_process()

    page = client.get(address)
    assert story_parts_rendered(page) == 1
    assert "The river fell overnight." in page.content.decode()


def test_a_part_kept_by_another_release_is_not_read(client, page_cache_on, monkeypatch):
    story = make_article(published_at=days_ago(3))
    client.get(story.get_absolute_url())
    another_process()
    monkeypatch.setattr(page_cache, "code_stamp", lambda: "next-release")

    assert story_parts_rendered(client.get(story.get_absolute_url())) == 1


def test_a_process_that_could_not_read_the_log_back_tries_again(
    client, page_cache_on, monkeypatch
):
    make_article(published_at=days_ago(3))
    for days in (2, 1):
        with page_cache_on():
            make_article(published_at=days_ago(days))
    # The first change's entry has expired: read back, it counts as everything.
    page_cache.shared().delete(page_cache.CHANGE_KEY.format(1))
    another_process()
    shared = page_cache.shared()
    answer = shared.get_many
    monkeypatch.setattr(
        shared, "get_many", lambda keys: {} if len(keys) == 2 else 1 / 0
    )
    assert page_cache.current() == -1  # the changes could not be read back

    monkeypatch.setattr(shared, "get_many", answer)
    page_cache._Log.checked_at = 0.0
    assert page_cache.current() == changes()
    assert page_cache._Log.epoch == shared.get(page_cache.EPOCH_KEY)


def items_rendered(feed) -> int:
    return sum(t.name == "syndicated" for t in feed.templates)  # material.html's


def test_a_feed_is_rendered_again_from_its_new_story_and_the_items_it_had(
    client, page_cache_on, labels
):
    older = [make_article(published_at=days_ago(days)) for days in (1, 2, 3)]
    assert items_rendered(client.get("/en/feeds/rss/")) == 3

    with page_cache_on():
        make_article(headline="Just published")
    feed = client.get("/en/feeds/rss/")
    assert feed["X-Cache"] == "MISS"
    assert items_rendered(feed) == 1
    assert "Just published" in feed.content.decode()
    assert feed.content.decode().count(LABEL_2022.split("«")[0]) == 4  # every item

    with page_cache_on():  # a story's own change renders its item again
        older[2].body = "<p>A corrected paragraph.</p>"
        older[2].save()
    feed = client.get("/en/feeds/atom/")
    assert items_rendered(feed) == 1
    assert "A corrected paragraph." in feed.content.decode()
    # Every feed a story is in shares its item: RSS, Atom, its tags', its region's.
    feed = client.get("/en/feeds/rss/")
    assert feed["X-Cache"] == "MISS"
    assert items_rendered(feed) == 0
    assert "A corrected paragraph." in feed.content.decode()

    with page_cache_on():  # a new label stands on every kept item at once
        Disclaimer.objects.create(
            text="ЕЩЁ ОДНА МАРКИРОВКА",
            additional=True,
            effective_from=timezone.localdate(),
        )
    feed = client.get("/en/feeds/rss/")
    assert feed.content.decode().count("ЕЩЁ ОДНА МАРКИРОВКА") == 4
