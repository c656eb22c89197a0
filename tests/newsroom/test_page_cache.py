"""The full-page cache: served to anonymous readers, refreshed by every change."""

import time as time_module
from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import timezone

from articles import workflow
from articles.models import Article
from disclaimers.models import DesignatedEntity, Disclaimer
from newsroom import page_cache
from tests.factories import make_article, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(make_staff):
    return make_staff("Editor")


def test_second_read_is_served_from_the_cache_without_queries(
    client, page_cache_on, django_assert_num_queries
):
    make_article(headline="Floods in the valley")

    first = client.get("/en/")
    with django_assert_num_queries(0):
        second = client.get("/en/")

    assert first["X-Cache"] == "MISS"
    assert second["X-Cache"] == "HIT"
    assert second.content == first.content
    assert "Floods in the valley" in second.content.decode()


def test_cached_pages_carry_validators_and_revalidate_with_304(client, page_cache_on):
    make_article()
    for address in ["/en/", "/en/feeds/rss/", "/api/ninjs/?language=en"]:
        page = client.get(address)
        assert page["ETag"] and page["Last-Modified"], address
        assert "public" in page["Cache-Control"]
        assert "s-maxage=10" in page["Cache-Control"]
        assert "stale-if-error=86400" in page["Cache-Control"]

        unchanged = client.get(address, headers={"if-none-match": page["ETag"]})
        assert unchanged.status_code == 304, address
        not_modified = client.get(
            address, headers={"if-modified-since": page["Last-Modified"]}
        )
        assert not_modified.status_code == 304, address


def test_a_kept_page_is_answered_before_the_rest_of_the_middleware(
    client, page_cache_on, monkeypatch
):
    story = make_article(headline="Floods in the valley")
    address = story.get_absolute_url()
    first = client.get(address)
    ran = []
    for middleware in (SessionMiddleware, LocaleMiddleware, CsrfViewMiddleware):
        monkeypatch.setattr(
            middleware,
            "process_request",
            lambda self, request, name=middleware.__name__: ran.append(name),
        )

    second = client.get(address)

    assert second["X-Cache"] == "HIT" and ran == []
    # As the whole stack answers it: the security policy, the language, validators.
    assert second.content == first.content
    assert second["Content-Security-Policy"] and second["Content-Language"] == "en"
    assert {k: v for k, v in second.items() if k != "X-Cache"} == {
        k: v for k, v in first.items() if k != "X-Cache"
    }
    revalidated = client.get(address, headers={"if-none-match": second["ETag"]})
    assert revalidated.status_code == 304 and ran == []


def test_a_kept_page_is_not_answered_to_a_foreign_host_or_another_query(
    client, page_cache_on
):
    story = make_article(headline="Floods in the valley")
    address = story.get_absolute_url()
    client.get(address)

    assert client.get(address, headers={"host": "evil.example"}).status_code == 400
    assert client.get(address, {"utm_source": "feed"})["X-Cache"] == "MISS"
    assert client.head(address)["X-Cache"] == "HIT"


def test_addresses_without_a_language_are_kept_in_the_language_asked_for(
    client, page_cache_on
):
    make_article(headline="Floods in the valley", language="en")
    make_article(headline="Паводок в долине", language="ru")

    english = client.get("/api/ninjs/", headers={"accept-language": "en"})
    russian = client.get("/api/ninjs/", headers={"accept-language": "ru"})
    again = client.get("/api/ninjs/", headers={"accept-language": "ru"})

    assert english["Content-Language"] == "en" and russian["Content-Language"] == "ru"
    assert again["X-Cache"] == "HIT" and again.content == russian.content


def test_publishing_refreshes_the_pages_that_show_the_story(
    client, page_cache_on, editor
):
    story = make_article(
        headline="Election results", status=Article.Status.SUBMITTED, published_at=None
    )
    assert "Election results" not in client.get("/en/").content.decode()
    assert client.get("/en/").status_code == 200  # now cached

    with page_cache_on():
        workflow.publish(story, editor)

    home = client.get("/en/")
    assert home["X-Cache"] == "MISS"
    assert "Election results" in home.content.decode()


def test_pages_share_the_sidebar_until_the_next_change(
    client, page_cache_on, django_assert_num_queries
):
    story = make_article(headline="Old headline")
    client.get("/en/news/")  # renders the sidebar: latest news, calendar

    # Another page, itself not cached: only its own list (the labels are kept too).
    with django_assert_num_queries(1):
        assert "Old headline" in client.get("/en/").content.decode()

    with page_cache_on():
        story.headline = "New headline"
        story.save()

    sidebar = client.get(f"/en/regions/{make_region().slug}/").content.decode()
    assert "New headline" in sidebar and "Old headline" not in sidebar


