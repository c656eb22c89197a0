"""The mirror for blocked readers: the public site as static files (mirror/)."""

import io
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from warcio.archiveiterator import ArchiveIterator

from articles import workflow
from articles.models import Article
from disclaimers.models import Disclaimer, Mention
from mirror.build import build_mirror
from mirror.render import Renderer, RenderError
from mirror.state import NAME as STATE
from photos.rendering import make_renditions
from tests.factories import (
    make_article,
    make_author,
    make_photo,
    make_region,
    make_tag,
)
from tests.mirror.conftest import (
    BASE_URL,
    crawl,
    files_under,
    node_search,
    static_server,
    story_path,
)

pytestmark = pytest.mark.django_db

RECORD_LINK = "http://127.0.0.1:8000/"  # SITE_URL: the record is verified there


def labels_for(language: str) -> list[str]:
    return [
        label.text for label in Disclaimer.objects.in_force() if label.covers(language)
    ]


def test_demo_mirror_is_whole_relative_labelled_and_archived(
    settings, tmp_path, make_staff
):
    settings.NEWSROOM_PAGE_SIZE = 4  # the lists' numbered pages, in a small archive
    call_command("load_demo", stdout=io.StringIO())
    # Published from a subfolder of a static host: only relative links work there.
    served = tmp_path / "www"
    folder = served / "copy"
    warc = tmp_path / "copy.warc.gz"
    build_mirror(folder, warc=warc)

    with static_server(served) as address:
        site = crawl(f"{address}/copy/index.html")
    assert site.broken == []
    # The only links out are the publication record's, on the site on purpose.
    assert {link for link in site.outside if not link.startswith(RECORD_LINK)} == set()
    assert all(link.endswith("/v/") for link in site.outside)
    # Every page is reached, each one carries the labels in force and the age mark.
    reached = {unquote(url.removeprefix(f"{address}/copy/")) for url in site.pages}
    assert reached == files_under(folder, ".html")
    for url, text in site.pages.items():
        language = "en" if 'lang="en"' in text[:200] else "ru"
        for label in labels_for(language):
            assert label in text, url
        assert "18+" in text, url
    for story in Article.objects.published():
        assert story_path(story.get_absolute_url()) in reached
        assert story_path(story.get_absolute_url() + "print/") in reached
    hidden = Article.objects.exclude(pk__in=Article.objects.published())
    for story in hidden:
        assert not (folder / story_path(story.get_absolute_url())).exists()

    # The WARC holds every file, at its address under MIRROR_BASE_URL.
    with open(warc, "rb") as stream:
        records = {
            record.rec_headers.get_header(
                "WARC-Target-URI"
            ): record.content_stream().read()
            for record in ArchiveIterator(stream)
            if record.rec_type == "response"
        }
    everything = files_under(folder)
    assert set(records) == {BASE_URL + quote(path) for path in everything}
    home = (folder / "ru/index.html").read_bytes()
    assert records[BASE_URL + "ru/index.html"] == home

    # The search in the reader's browser finds an inflected form of a word in the
    # stories («долиной»: no story says it; «Северная долина» is in them).
    found = node_search(folder / "ru/search", "долиной")
    valley = Article.objects.published().filter(
        language="ru", body__icontains="долин"
    ) | Article.objects.published().filter(language="ru", headline__icontains="долин")
    assert {row[0] for row in found} >= set(valley.values_list("pk", flat=True))
    assert found, "nothing found"
    # Each result leads to the story's page in the mirror.
    for pk, address_in_mirror, headline, _date in found:
        assert (folder / "ru/search" / address_in_mirror).resolve().is_file()
        assert Article.objects.get(pk=pk).headline.startswith(headline.rstrip("*"))


