"""Moving an installation: export, import into an empty database, export again.

The two exports are identical, and the second installation answers every public
address with the same page (media files aside: they are stored under new names).
"""

import io
import json
import re
import uuid
from contextlib import suppress
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.utils import timezone

from archive.models import LegacyId
from articles.models import Article, ArticleEvent, Correction, Region, Tag
from authors.models import Author, AuthorAlias
from disclaimers.models import Mention
from photos.models import Photo, Photographer
from tests.factories import (
    empty_the_record,
    make_article,
    make_author,
    make_photo,
    make_region,
)
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db

MEDIA_FILE = re.compile(r"/media/[^\s\"',)]+")


def ago(**delta):
    return timezone.now() - timedelta(**delta)


@pytest.fixture
def newsroom(make_staff, memorial):
    """An archive holding every kind of thing an export must carry."""
    editor, legal = make_staff("Editor"), make_staff("Legal")
    correspondent = make_staff("Correspondent")
    # A genitive corrected by hand (the dictionary's would be «Фаика Меджида»).
    faik = make_author(
        name_en="Faik Medjid",
        name_ru="Фаик Меджид",
        name_ru_genitive="Фаика Меджида-Алиева",
    )
    AuthorAlias.objects.create(author=faik, name="Faik Medzhid")
    aliev = make_author(name_en="", name_ru="Руслан Алиев")  # transliterated
    chechnya = make_region(name_en="Chechnya", name_ru="Чечня", slug="chechnya")
    shared = make_photo(
        credit_form=Photo.Credit.PHOTO_BY_FOR_AGENCY,
        photographer=Photographer.objects.create(
            name_en="Said Tsarnaev",
            name_ru="Саид Царнаев",
            name_ru_genitive="Саида Царнаева-старшего",  # corrected by hand
        ),
        credit_text="",
        alt_en="Rescuers at the dam",
        alt_ru="Спасатели у плотины",
        focal_x=0.8,
        focal_y=0.25,  # the crops' subject
    )
    inside = make_photo(caption_en="The valley", caption_ru="Долина")
    original = make_article(
        language="ru",
        headline="Прорыв дамбы: «Мемориал» требует проверки",
        body=f"<p>Вода дошла до долины.</p><p>[photo:{inside.pk}]</p>",
        authors=[faik, aliev],
        tags=["наводнения", "дамбы"],
        region=chechnya,
        lead_photo=shared,
        source="корреспондент",
        published_at=ago(days=3),
        created_by=correspondent,
        approved_by=editor,
        approved_at=ago(days=3),
    )
    LegacyId.objects.create(article=original, language="ru", legacy_id="30417")
    translation = make_article(
        language="en",
        headline="Dam breaks: Memorial asks for an inquiry",
        body=f"<p>[photo:{inside.pk}]</p><p>Water reached the valley.</p>",
        authors=[faik],
        translation_of=original,
        region=chechnya,
        lead_photo=shared,
        published_at=ago(days=2),
        approved_by=editor,
        approved_at=ago(days=2),
    )
    Correction.objects.create(
        article=translation,
        kind=Correction.Kind.CORRECTION,
        text="The dam is in Chechnya.",
        noted_at=ago(days=1),
    )
    # The original changed after the translation's approval: the translation is stale.
    original.lead = "Вода дошла до долины к утру."
    original.save()
    born_here = make_article(
        language="en",
        headline="Memorial's archive opens",
        authors=[make_author(name_en="Nino Beridze", name_ru="Нино Беридзе")],
        lead_photo=make_photo(credit_text="Reuters"),
        published_at=ago(days=1),
    )
    # Without photos: the import's batch path (new stories a thousand at a time).
    hearing = make_article(
        language="ru",
        headline="Суд над «Мемориалом» отложен",
        authors=[aliev],
        tags=["суды"],
        published_at=ago(hours=5),
        created_by=correspondent,
        approved_by=editor,
        approved_at=ago(hours=5),
    )
    for story, status in (
        (original, "confirmed"),
        (born_here, "dismissed"),
        (hearing, "confirmed"),
    ):
        Mention.objects.filter(article=story).update(status=status, reviewed_by=legal)
    for story in (original, translation, born_here, hearing):
        ArticleEvent.objects.create(
            article=story, action="submit", actor=correspondent, at=ago(days=4)
        )
        ArticleEvent.objects.create(
            article=story, action="publish", actor=editor, at=ago(days=3), comment="OK"
        )
    make_article(language="ru", status=Article.Status.DRAFT, created_by=correspondent)
    assert Article.objects.get(pk=translation.pk).is_stale
    return original, translation, born_here, hearing


