"""A story has one translation per language: an import that brings a second reports it."""

import io

import pytest
from django.core.management import CommandError, call_command

from archive.models import LegacyId
from articles.models import Article
from tests.archive.test_import_export import credited_photo, line, write
from tests.photos.images import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "9001.jpg").write_bytes(photo_bytes(size=(400, 300)))
    return tmp_path


def original(**fields) -> dict:
    return line(id="30417", language="ru", headline="Прорыв дамбы", **fields)


def translation(legacy_id: str, **fields) -> dict:
    return line(
        id=legacy_id,
        language="en",
        headline=f"Dam breaks ({legacy_id})",
        translation_of="30417",
        **fields,
    )


def failing_import(path) -> tuple[str, str]:
    """Runs the import, which must end (exit 1) rather than crash; (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 line"):
        call_command("import_articles", path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def translations_of_the_original() -> list[str]:
    story = Article.objects.get(language="ru")
    return list(
        LegacyId.objects.filter(article__translation_of=story).values_list(
            "legacy_id", flat=True
        )
    )


def test_a_second_translation_after_its_original_is_a_bad_line(folder):
    path = write(
        folder,
        original(),
        translation("9001"),
        translation("9002"),
        line(id="9003", headline="Another story"),
    )

    _out, err = failing_import(path)

    assert "line 3: translation_of: '30417' already has a translation in en" in err
    assert "9001" in err  # the translation that stands is named
    assert translations_of_the_original() == ["9001"]
    assert set(LegacyId.objects.values_list("legacy_id", flat=True)) == {
        "30417",
        "9001",
        "9003",
    }


def test_a_second_translation_with_a_photo_is_a_bad_line_and_stores_no_file(
    folder, media_root
):
    path = write(
        folder,
        original(),
        translation("9001"),
        translation("9002", photo=credited_photo()),
    )

    _out, err = failing_import(path)

    assert "line 3: translation_of: '30417' already has a translation in en" in err
    assert translations_of_the_original() == ["9001"]
    assert not Article.objects.filter(headline="Dam breaks (9002)").exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_a_translation_of_a_story_translated_before_is_a_bad_line(folder):
    run = write(folder, original(), translation("9001"))
    call_command("import_articles", run, stdout=io.StringIO(), stderr=io.StringIO())
    path = write(folder, translation("9002"), line(id="9003", headline="Other"))

    _out, err = failing_import(path)

    assert "line 1: translation_of: '30417' already has a translation in en" in err
    assert translations_of_the_original() == ["9001"]
    assert LegacyId.objects.filter(legacy_id="9003").exists()


def test_two_translations_before_their_original_link_the_first_and_report_the_second(
    folder,
):
    path = write(
        folder,
        translation("9001"),
        translation("9002"),
        original(),
    )

    out, err = failing_import(path)

    # Linked in the second pass: the conflict is named by the legacy id.
    assert (
        "en/9002: original '30417' already has a translation in en (9001), "
        "left unlinked" in err
    )
    assert translations_of_the_original() == ["9001"]
    # The second is kept, as every line the file gave, only not linked.
    second = Article.objects.get(headline="Dam breaks (9002)")
    assert second.translation_of is None
    assert "1 translations linked after the pass, 1 left unlinked" in out


def test_importing_a_file_with_two_translations_again_changes_nothing(folder):
    path = write(folder, translation("9001"), translation("9002"), original())
    failing_import(path)
    before = list(Article.objects.order_by("pk").values("pk", "version"))

    _out, err = failing_import(path)

    # The original is known now: the line itself is refused, and named once.
    assert err == (
        "line 2: translation_of: '30417' already has a translation in en (9001)\n"
    )
    assert list(Article.objects.order_by("pk").values("pk", "version")) == before
    assert translations_of_the_original() == ["9001"]