def test_search_finds_a_story_by_another_form_of_a_russian_word(tmp_path):
    story = make_article(
        language="ru",
        headline="Махачкала готовится к зиме",
        body="<p>В городе Махачкала заменили трубы.</p>",
    )
    other = make_article(language="ru", headline="Погода в горах")
    make_article(language="en", headline="Makhachkala prepares for winter")
    build_mirror(tmp_path / "m")

    for query in ("Махачкале", "махачкалой", "МАХАЧКАЛА ГОТОВИТСЯ"):
        assert [row[0] for row in node_search(tmp_path / "m/ru/search", query)] == [
            story.pk
        ], query
    assert node_search(tmp_path / "m/ru/search", "Махачкала трубы погода") == []
    assert [row[0] for row in node_search(tmp_path / "m/ru/search", "горах")] == [
        other.pk
    ]
    # A partly typed English word, a form no story uses.
    found = node_search(tmp_path / "m/en/search", "makhachk")
    assert len(found) == 1
    assert found[0][2] == "Makhachkala prepares for winter"


def test_an_incremental_run_writes_what_changed_and_removes_a_withdrawn_story(
    settings, tmp_path, make_staff, labels
):
    settings.NEWSROOM_PAGE_SIZE = 3
    editor = make_staff("Editor")
    region = make_region(slug="north", name_en="North", name_ru="Север")
    stories = [
        make_article(language="en", headline=f"Old story {n}", region=region)
        for n in range(12)
    ]
    folder = tmp_path / "m"
    first = build_mirror(folder)
    assert first.run.full
    # Newer than the withdrawn story's related stories, and what it shows (its
    # related stories, the latest news) neither gains nor loses one.
    untouched = folder / story_path(stories[0].get_absolute_url())
    untouched_stamp = untouched.stat().st_mtime_ns
    numbered = {path for path in files_under(folder) if "before-" in path}

    second = build_mirror(folder)
    assert not second.run.full
    assert (second.run.written, second.run.removed) == (0, set())

    new = make_article(
        language="en",
        headline="Fresh story",
        region=region,
        published_at=timezone.now(),
    )
    stamps = {path: (folder / path).stat().st_mtime_ns for path in numbered}
    third = build_mirror(folder)
    assert not third.run.full
    # Not the whole site again: the story's pages, its lists' first pages, its day,
    # the feeds; the lists' numbered pages (cut from the oldest story) stay.
    assert third.run.rendered < first.run.rendered
    assert numbered <= files_under(folder)
    rewritten = {
        path for path in numbered if (folder / path).stat().st_mtime_ns != stamps[path]
    }
    # Only the newest numbered page of each list (its "Newer" link now leads to a
    # new page above it): all news and the region's.
    assert len(rewritten) <= 2 < len(numbered)
    assert untouched.stat().st_mtime_ns == untouched_stamp
    assert (folder / story_path(new.get_absolute_url())).is_file()
    assert "Fresh story" in (folder / "en/news/index.html").read_text()
    assert "Fresh story" in (folder / "en/regions/north/index.html").read_text()
    assert "Fresh story" in (folder / "en/feeds/rss/index.xml").read_text()

    gone = stories[11]  # the oldest: not among the latest news
    workflow.withdraw(gone, editor, "Court order.")
    fourth = build_mirror(folder)
    assert not fourth.run.full
    assert untouched.stat().st_mtime_ns == untouched_stamp
    assert not (folder / story_path(gone.get_absolute_url())).exists()
    assert not (folder / story_path(gone.get_absolute_url() + "print/")).exists()
    everywhere = "".join(
        path.read_text()
        for path in folder.rglob("*")
        if path.suffix in (".html", ".xml")
    )
    assert gone.headline not in everywhere
    # The size each run reports is moved by what it wrote and removed, and is what
    # the files take.
    for report in (first, second, third, fourth):
        assert report.bytes > 0 and report.files > 0
    assert fourth.files == len(files_under(folder))
    assert fourth.bytes == sum(
        (folder / path).stat().st_size for path in files_under(folder)
    )
    with static_server(folder) as address:
        site = crawl(f"{address}/index.html")
    assert site.broken == []
    # The search no longer finds the withdrawn story, and finds the new one.
    assert gone.pk not in {row[0] for row in node_search(folder / "en/search", "old")}
    assert stories[0].pk in {row[0] for row in node_search(folder / "en/search", "old")}
    assert [row[0] for row in node_search(folder / "en/search", "fresh")] == [new.pk]