def test_withdrawn_story_is_not_served_from_the_cache(client, page_cache_on, editor):
    story = make_article(headline="A story to withdraw")
    address = story.get_absolute_url()
    assert client.get(address).status_code == 200
    assert client.get(address)["X-Cache"] == "HIT"

    with page_cache_on():
        workflow.withdraw(story, editor, "Legal request")

    withdrawn = client.get(address)
    assert withdrawn.status_code == 410 and "was withdrawn on" in withdrawn.text
    assert "A story to withdraw" not in client.get("/en/").content.decode()


def test_editing_a_story_refreshes_its_page(client, page_cache_on):
    story = make_article(headline="First headline")
    client.get(story.get_absolute_url())

    with page_cache_on():
        story.headline = "Corrected headline"
        story.save()

    assert "Corrected headline" in client.get(story.get_absolute_url()).content.decode()


def test_new_label_wording_and_register_entry_refresh_cached_pages(
    client, page_cache_on, labels
):
    story = make_article(body="<p>Staff of Memorial spoke.</p>")
    address = story.get_absolute_url()
    assert "ООО «ТЕСТ»" in client.get(address).content.decode()

    with page_cache_on():
        Disclaimer.objects.filter(effective_to__isnull=True).update(
            effective_to=timezone.localdate() - timedelta(days=1)
        )
        # An update() sends no signal; the new version's save does.
        Disclaimer.objects.create(
            text="НОВАЯ РЕДАКЦИЯ МАРКИРОВКИ",
            effective_from=timezone.localdate(),
        )
    assert "НОВАЯ РЕДАКЦИЯ МАРКИРОВКИ" in client.get(address).content.decode()

    with page_cache_on():
        DesignatedEntity.objects.create(
            kind=DesignatedEntity.Kind.FOREIGN_AGENT,
            names_ru="Мемориал",
            names_en="Memorial",
            footnote_en="*Listed as a foreign agent",
            listed_on=date(2023, 5, 19),
        )
    assert "*Listed as a foreign agent" in client.get(address).content.decode()


def test_scheduled_story_appears_when_its_time_comes(
    client, page_cache_on, monkeypatch
):
    now = timezone.now()
    make_article(headline="Embargoed report", published_at=now + timedelta(hours=1))
    assert "Embargoed report" not in client.get("/en/").content.decode()
    assert client.get("/en/")["X-Cache"] == "HIT"

    later = now + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    monkeypatch.setattr(page_cache.time, "time", later.timestamp)

    home = client.get("/en/")
    assert home["X-Cache"] == "MISS"
    assert "Embargoed report" in home.content.decode()


def test_everything_changes_at_midnight_at_the_latest(page_cache_on):
    page_cache.current()
    ends, _known_at, at_midnight = page_cache.shared().get(page_cache.NATURAL_END_KEY)
    assert at_midnight
    tomorrow = timezone.localdate() + timedelta(days=1)
    midnight = timezone.make_aware(datetime.combine(tomorrow, time()))
    assert ends <= midnight.timestamp()


def test_import_refreshes_cached_pages(client, page_cache_on, tmp_path):
    import io
    import json

    from django.core.management import call_command

    client.get("/en/news/")
    path = tmp_path / "archive.jsonl"
    path.write_text(
        json.dumps(
            {
                "id": "1",
                "language": "en",
                "headline": "Imported from the old site",
                "published_at": "2024-03-14T18:05:00+03:00",
            }
        )
        + "\n"
    )
    with page_cache_on():
        call_command("import_articles", str(path), stdout=io.StringIO())

    assert "Imported from the old site" in client.get("/en/news/").content.decode()


def test_staff_get_fresh_private_pages(client, page_cache_on, editor):
    make_article()
    client.get("/en/")
    client.force_login(editor)

    page = client.get("/en/")

    assert "X-Cache" not in page
    assert "private" in page["Cache-Control"]


def test_admin_and_errors_are_never_cached(client, page_cache_on):
    assert "X-Cache" not in client.get("/admin/login/")
    client.get("/en/news/999999/")
    assert client.get("/en/news/999999/").get("X-Cache") is None