def public_pages(client) -> dict[str, str]:
    """Every public address and what it answers (media file names left out)."""
    addresses = ["/ru/", "/en/", "/ru/news/", "/en/news/", "/articles/30417/"]
    for article in Article.objects.published():
        addresses += [article.get_absolute_url(), article.get_absolute_url() + "print/"]
        day = timezone.localdate(article.published_at)
        addresses.append(f"/{article.language}/archive/{day:%Y/%m/%d}/")
    for language in ("ru", "en"):
        addresses += [
            tag.get_absolute_url(language)
            for tag in Tag.objects.all()
            if tag.own_name(language)
        ]
        addresses += [
            f"/{language}{region.get_absolute_url()[3:]}"
            for region in Region.objects.all()
        ]
        addresses += [
            f"/{language}{author.get_absolute_url()[3:]}"
            for author in Author.objects.all()
        ]
    pages = {}
    for address in sorted(set(addresses)):
        response = client.get(address)
        text = response.headers.get("Location") or response.content.decode()
        pages[address] = (response.status_code, MEDIA_FILE.sub("/media/…", text))
    return pages


def export(path) -> str:
    call_command("export_articles", str(path), stdout=io.StringIO())
    return path.read_text(encoding="utf-8")


def empty_the_newsroom():
    """What a new installation lacks: everything but its register and its admin."""
    empty_the_record()
    Article.objects.filter(translation_of__isnull=False).delete()
    for model in (Article, Article.history.model, Photo, Author, Photographer, Region):
        model.objects.all().delete()
    Tag.objects.all().delete()
    get_user_model().objects.filter(is_superuser=False).delete()


def test_an_export_imported_into_an_empty_newsroom_exports_the_same_and_serves_the_same(
    client, newsroom, tmp_path
):
    pages = public_pages(client)
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    first = export(tmp_path / "first" / "archive.jsonl")

    empty_the_newsroom()
    call_command(
        "import_articles",
        str(tmp_path / "first" / "archive.jsonl"),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    assert export(tmp_path / "second" / "archive.jsonl") == first
    photos = sorted(p.name for p in (tmp_path / "first" / "photos").iterdir())
    assert photos == sorted(p.name for p in (tmp_path / "second" / "photos").iterdir())
    assert len(photos) == 3  # the shared photo travels once
    assert Photo.objects.count() == 3
    assert public_pages(client) == pages


def test_what_the_desk_decided_comes_back(newsroom, tmp_path):
    original, translation, born_here, hearing = newsroom
    call_command("export_articles", str(tmp_path / "a.jsonl"), stdout=io.StringIO())
    empty_the_newsroom()

    call_command("import_articles", str(tmp_path / "a.jsonl"), stdout=io.StringIO())

    original = Article.objects.get(pk=original.pk)
    assert original.legacy.legacy_id == "30417"
    assert not LegacyId.objects.filter(article__pk=born_here.pk).exists()
    assert Article.objects.get(pk=translation.pk).is_stale
    assert original.approved_by.username == "editor"
    assert not original.approved_by.is_active  # made to keep the name, cannot sign in
    assert original.created_by.username == "correspondent"
    assert [(m.status, m.reviewed_by.username) for m in original.mentions.all()] == [
        ("confirmed", "legal")
    ]
    assert born_here.mentions.get().status == "dismissed"
    hearing = Article.objects.get(key=hearing.key)  # by the batch path
    assert hearing.pk == newsroom[3].pk and hearing.approved_by.username == "editor"
    assert hearing.mentions.get().status == "confirmed"
    assert [e.action for e in hearing.events.order_by("at")] == ["submit", "publish"]
    assert [e.action for e in original.events.order_by("at")] == ["submit", "publish"]
    assert Author.objects.get(name_ru="Фаик Меджид").name_ru_genitive == (
        "Фаика Меджида-Алиева"
    )
    assert "Фото Саида Царнаева-старшего для" in original.lead_photo.credit("ru")
    assert (original.lead_photo.focal_x, original.lead_photo.focal_y) == (0.8, 0.25)
    aliev = Author.objects.get(name_ru="Руслан Алиев")
    assert (aliev.name_en, aliev.name_en_transliterated) == ("Ruslan Aliev", True)
    # The next story made here follows the numbers the import kept.
    assert make_article().pk > max(original.pk, translation.pk, born_here.pk)


def test_importing_the_export_again_into_its_own_newsroom_changes_nothing(
    newsroom, tmp_path
):
    path = tmp_path / "a.jsonl"
    first = export(path)
    out = io.StringIO()

    call_command("import_articles", str(path), stdout=out)

    assert "0 created, 0 updated, 5 unchanged" in out.getvalue()
    assert export(path) == first


def lines_file(tmp_path, *lines) -> str:
    path = tmp_path / "lines.jsonl"
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
        encoding="utf-8",
    )
    return str(path)