def test_a_label_change_renders_every_page_again(tmp_path, labels):
    make_article(language="ru")
    make_article(language="en")
    folder = tmp_path / "m"
    build_mirror(folder)
    label = Disclaimer.objects.in_force().get()
    label.text = "НОВАЯ РЕДАКЦИЯ МАРКИРОВКИ"
    label.save()

    run = build_mirror(folder).run
    assert run.full
    for page in folder.rglob("*.html"):
        assert "НОВАЯ РЕДАКЦИЯ МАРКИРОВКИ" in page.read_text(), page


def test_a_publish_queues_one_refresh_of_the_mirror_for_a_burst_of_events(
    settings, tmp_path, make_staff, django_capture_on_commit_callbacks
):
    from django.tasks import default_task_backend

    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    settings.MIRROR_DIR = str(tmp_path / "m")
    editor = make_staff("Editor")
    drafts = [
        make_article(status=Article.Status.SUBMITTED, headline=f"Burst {n}")
        for n in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for draft in drafts:
            workflow.publish(draft, editor)
    queued = [
        result
        for result in default_task_backend.results
        if result.task.name == "refresh_mirror"
    ]
    assert len(queued) == 1

    from mirror.tasks import refresh_mirror

    refresh_mirror.call()
    for draft in drafts:
        assert (
            Path(settings.MIRROR_DIR) / story_path(draft.get_absolute_url())
        ).exists()
    # Once it has started, the next change queues the next refresh.
    with django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(drafts[0], editor, "Wrong.")
    assert (
        len(
            [r for r in default_task_backend.results if r.task.name == "refresh_mirror"]
        )
        == 2
    )


def test_nothing_is_refreshed_without_mirror_dir(
    settings, make_staff, django_capture_on_commit_callbacks
):
    from django.tasks import default_task_backend

    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}
    }
    editor = make_staff("Editor")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.publish(make_article(status=Article.Status.SUBMITTED), editor)
    assert not [
        r for r in default_task_backend.results if r.task.name == "refresh_mirror"
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--language", "fr"], "Unknown language 'fr'"),
        (["--since", "yesterday"], "is not a date or time"),
        (["--warc", "/nonexistent-folder/x.warc.gz"], "Cannot write the WARC file"),
    ],
)
def test_bad_arguments_are_refused_and_change_nothing(tmp_path, arguments, message):
    make_article()
    folder = tmp_path / "m"
    with pytest.raises(CommandError, match=message):
        call_command("build_mirror", str(folder), *arguments, stdout=io.StringIO())
    assert not folder.exists()


def test_a_folder_that_is_a_file_or_holds_other_files_is_refused(tmp_path):
    make_article()
    a_file = tmp_path / "file"
    a_file.write_text("mine")
    with pytest.raises(CommandError, match="is a file"):
        call_command("build_mirror", str(a_file), stdout=io.StringIO())
    assert a_file.read_text() == "mine"
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="holds no mirror"):
        call_command("build_mirror", str(other), stdout=io.StringIO())
    assert files_under(other) == {"notes.txt"}


def test_a_one_language_mirror_holds_that_language_and_refuses_another(tmp_path):
    make_article(language="ru", headline="Русская новость")
    make_article(language="en", headline="English story")
    folder = tmp_path / "m"
    call_command("build_mirror", str(folder), "--language", "ru", stdout=io.StringIO())
    assert (folder / "ru/index.html").is_file()
    assert not (folder / "en").exists()
    assert "sitemap-articles-en" not in (folder / "sitemap.xml").read_text()
    # The mirror's search page, in the page's language.
    search_page = (folder / "ru/search/index.html").read_text()
    assert "Эта копия сайта ищет прямо в браузере" in search_page
    assert 'src="../../static/mirror/search.js"' in search_page
    before = files_under(folder)
    with pytest.raises(CommandError, match="holds a mirror in ru"):
        call_command(
            "build_mirror", str(folder), "--language", "en", stdout=io.StringIO()
        )
    assert files_under(folder) == before
    with static_server(folder) as address:
        assert crawl(f"{address}/index.html").broken == []