def test_turned_off_with_zero_seconds(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_article()
    assert "X-Cache" not in client.get("/en/")
    assert "X-Cache" not in client.get("/en/")


def test_purge_hook_is_called_on_every_change(page_cache_on, settings):
    calls = []
    settings.PAGE_CACHE_PURGE = "tests.newsroom.test_page_cache.record_purge"
    record_purge.calls = calls

    with page_cache_on():
        make_article()

    assert calls


def test_without_redis_every_process_on_the_host_sees_the_change(
    client, page_cache_on, settings, tmp_path
):

    from newsroom.cache import FileCache

    # As production runs without REDIS_URL: pages in each process's memory, the
    # generation in files.
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "newsroom.cache.FileCache",
            "LOCATION": str(tmp_path),
        },
    }
    make_article(headline="Before the change")
    assert client.get("/en/")["X-Cache"] == "MISS"
    assert client.get("/en/")["X-Cache"] == "HIT"

    # Another process (the import, another worker) records a change: it has a
    # cache object of its own on the same folder.
    other = FileCache(str(tmp_path), {})
    other.add(page_cache.SEQUENCE_KEY, 0, timeout=None)
    number = other.incr(page_cache.SEQUENCE_KEY)
    other.set(page_cache.CHANGE_KEY.format(number), page_cache.EVERYTHING)
    # This process reads the log again a moment later at most.
    time_module.sleep(page_cache.CHECK_SECONDS)

    assert client.get("/en/")["X-Cache"] == "MISS"


def record_purge():
    record_purge.calls.append(True)


def redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_every_host_sees_the_change(client, page_cache_on, settings):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        },
    }
    from django.core.cache import caches

    assert type(caches["shared"]).__name__ == "RedisCache"
    caches["shared"].clear()
    story = make_article(headline="Shared cache story")
    assert client.get("/en/")["X-Cache"] == "MISS"
    assert client.get("/en/")["X-Cache"] == "HIT"

    with page_cache_on():
        story.headline = "Shared cache, corrected"
        story.save()

    page = client.get("/en/")
    assert page["X-Cache"] == "MISS"
    assert "Shared cache, corrected" in page.content.decode()
    caches["shared"].clear()


def test_the_file_cache_makes_room_without_dropping_the_log_number(tmp_path):
    from newsroom.cache import FileCache

    files = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 6}})
    files.set(page_cache.SEQUENCE_KEY, 41, timeout=None)
    files.set("gone", 1, timeout=-1)  # already expired
    for number in range(30):
        files.set(f"change:{number}", number, timeout=3600)

    assert files.get(page_cache.SEQUENCE_KEY) == 41
    assert files.get("change:29") == 29  # the newest are kept
    assert len(list(tmp_path.glob("*.djcache"))) <= 8


def test_the_kept_files_make_room_in_their_own_folder_by_dropping_the_oldest(
    tmp_path,
):
    import os

    from newsroom.cache import ShelfFiles

    # Nine entries a folder: a folder full drops its oldest third.
    files = ShelfFiles(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 256 * 9}})
    for number in range(5_000):
        files.set(f"story:{number}", number, timeout=600)
        # Written a second apart, as the oldest goes first.
        os.utime(files._key_to_file(f"story:{number}"), (number, number))

    # Spread over folders, so that making room reads one small folder, not all.
    folders = [path for path in tmp_path.iterdir() if path.is_dir()]
    assert 200 < len(folders) <= 256
    assert not list(tmp_path.glob("*.djcache"))
    assert max(len(list(folder.glob("*.djcache"))) for folder in folders) <= 9
    assert files.get("story:4999") == 4999
    assert files.get("story:0") is None
    files.clear()
    assert not list(tmp_path.glob("*/*.djcache"))


def test_kept_files_sharing_a_folder_are_kept_under_a_small_max_entries(tmp_path):
    import os

    from newsroom.cache import ShelfFiles

    files = ShelfFiles(str(tmp_path), {})  # Django's default: 300 entries in all
    keys = (f"part:{number}" for number in range(100_000))
    folders = {}
    for key in keys:  # eight names whose files share a folder
        folder = os.path.dirname(files._key_to_file(key))
        neighbours = folders.setdefault(folder, [])
        neighbours.append(key)
        if len(neighbours) == 8:
            break
    for key in neighbours:
        files.set(key, key, timeout=600)
    assert [files.get(key) for key in neighbours] == neighbours


