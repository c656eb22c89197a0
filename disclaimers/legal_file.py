"""The labels and the register as one JSON document a lawyer can review and move.

{"labels": [{"text", "locales", "effective_from", "effective_to", "placement"}],
 "register": [{"kind", "listed_on", "delisted_on", "names": {"ru": [...], "en": [...]},
               "footnote": {"ru", "en"}}]}
"""

from datetime import date

from django.conf import settings
from django.db import transaction

from disclaimers.models import DesignatedEntity, Disclaimer


class LegalFileError(ValueError):
    """The document is not valid; nothing was changed."""


def export_document() -> dict:
    return {
        "labels": [
            {
                "text": label.text,
                "locales": label.locales,
                "effective_from": label.effective_from.isoformat(),
                "effective_to": label.effective_to and label.effective_to.isoformat(),
                "placement": label.placement,
                "emphasis": label.emphasis,
            }
            for label in Disclaimer.objects.order_by("effective_from", "pk")
        ],
        "register": [
            {
                "kind": entity.kind,
                "listed_on": entity.listed_on.isoformat(),
                "delisted_on": entity.delisted_on and entity.delisted_on.isoformat(),
                "names": {"ru": lines(entity.names_ru), "en": lines(entity.names_en)},
                "footnote": {"ru": entity.footnote_ru, "en": entity.footnote_en},
            }
            for entity in DesignatedEntity.objects.order_by("listed_on", "pk")
        ],
    }


def import_document(document, user) -> tuple[int, int]:
    """Validate the whole document, then apply it in one transaction, as `user`.

    Labels are matched by text and start date, register entries by kind and their
    first Russian name; matched rows are updated, others added, none deleted.
    Returns (labels, register entries) written.
    """
    labels, entities = parse_document(document)
    with transaction.atomic():
        for fields in labels:
            label = (
                Disclaimer.objects.filter(
                    text=fields["text"], effective_from=fields["effective_from"]
                ).first()
                or Disclaimer()
            )
            save_as(label, fields, user)
        for fields in entities:
            first_name = fields["names_ru"].splitlines()[0]
            entity = (
                next(
                    (
                        candidate
                        for candidate in DesignatedEntity.objects.filter(
                            kind=fields["kind"]
                        )
                        if candidate.names() and candidate.names()[0] == first_name
                    ),
                    None,
                )
                or DesignatedEntity()
            )
            save_as(entity, fields, user)
    return len(labels), len(entities)


def save_as(instance, fields: dict, user) -> None:
    """Save `fields` into `instance` as `user`; an unchanged row is left alone."""
    if instance.pk and all(
        getattr(instance, name) == value for name, value in fields.items()
    ):
        return
    for name, value in fields.items():
        setattr(instance, name, value)
    instance._history_user = user  # simple-history records who made the change
    instance.full_clean()
    instance.save()


def parse_document(document) -> tuple[list[dict], list[dict]]:
    if not isinstance(document, dict) or not {"labels", "register"} & document.keys():
        raise LegalFileError('expected an object with "labels" and/or "register"')
    languages = {code for code, _name in settings.LANGUAGES}
    labels = []
    for number, item in enumerate(document.get("labels", []), 1):
        where = f"labels[{number}]"
        require_object(item, where)
        locales = item.get("locales", sorted(languages))
        if (
            not isinstance(locales, list)
            or not locales
            or not set(locales) <= languages
        ):
            raise LegalFileError(
                f"{where}: locales must be a list of {sorted(languages)}"
            )
        labels.append(
            {
                "text": require_text(item, "text", where),
                "locales": locales,
                "effective_from": require_date(item, "effective_from", where),
                "effective_to": optional_date(item, "effective_to", where),
                "placement": choice(item, "placement", Disclaimer.Placement, where),
                "emphasis": choice(item, "emphasis", Disclaimer.Emphasis, where),
            }
        )
    entities = []
    for number, item in enumerate(document.get("register", []), 1):
        where = f"register[{number}]"
        require_object(item, where)
        names, footnote = item.get("names"), item.get("footnote")
        if not isinstance(names, dict) or not names.get("ru"):
            raise LegalFileError(f'{where}: names must give at least one "ru" name')
        if not isinstance(footnote, dict):
            raise LegalFileError(f"{where}: footnote must be an object by language")
        entities.append(
            {
                "kind": choice(
                    item, "kind", DesignatedEntity.Kind, where, required=True
                ),
                "listed_on": require_date(item, "listed_on", where),
                "delisted_on": optional_date(item, "delisted_on", where),
                "names_ru": name_lines(names.get("ru"), f"{where}.names.ru"),
                "names_en": name_lines(names.get("en", []), f"{where}.names.en"),
                "footnote_ru": require_text(footnote, "ru", f"{where}.footnote"),
                "footnote_en": require_text(footnote, "en", f"{where}.footnote"),
            }
        )
    return labels, entities


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def require_object(item, where: str) -> None:
    if not isinstance(item, dict):
        raise LegalFileError(f"{where}: expected an object")


def require_text(item: dict, key: str, where: str) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        raise LegalFileError(f"{where}: {key} must be a non-empty string")
    return value.strip()


def require_date(item: dict, key: str, where: str) -> date:
    value = optional_date(item, key, where)
    if value is None:
        raise LegalFileError(f"{where}: {key} is required (YYYY-MM-DD)")
    return value


def optional_date(item: dict, key: str, where: str) -> date | None:
    value = item.get(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise LegalFileError(
            f"{where}: {key} is not a date (YYYY-MM-DD): {value!r}"
        ) from None


def choice(item: dict, key: str, choices, where: str, required: bool = False) -> str:
    value = item.get(key)
    if value is None and not required:
        return choices.values[0]
    if value not in choices.values:
        raise LegalFileError(
            f"{where}: {key} must be one of {choices.values}, not {value!r}"
        )
    return value


def name_lines(names, where: str) -> str:
    if not isinstance(names, list) or not all(
        isinstance(name, str) and name.strip() and "\n" not in name for name in names
    ):
        raise LegalFileError(f"{where}: expected a list of one-line names")
    return "\n".join(name.strip() for name in names)
