"""export_legal / import_legal: the labels and the register as a reviewable file."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from disclaimers.models import DesignatedEntity, Disclaimer

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "labels": [
        {
            "text": "НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН ИНОСТРАННЫМ АГЕНТОМ ООО «ТЕСТ»",
            "locales": ["ru", "en"],
            "effective_from": "2022-12-01",
            "effective_to": None,
            "placement": "after_headline",
        }
    ],
    "register": [
        {
            "kind": "foreign_agent",
            "listed_on": "2023-05-19",
            "names": {"ru": ["Мемориал"], "en": ["Memorial"]},
            "footnote": {
                "ru": "*Внесён Минюстом РФ в реестр иностранных агентов",
                "en": "*Included by the Russian Ministry of Justice into the register of foreign agents",
            },
        }
    ],
}


def write(tmp_path, document, name="legal.json"):
    path = tmp_path / name
    path.write_text(
        document
        if isinstance(document, str)
        else json.dumps(document, ensure_ascii=False)
    )
    return str(path)


def test_import_then_export_gives_the_same_document(tmp_path, make_staff):
    legal = make_staff("Legal")
    call_command(
        "import_legal", write(tmp_path, DOCUMENT), user="legal", stdout=io.StringIO()
    )
    out = tmp_path / "out.json"
    call_command("export_legal", str(out), stderr=io.StringIO())
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["labels"][0]["text"] == DOCUMENT["labels"][0]["text"]
    assert exported["register"][0]["names"] == DOCUMENT["register"][0]["names"]
    assert exported["register"][0]["footnote"] == DOCUMENT["register"][0]["footnote"]
    assert "Мемориал" in out.read_text(encoding="utf-8")  # Cyrillic kept readable
    assert Disclaimer.history.get().history_user == legal
    assert DesignatedEntity.history.get().history_user == legal


def test_importing_twice_changes_nothing(tmp_path, make_staff):
    make_staff("Legal")
    for _ in range(2):
        call_command(
            "import_legal",
            write(tmp_path, DOCUMENT),
            user="legal",
            stdout=io.StringIO(),
        )
    assert Disclaimer.objects.count() == 1
    assert DesignatedEntity.objects.count() == 1
    assert Disclaimer.history.count() == 1


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (
            {"labels": [{"text": "X", "effective_from": "yesterday"}]},
            "effective_from is not a date",
        ),
        (
            {"labels": [{"effective_from": "2022-12-01"}]},
            "text must be a non-empty string",
        ),
        (
            {
                "labels": [
                    {"text": "X", "effective_from": "2022-12-01", "locales": ["de"]}
                ]
            },
            "locales",
        ),
        (
            {
                "register": [
                    {
                        "kind": "spy",
                        "listed_on": "2023-01-01",
                        "names": {"ru": ["Икс"]},
                        "footnote": {},
                    }
                ]
            },
            "kind must be one of",
        ),
        (
            {
                "register": [
                    {"kind": "foreign_agent", "listed_on": "2023-01-01", "names": {}}
                ]
            },
            "names",
        ),
        ([1, 2, 3], "expected an object"),
    ],
)
def test_an_invalid_file_changes_nothing(tmp_path, make_staff, broken, message):
    make_staff("Legal")
    # A valid first half must not be written either: all or nothing.
    document = broken
    if isinstance(broken, dict):
        document = {
            "labels": DOCUMENT["labels"] + broken.get("labels", []),
            "register": DOCUMENT["register"] + broken.get("register", []),
        }
    with pytest.raises(CommandError, match=message):
        call_command("import_legal", write(tmp_path, document), user="legal")
    assert not Disclaimer.objects.exists()
    assert not DesignatedEntity.objects.exists()


def test_a_file_that_is_not_json_is_refused(tmp_path, make_staff):
    make_staff("Legal")
    with pytest.raises(CommandError, match="not valid UTF-8 JSON"):
        call_command("import_legal", write(tmp_path, "{labels: oops"), user="legal")


def test_only_legal_may_import(tmp_path, make_staff):
    make_staff("Editor")
    with pytest.raises(CommandError, match="may not change the legal labels"):
        call_command("import_legal", write(tmp_path, DOCUMENT), user="editor")
    assert not Disclaimer.objects.exists()