def test_a_story_part_kept_in_files_serves_another_process(
    client, page_cache_on, settings, tmp_path
):
    # As production runs without REDIS_URL: the parts every process keeps in files.
    settings.CACHES = {
        **settings.CACHES,
        "kept": {"BACKEND": "newsroom.cache.ShelfFiles", "LOCATION": str(tmp_path)},
    }
    story = make_article(headline="Flood defences hold")
    first = client.get(story.get_absolute_url()).content.decode()
    page_cache.forget()  # another worker

    page = client.get(story.get_absolute_url())

    assert not [t for t in page.templates if t.name == "article"]  # not rendered
    assert page.content.decode() == first


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_a_story_part_kept_in_redis_serves_another_process(
    client, page_cache_on, settings
):
    from django.core.cache import caches

    settings.CACHES = {
        **settings.CACHES,
        "kept": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            # Its own database: the test that shares the log clears database 15.
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": "kept",
        },
    }
    story = make_article(headline="Flood defences hold")
    first = client.get(story.get_absolute_url()).content.decode()
    page_cache.forget()  # another worker, maybe on another host

    page = client.get(story.get_absolute_url())

    assert not [t for t in page.templates if t.name == "article"]  # not rendered
    assert page.content.decode() == first
    caches["kept"].clear()


def test_the_file_cache_counts_without_changing_expiry(tmp_path, monkeypatch):
    from newsroom.cache import FileCache

    files = FileCache(str(tmp_path), {})
    files.set("for good", 1, timeout=None)
    files.set("a minute", 1, timeout=60)
    assert files.incr("for good") == 2
    assert files.incr("a minute", 5) == 6

    later = time_module.time() + 3600
    monkeypatch.setattr(time_module, "time", lambda: later)
    assert files.get("for good") == 2
    assert files.get("a minute") is None


def test_kept_pages_stay_counted_right_under_threads(settings):
    """The development server serves requests in threads."""
    from concurrent.futures import ThreadPoolExecutor

    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_MEMORY_MB = 2_000 / 2**20  # twenty pages of 100 bytes

    def serve(worker: int) -> None:
        for number in range(500):
            key = f"page:{(worker * 7 + number) % 50}"
            kept = page_cache.Kept(
                [b"x" * 100], page_cache.Dependencies(), 0, time_module.time(), 100
            )
            page_cache._Store.put(key, kept)
            page_cache._Store.get(key)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(serve, range(8)))

    kept = page_cache._Store.kept.values()
    assert page_cache._Store.size == sum(page.size for page in kept) <= 2_000


def test_a_log_numbered_afresh_renders_everything_again(client, page_cache_on):
    story = make_article()
    client.get(story.get_absolute_url())
    assert client.get(story.get_absolute_url())["X-Cache"] == "HIT"

    # Redis restarted (or the files removed) and other processes numbered changes
    # past this one's count before it looked.
    page_cache.shared().clear()
    page_cache.shared().set(page_cache.SEQUENCE_KEY, page_cache._Log.sequence + 5)
    page_cache._Log.checked_at = 0.0

    assert client.get(story.get_absolute_url())["X-Cache"] == "MISS"


def test_a_page_with_holes_is_kept_no_longer_than_the_cache_says(
    client, page_cache_on, settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 60
    story = make_article(published_at=timezone.now() - timedelta(days=2))
    rendered = time_module.time()
    client.get(story.get_absolute_url())
    with page_cache_on():
        make_article()  # its latest news is filled anew on the next read
    clock = [rendered + settings.PAGE_CACHE_SECONDS * 2 / 3]
    monkeypatch.setattr(page_cache.time, "time", lambda: clock[0])
    assert client.get(story.get_absolute_url())["X-Cache"] == "HIT"

    # Filling the latest news anew did not make the page younger.
    clock[0] = rendered + settings.PAGE_CACHE_SECONDS + 1
    assert client.get(story.get_absolute_url())["X-Cache"] == "MISS"


def test_without_its_log_the_cache_serves_fresh_pages_and_stays_up(
    client, page_cache_on, settings, caplog
):
    story = make_article(headline="Kept before the outage")
    client.get(story.get_absolute_url())
    assert client.get(story.get_absolute_url())["X-Cache"] == "HIT"

    # The shared cache stops answering (Redis down): nothing is refused, nothing
    # kept is served, since a change made meanwhile could not be heard of.
    outage_over = settings.CACHES
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    page_cache._Log.checked_at = 0.0
    with page_cache_on():
        story.headline = "Changed during the outage"
        story.save()

    page = client.get(story.get_absolute_url())
    assert page.status_code == 200
    assert page["X-Cache"] == "MISS"
    assert "Changed during the outage" in page.content.decode()
    assert client.get(story.get_absolute_url())["X-Cache"] == "MISS"
    assert "cannot be read" in caplog.text
    assert "could not be written" in caplog.text
    settings.CACHES = outage_over  # for the caches' cleaning after the test
