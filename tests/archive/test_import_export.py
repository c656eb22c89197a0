"""import_articles and export_articles: formats, idempotency, bad lines, round trip."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection
from django.utils import timezone
from PIL import Image

from archive.models import LegacyId
from articles.models import Article, Correction, Region, Tag
from authors.models import Author, AuthorAlias
from photos.models import Photo, Photographer
from tests.factories import (
    empty_the_record,
    make_article,
    make_author,
    make_photo,
    make_region,
    make_tag,
    names_of_tags,
)
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db


def line(**fields) -> dict:
    data = {
        "id": "9001",
        "language": "en",
        "headline": "Dam breaks in the mountains",
        "lead": "Villages evacuated.",
        "body": "<p>Water reached the valley.</p>",
        "published_at": "2024-03-14T18:05:00+03:00",
        "authors": ["Ruslan Aliev"],
        "region": "Dagestan",
        "tags": ["floods"],
    }
    data.update(fields)
    return data


def write(folder, *lines) -> str:
    path = folder / "archive.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for item in lines:
            out.write(item if isinstance(item, str) else json.dumps(item) + "\n")
    return str(path)


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def credited_photo(file="photos/9001.jpg") -> dict:
    return {
        "file": file,
        "caption": "The broken dam",
        "credit": {"form": "photo_by_for_agency", "photographer": "Nino Beridze"},
    }


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "9001.jpg").write_bytes(photo_bytes())
    return tmp_path


def test_line_becomes_a_published_article_with_authors_region_tags_and_photo(folder):
    path = write(folder, line(photo=credited_photo()))

    run_import(path)

    article = Article.objects.get()
    assert article.headline == "Dam breaks in the mountains"
    assert article.status == Article.Status.PUBLISHED
    assert [str(a) for a in article.authors.all()] == ["Ruslan Aliev"]
    assert article.region.name_en == "Dagestan"
    assert names_of_tags(article) == ["floods"]
    assert article.lead_photo.credit(
        "en"
    ) == "Photo by Nino Beridze for Kavkaz Uzel" or (
        article.lead_photo.credit("en").startswith("Photo by Nino Beridze for")
    )
    assert article.lead_photo.alt("en") == "The broken dam"  # alt defaults to caption
    assert LegacyId.objects.get().legacy_id == "9001"


def test_importing_twice_changes_nothing(folder):
    path = write(
        folder,
        line(
            photo=credited_photo(), corrections=[{"at": "2024-03-15", "text": "Fixed."}]
        ),
        line(id="30417", language="ru", headline="Прорыв дамбы", translation_of=None),
    )
    run_import(path)
    revisions = Article.history.count()
    versions = list(Article.objects.values_list("version", flat=True))

    out, _err = run_import(path)

    assert Article.history.count() == revisions
    assert list(Article.objects.values_list("version", flat=True)) == versions
    assert "2 unchanged" in out
    assert (Article.objects.count(), Author.objects.count(), Photo.objects.count()) == (
        2,
        1,
        1,
    )


def test_changed_line_updates_its_article_and_keeps_a_revision(folder):
    run_import(write(folder, line()))
    article = Article.objects.get()

    run_import(write(folder, line(headline="Dam breaks: 3 villages evacuated")))

    article.refresh_from_db()
    assert article.headline == "Dam breaks: 3 villages evacuated"
    assert Article.objects.count() == 1
    assert [h.headline for h in article.history.order_by("history_date")] == [
        "Dam breaks in the mountains",
        "Dam breaks: 3 villages evacuated",
    ]


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json\n", "invalid JSON"),
        (json.dumps(line(id="2", headline="")) + "\n", "missing field 'headline'"),
        (
            json.dumps(line(id="2", published_at="14/03/2024")) + "\n",
            "bad date in 'published_at'",
        ),
        (
            json.dumps(line(id="2", photo=credited_photo("photos/missing.jpg"))) + "\n",
            "unreadable photo 'photos/missing.jpg'",
        ),
        (
            json.dumps(line(id="2", photo=credited_photo("photos/broken.jpg"))) + "\n",
            "unreadable photo 'photos/broken.jpg'",
        ),
        (
            json.dumps(
                line(id="2", photo={**credited_photo(), "credit": {"form": "courtesy"}})
            )
            + "\n",
            "unknown credit form 'courtesy'",
        ),
        (
            json.dumps(line(id="2", photo={**credited_photo(), "credit": None})) + "\n",
            "published photo without a credit",
        ),
        (
            json.dumps(line(id="2", photo={**credited_photo(), "focal": [1.5, 0.2]}))
            + "\n",
            "'photo.focal' must be [across, down], two numbers from 0 to 1",
        ),
        # What one database would store and the other refuse is refused on both.
        (json.dumps(line(id="2", lead="a\x00b")) + "\n", "a NUL character"),
        (
            json.dumps(line(id="2", tags=["x" * 101])) + "\n",
            "'tags' is longer than 100 characters",
        ),
        (
            json.dumps(line(id="2", authors=["y" * 201])) + "\n",
            "'authors' is longer than 200 characters",
        ),
    ],
)
def test_bad_line_is_reported_with_its_number_and_skipped(folder, bad, reason):
    (folder / "photos" / "broken.jpg").write_bytes(b"\xff\xd8\xff not a jpeg")
    path = write(folder, line(id="1"), bad, line(id="3"))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_articles", path, stdout=io.StringIO(), stderr=err)

    assert f"line 2: {reason}" in err.getvalue()
    # Nothing of line 2; the lines around it are imported.
    assert sorted(LegacyId.objects.values_list("legacy_id", flat=True)) == ["1", "3"]
    assert Article.objects.count() == 2
    assert Photo.objects.count() == 0


def test_bad_line_message_reads_line_number_and_reason(folder, capsys):
    path = write(folder, line(id="1"), line(id="2", published_at="yesterday"))
    err = io.StringIO()

    with pytest.raises(CommandError, match="1 line"):
        call_command("import_articles", path, stdout=io.StringIO(), stderr=err)

    assert "line 2: bad date in 'published_at': 'yesterday'" in err.getvalue()


def test_translation_is_linked_when_its_original_comes_later(folder):
    path = write(
        folder,
        line(id="9001", language="en", translation_of="30417"),
        line(id="30417", language="ru", headline="Прорыв дамбы"),
    )

    run_import(path)

    translation = Article.objects.get(language="en")
    assert translation.translation_of == Article.objects.get(language="ru")


def test_author_is_matched_by_alias_not_duplicated(folder):
    author = make_author(name_en="Faik Medjid", name_ru="Фаик Меджид")
    AuthorAlias.objects.create(author=author, name="Faik Medzhid")

    run_import(write(folder, line(authors=["Faik Medzhid"])))

    assert Author.objects.count() == 1
    assert list(Article.objects.get().authors.all()) == [author]


def test_author_object_with_aliases_is_created_once_and_learns_them(folder):
    author = {
        "name": "Ruslan Aliev",
        "name_ru": "Руслан Алиев",
        "aliases": ["R. Alijev"],
    }
    path = write(
        folder, line(id="1", authors=[author]), line(id="2", authors=["R. Alijev"])
    )

    run_import(path)

    assert Author.objects.count() == 1
    assert Author.objects.get().name_ru == "Руслан Алиев"
    assert Author.objects.matching("R. Alijev").count() == 1


def test_an_authors_bare_name_is_taken_by_its_alphabet_not_the_lines_language(
    folder,
):
    # The format's own example, on a Russian line: the Latin name is the English one.
    aliev = {"name": "Ruslan Aliev", "name_ru": "Руслан Алиев"}
    run_import(
        write(
            folder,
            line(id="1", language="ru", authors=[aliev]),
            line(id="2", language="en", authors=["Фаик Меджид"]),
        )
    )

    aliev = Author.objects.get(name_ru="Руслан Алиев")
    assert (aliev.name_en, aliev.name_en_transliterated) == ("Ruslan Aliev", False)
    assert not aliev.aliases.exists()
    faik = Author.objects.get(name_ru="Фаик Меджид")
    assert (faik.name_en, faik.name_en_transliterated) == ("Faik Medzhid", True)


def test_a_found_author_learns_an_english_name_in_place_of_its_transliteration(
    folder,
):
    author = make_author(name_ru="Фаик Меджид", name_en="")
    faik = {"name": "Фаик Меджид", "name_en": "Faik Medjid"}

    run_import(write(folder, line(authors=[faik])))

    author.refresh_from_db()
    assert (author.name_en, author.name_en_transliterated) == ("Faik Medjid", False)
    assert Author.objects.count() == 1


def test_region_and_photographer_named_in_russian_match_english_lines(folder):
    region = make_region(name_en="Dagestan", name_ru="Дагестан")
    Photographer.objects.create(name_en="Nino Beridze", name_ru="Нино Беридзе")
    photo = credited_photo()
    photo["credit"]["photographer"] = "Нино Беридзе"

    run_import(write(folder, line(region="Дагестан", photo=photo)))

    assert Article.objects.get().region == region
    assert Region.objects.count() == 1
    assert Photographer.objects.count() == 1


def test_imported_photo_has_no_exif_or_gps(folder):
    run_import(write(folder, line(photo=credited_photo())))

    photo = Article.objects.get().lead_photo
    with photo.image.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert not image.getexif()
        assert b"Canon" not in stored.read()
    assert photo.renditions.exists()  # processed as an upload is


def test_script_in_body_is_removed(folder):
    run_import(write(folder, line(body="<p>Text</p><script>alert(1)</script>")))

    assert "script" not in Article.objects.get().body
    assert "Text" in Article.objects.get().body


def test_dry_run_writes_nothing(folder, media_root):
    path = write(folder, line(photo=credited_photo()))

    out, _err = run_import(path, "--dry-run")

    assert "Dry run" in out and "1 created" in out
    assert not Article.objects.exists()
    assert not Author.objects.exists()
    assert not Photo.objects.exists()
    assert (
        not any(p.is_file() for p in media_root.rglob("*"))
        if media_root.exists()
        else True
    )


def test_non_terminal_progress_is_plain_lines(folder, monkeypatch):
    monkeypatch.setattr("archive.progress.LOG_EVERY", 1000)  # 10,000 by default
    path = write(folder, *(line(id=str(n)) for n in range(1, 1002)))

    out, _err = run_import(path)

    assert "1,000 lines, " in out and " left" in out
    assert "\r" not in out
    assert "1,001 created" in out


def test_round_trip_reproduces_the_archive(tmp_path):
    faik = make_author(name_en="Faik Medjid", name_ru="Фаик Меджид")
    AuthorAlias.objects.create(author=faik, name="Faik Medzhid")
    nino = make_author(name_en="Nino Beridze", name_ru="Нино Беридзе")
    aliev = make_author(name_en="", name_ru="Руслан Алиев")  # transliterated
    region = make_region(name_en="Chechnya", name_ru="Чечня")
    photographer = Photographer.objects.create(
        name_en="Said Tsarnaev", name_ru="Саид Царнаев"
    )
    photo = make_photo(
        credit_form=Photo.Credit.PHOTO_BY_FOR_AGENCY,
        photographer=photographer,
        credit_text="",
        alt_en="Rescuers at the dam",
    )
    original = make_article(
        language="ru",
        headline="Прорыв дамбы",
        body="<p>Вода дошла до долины.</p>",
        authors=[faik, nino],
        tags=["наводнения", "дамбы"],
        region=region,
        lead_photo=photo,
        source="корреспондент",
    )
    translation = make_article(
        language="en",
        headline="Dam breaks",
        authors=[faik, aliev],
        translation_of=original,
        region=region,
        lead_photo=photo,
    )
    Correction.objects.create(
        article=translation,
        kind=Correction.Kind.CORRECTION,
        text="The dam is in Chechnya.",
        noted_at=timezone.now() - timedelta(hours=1),
    )
    other = make_article(
        language="en",
        headline="Agency photo story",
        lead_photo=make_photo(credit_text="Reuters"),
    )
    before = snapshot()
    path = tmp_path / "export" / "archive.jsonl"
    path.parent.mkdir()
    call_command("export_articles", str(path), stdout=io.StringIO())

    # Empty the database: translations before the originals they protect.
    empty_the_record()
    Article.objects.filter(translation_of__isnull=False).delete()
    for model in (Article, Article.history.model, Photo, Author, Photographer, Region):
        model.objects.all().delete()
    run_import(str(path))

    assert snapshot() == before
    assert Photo.objects.count() == 2  # the translation shares its original's photo
    assert other  # (kept for readability: a story born here, exported by its pk)


def snapshot() -> list:
    """What a reader sees of every article, independent of database ids."""
    rows = []
    for article in Article.objects.order_by("language", "headline"):
        photo = article.lead_photo
        rows.append(
            (
                article.language,
                article.headline,
                article.slug,
                article.lead,
                article.body,
                article.published_at,
                article.source,
                article.region.name_ru if article.region else None,
                article.translation_of.headline if article.translation_of else None,
                [
                    (
                        b.author.name_ru,
                        b.author.name_en,
                        b.author.name_en_transliterated,
                        sorted(a.name for a in b.author.aliases.all()),
                    )
                    for b in article.bylines.all()
                ],
                names_of_tags(article),
                [(c.kind, c.text, c.noted_at) for c in article.corrections.all()],
                # A line carries its own language's caption and alt text only.
                photo
                and (photo.caption(article.language), photo.alt(article.language)),
                photo and (photo.credit("ru"), photo.credit("en")),
            )
        )
    return rows


def test_export_filters_by_language_and_date(tmp_path):
    make_article(
        language="ru",
        headline="Старое",
        published_at=timezone.now() - timedelta(days=30),
    )
    make_article(language="ru", headline="Новое")
    make_article(language="en", headline="New")
    path = tmp_path / "ru.jsonl"
    since = (timezone.now() - timedelta(days=2)).date().isoformat()

    call_command(
        "export_articles",
        str(path),
        "--language",
        "ru",
        "--since",
        since,
        stdout=io.StringIO(),
    )

    lines = [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines()]
    assert [item["headline"] for item in lines] == ["Новое"]
    assert "Новое" in path.read_text(encoding="utf-8")  # Cyrillic unescaped


def test_a_photo_file_missing_from_storage_stops_the_export_with_its_name(
    tmp_path, media_root
):
    make_article(
        headline="Bridge",
        lead_photo=make_photo(),
        published_at=timezone.now() - timedelta(days=1),
    )  # exported first: its photo is copied, then taken back
    photo = make_photo()
    photo.image.storage.delete(photo.image.name)
    make_article(headline="Flood", lead_photo=photo)
    folder = tmp_path / "export"
    folder.mkdir()
    path = folder / "out.jsonl"
    path.write_text("an earlier export\n")

    with pytest.raises(CommandError) as refused:
        call_command("export_articles", str(path), stdout=io.StringIO())

    assert f"photo {photo.key}" in str(refused.value)
    assert photo.image.name in str(refused.value)
    assert path.read_text() == "an earlier export\n"  # nothing half-written
    assert [file.name for file in folder.iterdir()] == ["out.jsonl"]


def test_a_line_that_cannot_be_written_stops_the_export_and_leaves_the_old_file(
    tmp_path, monkeypatch
):
    from archive import exporter

    for number in range(3):
        make_article(headline=f"Story {number}")
    path = tmp_path / "out.jsonl"
    path.write_text("an earlier export\n")
    lines = exporter.LineWriter.lines
    # The lines are encoded and written in a thread of their own: what fails there
    # fails the export.
    monkeypatch.setattr(
        exporter.LineWriter,
        "lines",
        lambda writer, rows: [*lines(writer, rows), {"not JSON": object()}],
    )

    with pytest.raises(TypeError):
        call_command("export_articles", str(path), stdout=io.StringIO())
    assert path.read_text() == "an earlier export\n"
    assert [file.name for file in tmp_path.iterdir()] == ["out.jsonl"]


# The batch path: new lines without photos are inserted a batch at a time -----------


def story(number: int, **fields) -> dict:
    """Odd numbers are Russian originals, each followed by its English translation."""
    language = "ru" if number % 2 else "en"
    return line(
        id=f"s{(number - 1) // 2}",
        language=language,
        translation_of=f"s{(number - 1) // 2}" if language == "en" else None,
        headline=f"Story {number}",
        authors=[f"Author {number % 3}"],
        tags=[f"tag{number % 4}", f"TAG{number % 4}"],
        corrections=[{"at": "2024-03-15T10:00:00+03:00", "text": "Fixed a name."}],
        **fields,
    )


def test_a_batch_of_new_lines_is_complete_and_takes_few_statements(
    folder, django_assert_max_num_queries
):
    path = write(folder, *(story(n) for n in range(1, 101)))

    # 100 lines, 50 originals with 50 translations: about 30 statements, not 2,000.
    with django_assert_max_num_queries(60):
        run_import(path)

    assert Article.objects.count() == 100
    assert Article.history.filter(history_type="+").count() == 100
    assert Author.objects.count() == 3
    for article in Article.objects.filter(language="en"):
        assert (
            article.translation_of.headline == f"Story {int(article.headline[6:]) - 1}"
        )
        assert [str(a) for a in article.authors.all()]
        # "tag1" and "TAG1" are one tag, as TAGGIT_CASE_INSENSITIVE says.
        assert article.tags.count() == 1
        assert article.corrections.count() == 1
        assert article.legacy.legacy_id == article.translation_of.legacy.legacy_id
    assert Article.objects.filter(slug="story-3").exists()


def test_batch_detects_register_mentions(folder):
    from disclaimers.models import DesignatedEntity

    entity = DesignatedEntity.objects.create(
        kind=DesignatedEntity.Kind.FOREIGN_AGENT,
        names_ru="Мемориал",
        names_en="Memorial",
        listed_on=timezone.localdate() - timedelta(days=30),
    )
    path = write(
        folder,
        line(id="1", language="ru", body="<p>Сотрудники «Мемориала» пришли.</p>"),
        line(id="2", body="<p>Nothing here.</p>"),
    )

    run_import(path)

    mention = entity.mentions.get()
    assert mention.article.legacy.legacy_id == "1"
    assert mention.matched_text == "Мемориала"


def test_failed_batch_insert_falls_back_to_one_line_at_a_time(folder, monkeypatch):
    from django.db import DatabaseError

    from archive.batch import NewArticles

    def broken(self, articles):
        raise DatabaseError("simulated failure")

    monkeypatch.setattr(NewArticles, "insert_mentions", broken)
    path = write(folder, *(story(n) for n in range(1, 21)))

    out, err = run_import(path)

    # Every line made it through the slow path; authors created by the undone batch
    # insert were forgotten, so no line points at a row that no longer exists.
    assert Article.objects.count() == 20
    assert Author.objects.count() == 3
    assert Article.objects.filter(translation_of__isnull=False).count() == 10
    assert "20 created" in out and not err


def test_crash_in_the_middle_of_a_batch_leaves_no_half_written_article(
    folder, monkeypatch
):
    from archive import importer
    from archive.batch import NewArticles

    monkeypatch.setattr(importer, "BATCH", 10)
    calls = []
    original = NewArticles.insert_relations

    def crash_on_second_batch(self, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("power cut")
        original(self, rows)

    monkeypatch.setattr(NewArticles, "insert_relations", crash_on_second_batch)
    path = write(folder, *(story(n) for n in range(1, 31)))

    with pytest.raises(RuntimeError):
        run_import(path)

    # The first batch is committed whole; the second left nothing behind.
    assert Article.objects.count() == 10
    assert LegacyId.objects.count() == 10
    assert not Article.objects.filter(bylines__isnull=True).exists()
    assert Article.history.count() == 10

    # Running the file again after the crash completes it.
    monkeypatch.setattr(NewArticles, "insert_relations", original)
    run_import(path)
    assert Article.objects.count() == 30
    assert Article.history.count() == 30  # nothing of the first batch was redone


def test_full_disk_fails_the_photo_line_with_a_reason(folder, monkeypatch):
    import errno

    def full(self, clean):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Photo, "store_image", full)
    path = write(folder, line(id="1"), line(id="2", photo=credited_photo()))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_articles", path, stdout=io.StringIO(), stderr=err)

    assert "line 2: not saved" in err.getvalue()
    assert "No space left on device" in err.getvalue()
    assert list(LegacyId.objects.values_list("legacy_id", flat=True)) == ["1"]
    assert not Photo.objects.exists()


def test_export_progress_in_a_log_is_a_line_per_so_many_articles(tmp_path, monkeypatch):
    monkeypatch.setattr("archive.progress.LOG_EVERY", 2)
    monkeypatch.setattr("archive.exporter.CHUNK", 2)  # progress comes a chunk at a time
    for _ in range(5):
        make_article()
    out = io.StringIO()

    call_command("export_articles", str(tmp_path / "out.jsonl"), stdout=out)

    lines = out.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines[:2]] == ["2 articles", "4 articles"]
    assert "40%" in lines[0] and lines[-1].startswith("Exported 5 articles")


def test_export_into_a_missing_folder_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        call_command("export_articles", str(tmp_path / "missing" / "out.jsonl"))


def test_read_ahead_keeps_order_and_hands_over_the_producers_error():
    from archive.importer import read_ahead

    def items():
        yield from range(10)
        raise ValueError("unreadable file")

    received = []
    with pytest.raises(ValueError, match="unreadable file"):
        for item in read_ahead(items(), depth=2):
            received.append(item)
    assert received == list(range(10))


def test_read_ahead_stopped_early_releases_its_thread():
    import threading

    from archive.importer import read_ahead

    ahead = read_ahead(iter(range(1000)), depth=1)
    assert next(ahead) == 0
    ahead.close()  # as when a batch's failure ends the import

    assert not any(t.name == "import-read-ahead" for t in threading.enumerate())


def test_batch_insert_stamps_creation_times(folder):
    before = timezone.now()
    run_import(write(folder, *(story(n) for n in range(1, 5))))

    for article in Article.objects.all():
        assert before <= article.created_at == article.updated_at <= timezone.now()
        assert article.version == 1


def test_imported_tag_names_match_either_language_and_objects_give_both(folder):
    make_tag(name_ru="Наводнения", name_en="Floods")
    path = write(
        folder,
        line(id="1", tags=["FLOODS"]),
        line(id="2", language="ru", headline="Плотина", tags=["наводнения"]),
        line(id="3", tags=[{"name": "Dams", "name_ru": "Плотины"}]),
        line(id="4", language="ru", headline="Дамба", tags=[{"name": "плотины"}]),
    )

    run_import(path)

    floods = Tag.objects.get(name_en="Floods")
    dams = Tag.objects.get(name_en="Dams")
    assert (dams.name_ru, dams.slug_ru, dams.slug_en) == ("Плотины", "плотины", "dams")
    assert Tag.objects.count() == 2
    for legacy_id, tag in [("1", floods), ("2", floods), ("3", dams), ("4", dams)]:
        assert list(LegacyId.objects.get(legacy_id=legacy_id).article.tags.all()) == [
            tag
        ]


def test_bulk_import_matches_tag_names_as_the_line_by_line_import_does(folder):
    make_tag(name_ru="Наводнения", name_en="Floods")
    lines = [
        line(id=str(n), headline=f"Story {n}", tags=["floods", {"name": "Dams"}])
        for n in range(1, 4)
    ] + [line(id="9", language="ru", headline="Плотина", tags=["ДАМБЫ", "dams"])]

    run_import(write(folder, *lines))

    assert Tag.objects.count() == 3
    dams = Tag.objects.get(name_en="Dams")
    assert dams.articles.count() == 4  # "dams" in a Russian line matches it too
    assert Tag.objects.get(name_ru="ДАМБЫ").name_en == ""


def test_export_names_each_tag_in_the_lines_language_with_both_names(folder):
    make_tag(name_ru="Наводнения", name_en="Floods")
    story = make_article(language="ru", headline="Паводок", tags=["наводнения"])
    make_tag(name_ru="Плотины").articles.add(story)
    path = folder / "out.jsonl"

    call_command("export_articles", str(path), stdout=io.StringIO())

    (exported,) = [json.loads(text) for text in path.read_text().splitlines()]
    assert exported["tags"] == [
        {"name": "Наводнения", "name_ru": "Наводнения", "name_en": "Floods"},
        {"name": "Плотины", "name_ru": "Плотины", "name_en": ""},
    ]


def planner_rows(table: str) -> int | None:
    """The rows the query planner believes `table` holds, None when never analysed."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples::int FROM pg_class WHERE relname = %s", [table]
            )
            rows = cursor.fetchone()[0]
            return None if rows < 0 else rows
        try:
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = %s", [table])
        except DatabaseError:  # no statistics table yet
            return None
        row = cursor.fetchone()
        return int(row[0].split()[0]) if row else None


def test_a_large_import_leaves_the_planner_knowing_its_rows(folder, monkeypatch):
    monkeypatch.setattr("archive.importer.ANALYSE_AFTER", 3)
    lines = [line(id=str(number), headline=f"Story {number}") for number in range(3)]
    # (PostgreSQL keeps statistics through a rollback: another test's may be here.)
    assert planner_rows("articles_article") != 3

    out, _err = run_import(write(folder, *lines))

    assert "Tables analysed for the query planner" in out
    assert planner_rows("articles_article") == 3
    assert planner_rows("articles_byline") == 3


def test_a_small_import_leaves_the_statistics_to_the_database(folder):
    out, _err = run_import(write(folder, line()))
    assert "analysed" not in out