def test_sitemaps_and_feeds_give_the_mirrors_addresses(tmp_path):
    story = make_article(language="en", headline="Bridge reopens")
    folder = tmp_path / "m"
    build_mirror(folder)
    page = BASE_URL + story_path(story.get_absolute_url())
    month = next(folder.glob("sitemap-articles-en-*.xml")).read_text()
    assert f"<loc>{page}</loc>" in month
    assert BASE_URL + "sitemap.xml" in (folder / "robots.txt").read_text()
    assert page in (folder / "en/feeds/rss/index.xml").read_text()
    assert "127.0.0.1:8000" not in month
    assert (folder / STATE).exists()


def test_a_run_cut_off_halfway_is_made_whole_by_the_next(tmp_path, make_staff):
    """Killed after writing a story's page but before saving its state, a run
    leaves a file no state knows: the next run starts over and sweeps it away, so
    a story withdrawn meanwhile does not stay in the mirror."""
    story = make_article(language="en", headline="Bridge reopens")
    folder = tmp_path / "m"
    build_mirror(folder)
    orphan = folder / "en/news/999999/left-behind/index.html"
    orphan.parent.mkdir(parents=True)
    orphan.write_text("<p>A story withdrawn while the mirror was down</p>")
    stray = folder / "en/news/.index.html.4242.tmp"
    stray.write_text("half a file")
    (folder / ".mirror-run-unfinished").touch()  # as the cut-off run left it

    report = build_mirror(folder)
    assert report.run.full
    assert not orphan.exists() and not orphan.parent.exists() and not stray.exists()
    assert (folder / story_path(story.get_absolute_url())).is_file()
    assert not (folder / ".mirror-run-unfinished").exists()
    assert not build_mirror(folder).run.full  # whole again: back to increments


def test_links_by_hand_to_originals_or_out_of_the_site_stay_out(
    tmp_path, media_root, labels
):
    """A body may link anything by hand: the mirror copies photos' renditions
    only, never an original, and no name leads out of the folder."""
    photo = make_photo()
    make_renditions(photo)
    original = photo.image.url
    story = make_article(
        language="en",
        headline="Links by hand",
        lead_photo=photo,
        body=(
            f'<p><a href="{original}">the original</a> '
            '<a href="/static/%2e%2e/%2e%2e/etc/passwd">up</a> '
            '<a href="/media/%2e%2e/newsroom.sqlite3">the database</a></p>'
        ),
    )
    folder = tmp_path / "m"
    report = build_mirror(folder)
    assert report.run.failed == 0
    copied = files_under(folder)
    assert not any(path.startswith("media/photos/") for path in copied)
    assert any(path.startswith("media/renditions/") for path in copied)
    assert not (tmp_path / "etc").exists() and not (folder.parent / "passwd").exists()
    page = (folder / story_path(story.get_absolute_url())).read_text()
    assert original not in page and "the original" in page
    with static_server(folder) as address:
        assert crawl(f"{address}/index.html").broken == []


def test_a_page_the_site_cannot_render_keeps_its_last_file(
    tmp_path, monkeypatch, make_staff
):
    kept = make_article(language="en", headline="Kept as it was")
    gone = make_article(language="en", headline="Withdrawn meanwhile")
    folder = tmp_path / "m"
    build_mirror(folder, full=True)
    page = folder / story_path(kept.get_absolute_url())
    before = page.read_text()
    workflow.withdraw(gone, make_staff("Editor"), "Court order.")
    render = Renderer.render

    def failing(self, url):
        if url == kept.get_absolute_url():
            raise RenderError(f"{url} answered 500")
        return render(self, url)

    monkeypatch.setattr(Renderer, "render", failing)
    report = build_mirror(folder, full=True)
    assert report.run.failed == 1
    assert page.read_text() == before  # the last good file stays
    # ...and the rest of the run went on: the withdrawal reached the mirror.
    assert not (folder / story_path(gone.get_absolute_url())).exists()


