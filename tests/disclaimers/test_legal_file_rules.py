"""import_legal writes through the same rules as the legal officer's admin forms."""

import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import translation

from disclaimers.models import DesignatedEntity, Disclaimer
from tests.disclaimers.conftest import LABEL_2020, LABEL_2022

pytestmark = pytest.mark.django_db

LABEL_2025 = "НАСТОЯЩИЙ МАТЕРИАЛ ПРОИЗВЕДЕН ИНОСТРАННЫМ АГЕНТОМ ООО «ТЕСТ» (2025)"


def label(**fields) -> dict:
    return {"text": LABEL_2025, "effective_from": "2025-03-01", **fields}


def entry(**fields) -> dict:
    return {
        "kind": "foreign_agent",
        "listed_on": "2024-02-09",
        "names": {"ru": ["Горный центр"], "en": ["Highland Centre"]},
        "footnote": {
            "ru": "*Внесён Минюстом РФ в реестр иностранных агентов",
            "en": "*Included in the register of foreign agents",
        },
        **fields,
    }


@pytest.fixture
def legal(make_staff):
    return make_staff("Legal")


def import_legal(tmp_path, labels=(), register=()):
    path = tmp_path / "legal.json"
    document = {"labels": list(labels), "register": list(register)}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    call_command("import_legal", str(path), user="legal", stdout=io.StringIO())


def state() -> list:
    return [
        list(Disclaimer.objects.order_by("pk").values()),
        list(DesignatedEntity.objects.order_by("pk").values()),
        Disclaimer.history.count(),
        DesignatedEntity.history.count(),
    ]


def test_a_new_version_in_the_file_supersedes_the_one_in_force(tmp_path, legal, labels):
    _old, in_force = labels

    import_legal(tmp_path, labels=[label()])

    in_force.refresh_from_db()
    new = Disclaimer.objects.get(text=LABEL_2025)
    assert in_force.effective_to == date(2025, 2, 28)
    assert in_force.superseded_by == new
    assert in_force.history.first().history_user == legal


def test_a_version_for_part_of_the_languages_is_refused_naming_the_entry(
    tmp_path, legal, labels
):
    before = state()

    with pytest.raises(CommandError) as refused, translation.override("en"):
        import_legal(tmp_path, labels=[label(locales=["ru"])])

    message = str(refused.value)
    assert "labels[1]" in message and "locales:" in message
    assert "covers other languages" in message
    assert "nothing was changed" in message
    assert state() == before


def test_every_refused_entry_is_reported_and_nothing_is_written(
    tmp_path, legal, labels
):
    before = state()
    good = entry(names={"ru": ["Хороший центр"]})
    document = {
        "labels": [
            label(locales=["ru"]),
            label(text="Ярлык\x07", effective_from="2026-01-01"),
        ],
        "register": [
            good,
            entry(names={"ru": ["Центр\x00"]}),
            entry(
                names={"ru": ["Поздний центр"]},
                listed_on="2024-02-09",
                delisted_on="2024-02-01",
            ),
            entry(names={"ru": ["Сноска"]}, footnote={"ru": "*\x1b[31m", "en": "*x"}),
        ],
    }

    with pytest.raises(CommandError) as refused:
        import_legal(tmp_path, document["labels"], document["register"])

    message = str(refused.value)
    for where, what in [
        ("labels[1]", "locales"),
        ("labels[2]", "text"),
        ("register[2]", "names_ru"),
        ("register[3]", "delisted_on"),
        ("register[4]", "footnote_ru"),
    ]:
        assert f"{where}: {what}:" in message, message
    assert "register[1]" not in message
    assert state() == before


def test_a_control_character_in_a_register_name_is_refused_in_the_admin_too(
    memorial,
):
    memorial.names_en = "Memorial\x1b"
    with pytest.raises(ValidationError) as refused:
        memorial.full_clean()
    assert refused.value.error_dict["names_en"][0].code == "control_character"


def test_an_entry_removed_before_it_was_listed_is_refused(memorial):
    memorial.delisted_on = date(2023, 1, 1)
    with pytest.raises(ValidationError) as refused:
        memorial.full_clean()
    assert refused.value.error_dict["delisted_on"][0].code == "dates_out_of_order"


def test_a_label_ending_before_it_starts_is_refused_by_its_field(labels):
    old, _in_force = labels
    old.effective_to = date(2019, 1, 1)
    with pytest.raises(ValidationError) as refused:
        old.full_clean()
    assert refused.value.error_dict["effective_to"][0].code == "dates_out_of_order"


def test_an_additional_label_stands_beside_the_one_in_force_and_is_exported_so(
    tmp_path, legal, labels
):
    _old, in_force = labels

    import_legal(tmp_path, labels=[label(text="ДОПОЛНИТЕЛЬНЫЙ ЯРЛЫК", additional=True)])

    in_force.refresh_from_db()
    assert in_force.effective_to is None  # not replaced
    assert Disclaimer.objects.get(text="ДОПОЛНИТЕЛЬНЫЙ ЯРЛЫК").additional
    exported = tmp_path / "out.json"
    call_command("export_legal", str(exported), stderr=io.StringIO())
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert {item["text"]: item["additional"] for item in document["labels"]} == {
        LABEL_2022: False,
        "ДОПОЛНИТЕЛЬНЫЙ ЯРЛЫК": True,
        LABEL_2020: False,
    }