def story_line(**fields) -> dict:
    return {
        "language": "en",
        "headline": f"Story {fields.get('id') or fields.get('number')}",
        "published_at": "2024-03-14T18:05:00+03:00",
        **fields,
    }


def import_lines(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with suppress(CommandError):
        call_command("import_articles", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_numbers_kept_beside_new_ones_and_after_them(tmp_path):
    path = lines_file(
        tmp_path,
        story_line(key=str(uuid.uuid4()), number=3),
        story_line(id="a"),
        story_line(key=str(uuid.uuid4()), number=1),
        story_line(id="b"),
    )

    out, err = import_lines(path)

    assert "4 created" in out and not err
    assert Article.objects.filter(pk__in=[1, 3]).count() == 2
    assert make_article().pk > 3  # the next story made here follows them


def test_a_legacy_id_of_another_story_is_refused_not_overwritten(tmp_path):
    import_lines(lines_file(tmp_path, story_line(id="10", headline="Archive story")))

    _out, err = import_lines(
        lines_file(
            tmp_path, story_line(id="10", key=str(uuid.uuid4()), headline="Post 10")
        )
    )

    assert "line 1: id: '10' belongs to another story here" in err
    assert Article.objects.get().headline == "Archive story"


def test_translations_naming_a_later_original_by_key_are_linked_or_reported(tmp_path):
    original = str(uuid.uuid4())
    path = lines_file(
        tmp_path,
        story_line(key=str(uuid.uuid4()), language="ru", translation_of_key=original),
        story_line(key=str(uuid.uuid4()), language="ru", translation_of_key=original),
        story_line(key=original, headline="The original"),
    )

    out, err = import_lines(path)

    assert "1 translations linked" in out
    assert "the original already has a translation" in err
    assert Article.objects.get(key=original).translations.count() == 1


def test_a_translation_before_its_original_imports_unchanged_the_second_time(
    tmp_path,
):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "a.jpg").write_bytes(photo_bytes())
    original = str(uuid.uuid4())
    path = lines_file(
        tmp_path,
        story_line(
            key=str(uuid.uuid4()),
            language="ru",
            translation_of_key=original,
            updated_at="2024-03-15T10:00:00+03:00",
        ),
        story_line(
            key=original,
            photo={
                "file": "photos/a.jpg",
                "caption": "Dam",
                "credit": {"form": "photo_agency", "text": "Agency"},
            },
            updated_at="2024-03-15T09:00:00+03:00",
        ),
    )
    import_lines(path)

    out, _err = import_lines(path)

    assert "0 created, 0 updated, 2 unchanged" in out
    assert Article.objects.get(language="ru").translation_of.key == uuid.UUID(original)