def test_content_credentials_links_lead_to_the_site(tmp_path, media_root, c2pa_chain):
    photo = make_photo()
    make_renditions(photo)
    story = make_article(language="en", headline="Signed photo", lead_photo=photo)
    folder = tmp_path / "m"
    build_mirror(folder)
    page = (folder / story_path(story.get_absolute_url())).read_text()
    assert f'href="{RECORD_LINK}en/photos/{photo.key}/credentials/"' in page


def test_a_photo_shown_nowhere_changes_nothing_one_shown_renders_all(
    tmp_path, media_root
):
    shown = make_photo()
    make_renditions(shown)
    make_article(language="en", headline="With a photo", lead_photo=shown)
    folder = tmp_path / "m"
    build_mirror(folder)
    make_renditions(make_photo(caption_en="Uploaded for tomorrow's story"))
    assert not build_mirror(folder).run.full  # a busy desk uploads all day
    shown.credit_text = "Caucasus Photo"
    shown.save()
    assert build_mirror(folder).run.full  # its credit stands on pages


def test_rows_no_page_shows_change_nothing_a_mention_renders_its_story(
    tmp_path, labels, memorial
):
    mentioning = make_article(
        language="en",
        headline="Rights group speaks",
        body="<p>Memorial said the court was wrong.</p>",
        tags=["Floods"],
    )
    tag = mentioning.tags.get()
    other = make_article(language="en", headline="Harvest comes early")
    folder = tmp_path / "m"
    build_mirror(folder)
    page = folder / story_path(mentioning.get_absolute_url())
    assert "*Included by the Russian Ministry" in page.read_text()
    other_page = folder / story_path(other.get_absolute_url())
    other_stamp = other_page.stat().st_mtime_ns

    # A busy desk: a new tag, a new author, a draft naming a register entry. No
    # page shows any of them yet, so the mirror has nothing to write.
    make_tag(name_en="Tomorrow's topic", name_ru="Завтрашняя тема")
    make_author(name_en="New Correspondent", name_ru="Новый Корреспондент")
    make_article(
        language="en",
        body="<p>Memorial again.</p>",
        status=Article.Status.DRAFT,
        published_at=None,
    )
    quiet = build_mirror(folder).run
    assert not quiet.full and quiet.written == 0

    # Legal dismisses the mention on the live story: its page loses the footnote;
    # a story that never named the entry is not rendered again.
    mention = Mention.objects.get(article=mentioning)
    mention.status = Mention.Status.DISMISSED
    mention.save()
    dismissed = build_mirror(folder).run
    assert not dismissed.full and dismissed.changed_stories == 1
    assert "*Included by the Russian Ministry" not in page.read_text()
    assert other_page.stat().st_mtime_ns == other_stamp

    # A tag that stands on pages renamed: every page again, as on the site.
    tag.name_en = "Spring floods"
    tag.save()
    assert build_mirror(folder).run.full
    assert "Spring floods" in page.read_text()


def test_a_new_month_moves_the_lists_calendar_and_ends_the_old_one(
    tmp_path, monkeypatch, labels
):
    story = make_article(language="en", headline="Late in the month")
    folder = tmp_path / "m"
    build_mirror(folder)
    this_month = f"{timezone.localdate():%Y-%m}"
    home, page = folder / "en/index.html", folder / story_path(story.get_absolute_url())
    assert f"pieces/calendar-en-{this_month}.js" in home.read_text()

    later = timezone.now() + timedelta(days=32)
    monkeypatch.setattr(timezone, "now", lambda: later)
    next_month = f"{timezone.localdate():%Y-%m}"
    assert not build_mirror(folder).run.full
    # The lists show the new month's calendar; the story keeps its own month's,
    # which now leads on to the new month.
    assert f"pieces/calendar-en-{next_month}.js" in home.read_text()
    assert f"pieces/calendar-en-{this_month}.js" in page.read_text()
    old_calendar = (folder / f"pieces/calendar-en-{this_month}.js").read_text()
    assert f"archive/{next_month.replace('-', '/')}/index.html" in old_calendar
    with static_server(folder) as address:
        assert crawl(f"{address}/index.html").broken == []
