"""The import obeys the story's rules: dates in range, slugs, clean text, history."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from archive.models import LegacyId
from articles.models import Article, ArticleEvent
from tests.archive.pages import assert_no_server_error, public_urls
from tests.archive.test_import_export import credited_photo, line, write
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "9001.jpg").write_bytes(photo_bytes())
    return tmp_path


def import_lines(folder, *lines, args=()) -> str:
    """Imports the lines, in English; returns what the command reported on stderr."""
    err = io.StringIO()
    try:
        with translation.override("en"):
            call_command(
                "import_articles",
                write(folder, *lines),
                *args,
                stdout=io.StringIO(),
                stderr=err,
            )
    except CommandError:
        pass
    return err.getvalue()


def imported_ids() -> list[str]:
    return sorted(LegacyId.objects.values_list("legacy_id", flat=True))


def in_years(years: int, days: int = 0) -> str:
    return (timezone.now() + timedelta(days=365 * years + days)).isoformat()


@pytest.mark.parametrize(
    "published_at",
    [
        "0001-01-01",
        "1989-12-31T23:59:59+03:00",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31",
        pytest.param(in_years(5, days=3), id="five-years-and-three-days-ahead"),
    ],
)
@pytest.mark.parametrize("with_photo", [False, True], ids=["batch", "line-by-line"])
def test_a_publication_time_out_of_range_is_a_bad_line_and_the_batch_is_kept(
    folder, client, published_at, with_photo
):
    photo = {"photo": credited_photo()} if with_photo else {}
    err = import_lines(
        folder,
        line(id="1"),
        line(id="2", published_at=published_at, **photo),
        line(id="3"),
    )

    assert "line 2: published_at: " in err
    assert imported_ids() == ["1", "3"]
    assert_no_server_error(client, public_urls())


def test_the_ends_of_the_accepted_range_import(folder, client):
    err = import_lines(
        folder,
        line(id="1", published_at="1990-01-01T00:00:00+03:00"),
        line(id="2", published_at=in_years(5, days=-3)),
    )

    assert err == ""
    assert imported_ids() == ["1", "2"]
    assert Article.objects.scheduled().count() == 1
    assert_no_server_error(client, public_urls())


def test_a_correction_dated_out_of_range_is_a_bad_line(folder):
    err = import_lines(
        folder, line(id="1", corrections=[{"at": "0001-01-01", "text": "Fixed."}])
    )

    assert "line 1: corrections.at: " in err
    assert imported_ids() == []


@pytest.mark.parametrize("with_photo", [False, True], ids=["batch", "line-by-line"])
def test_an_imported_slug_is_normalised_as_the_form_makes_them(
    folder, client, with_photo
):
    photo = {"photo": credited_photo()} if with_photo else {}
    import_lines(folder, line(id="1", slug="bad slug/with?chars", **photo))

    assert Article.objects.get().slug == "bad-slugwithchars"
    assert_no_server_error(client, public_urls())


def test_a_cyrillic_slug_is_transliterated(folder):
    import_lines(folder, line(id="1", slug="Прорыв дамбы"))

    assert Article.objects.get().slug == "proryv-damby"


def test_a_slug_with_nothing_left_after_normalising_is_a_bad_line(folder):
    err = import_lines(folder, line(id="1", slug="?/?"), line(id="2"))

    assert "line 1: slug: " in err
    assert imported_ids() == ["2"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"headline": "Dam\x01breaks"}, "headline"),
        ({"headline": "Dam\tbreaks"}, "headline"),
        ({"lead": "Villages\x0bevacuated."}, "lead"),
        ({"body": "<p>Water\x1b reached</p>"}, "body"),
        ({"source": "corr\x7f"}, "source"),
        ({"slug": "dam\x02breaks"}, "slug"),
        ({"tags": ["floods\x03"]}, "tags"),
        ({"region": "Dagestan\x04"}, "region"),
        ({"region": {"name": "Dagestan", "name_ru": "Даге\x05стан"}}, "region"),
        ({"authors": ["Ruslan\x06Aliev"]}, "authors"),
        ({"authors": [{"name": "Ruslan Aliev", "aliases": ["R\x08A"]}]}, "authors"),
        ({"lead": "lone \ud800 surrogate"}, "lead"),
    ],
)
@pytest.mark.parametrize("with_photo", [False, True], ids=["batch", "line-by-line"])
def test_a_control_character_is_a_bad_line_naming_the_field(
    folder, fields, field, with_photo
):
    photo = {"photo": credited_photo()} if with_photo else {}
    err = import_lines(folder, line(id="1"), line(id="2", **fields, **photo))

    assert f"line 2: {field}: " in err
    assert imported_ids() == ["1"]


def test_tabs_and_line_breaks_are_kept_in_lead_and_body(folder):
    import_lines(folder, line(id="1", lead="One\tTwo\r\nThree", body="<p>a\nb</p>"))

    article = Article.objects.get()
    assert article.lead == "One\tTwo\r\nThree"


def test_a_tag_with_no_letter_or_digit_is_a_bad_line(folder, client):
    err = import_lines(folder, line(id="1", tags=["?!"]), line(id="2"))

    assert "line 1: tags: " in err
    assert imported_ids() == ["2"]
    assert_no_server_error(client, public_urls())


def test_a_published_photo_without_alt_text_or_caption_is_a_bad_line(folder):
    photo = {**credited_photo(), "caption": "", "alt": ""}
    err = import_lines(folder, line(id="1", photo=photo), line(id="2"))

    assert "line 1: " in err and "alt text" in err
    assert imported_ids() == ["2"]


def test_a_draft_photo_may_lack_alt_text(folder):
    photo = {**credited_photo(), "caption": "", "alt": ""}
    import_lines(folder, line(id="1", status="draft", photo=photo))

    assert imported_ids() == ["1"]


# History --------------------------------------------------------------------------


@pytest.mark.parametrize("with_photo", [False, True], ids=["batch", "line-by-line"])
def test_imported_stories_are_recorded_in_their_history_by_the_importer(
    folder, with_photo
):
    photo = {"photo": credited_photo()} if with_photo else {}
    import_lines(
        folder,
        line(id="1", **photo),
        line(id="2", published_at=in_years(1)),
        line(id="3", status="withdrawn"),
        line(id="4", status="draft", published_at=None),
    )

    events = {
        event.article.legacy.legacy_id: event
        for event in ArticleEvent.objects.select_related("article__legacy", "actor")
    }
    assert sorted(events) == ["1", "2", "3"]
    assert {event.action for event in events.values()} == {"import"}
    assert {event.actor.username for event in events.values()} == {"importer"}
    assert all("archive.jsonl" in event.comment for event in events.values())
    assert "scheduled" in events["2"].comment
    importer = get_user_model().objects.get(username="importer")
    assert not importer.is_active and not importer.has_usable_password()


def test_the_importing_user_is_named_in_the_history(folder, django_user_model):
    django_user_model.objects.create_user("alice")

    import_lines(folder, line(id="1"), args=["--user", "alice"])

    assert ArticleEvent.objects.get().actor.username == "alice"


def test_an_unknown_importing_user_is_refused_before_anything_is_read(folder):
    with pytest.raises(CommandError, match="nobody"):
        call_command(
            "import_articles",
            write(folder, line(id="1")),
            "--user",
            "nobody",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert imported_ids() == []


def test_a_reimport_that_changes_nothing_records_nothing(folder):
    import_lines(folder, line(id="1"))
    import_lines(folder, line(id="1"))

    assert ArticleEvent.objects.count() == 1


def test_a_reimport_that_withdraws_a_story_records_it(folder):
    import_lines(folder, line(id="1"))
    import_lines(folder, line(id="1", status="withdrawn"))

    assert list(
        ArticleEvent.objects.order_by("pk").values_list("action", flat=True)
    ) == ["import", "import"]
    assert "withdrawn" in ArticleEvent.objects.order_by("pk").last().comment
