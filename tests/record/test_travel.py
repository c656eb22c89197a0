"""The record travels with the whole-archive export, and verifies after import."""

import io
import json

import pytest
from django.core.management import call_command

from articles import workflow
from articles.models import Article
from record.models import Entry, Head
from record.travel import record_path
from tests.factories import empty_the_record, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(make_staff, labels):
    """Two stories with versions in the record, one withdrawn; a signed head."""
    from record import signing

    editor = make_staff("Editor")
    first = workflow.publish(make_article(status=Article.Status.SUBMITTED), editor)
    second = workflow.publish(
        make_article(status=Article.Status.SUBMITTED, language="ru"), editor
    )
    workflow.withdraw(first, editor, "Unconfirmed.")
    signing.sign_today()
    return [first, second]


def export(path) -> None:
    call_command("export_articles", str(path), stdout=io.StringIO())


def import_(path) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def verify() -> str:
    out = io.StringIO()
    call_command("verify_record", stdout=out)
    return out.getvalue()


def empty_the_newsroom():
    empty_the_record()
    Article.objects.all().delete()


def test_the_record_comes_back_with_the_archive_and_verifies(recorded, tmp_path):
    before = list(
        Entry.objects.order_by("position").values_list(
            "position", "story", "version", "event", "sha256"
        )
    )
    assert len(before) == 3
    export(tmp_path / "archive.jsonl")
    assert record_path(tmp_path / "archive.jsonl").is_file()

    empty_the_newsroom()
    said, _warned = import_(tmp_path / "archive.jsonl")
    assert "Publication record: 3 entries brought back; it verifies." in said
    after = list(
        Entry.objects.order_by("position").values_list(
            "position", "story", "version", "event", "sha256"
        )
    )
    assert after == before
    assert "The record verifies: 3 entries and 1 signed heads" in verify()
    # The versions are served again, from the imported stories.
    story = Article.objects.get(key=recorded[0].key)
    assert Entry.objects.filter(article=story).count() == 2


def test_a_tampered_record_file_is_refused_and_the_stories_recorded_afresh(
    recorded, tmp_path
):
    export(tmp_path / "archive.jsonl")
    path = record_path(tmp_path / "archive.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    text = next(i for i, line in enumerate(lines) if '"text"' in line[:9])
    line = json.loads(lines[text])
    line["value"] += " (edited)"
    lines[text] = json.dumps(line, ensure_ascii=False)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    empty_the_newsroom()
    _said, warned = import_(tmp_path / "archive.jsonl")
    assert "Publication record not imported" in warned
    assert "does not verify at entry #" in warned
    assert not Entry.objects.exists()
    assert not Head.objects.filter(position__gt=0).exists()


def test_an_installation_with_a_record_keeps_its_own(recorded, tmp_path):
    export(tmp_path / "archive.jsonl")
    _said, warned = import_(tmp_path / "archive.jsonl")
    assert "already holds entries" in warned
    assert Entry.objects.count() == 3
    assert "The record verifies: 3 entries" in verify()
