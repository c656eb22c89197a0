"""The labels and the register as one JSON document a lawyer can review and move.

{"labels": [{"text", "locales", "effective_from", "effective_to", "placement",
             "emphasis", "additional"}],
 "register": [{"kind", "listed_on", "delisted_on", "names": {"ru": [...], "en": [...]},
               "footnote": {"ru", "en"}}]}

Every row is written as the admin writes it (full_clean(), then save()): a new label
version supersedes the one in force, a partial overlap is refused, texts are free of
control characters and end dates follow start dates.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from disclaimers.models import DesignatedEntity, Disclaimer


class LegalFileError(ValueError):
    """The document is not valid; nothing was changed. `problems` holds one line per
    refused entry, each naming it (`labels[2]: locales: ...`)."""

    def __init__(self, problems: list[str] | str):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


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
                "additional": label.additional,
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
    problems = []
    with transaction.atomic():
        # In the file's order, each checked against those before it: a file may
        # bring a version and the one that replaces it.
        for where, fields in labels:
            label = (
                Disclaimer.objects.filter(
                    text=fields["text"], effective_from=fields["effective_from"]
                ).first()
                or Disclaimer()
            )
            problems += save_as(label, fields, user, where)
        for where, fields in entities:
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
            problems += save_as(entity, fields, user, where)
        if problems:
            # All or nothing: every refusal reported, no entry written.
            transaction.set_rollback(True)
    if problems:
        raise LegalFileError(problems)
    return len(labels), len(entities)


def save_as(instance, fields: dict, user, where: str) -> list[str]:
    """Save `fields` into `instance` as `user`, by the model's rules (full_clean);
    an unchanged row is left alone. Returns the refusals, each naming `where`."""
    if instance.pk and all(
        getattr(instance, name) == value for name, value in fields.items()
    ):
        return []
    for name, value in fields.items():
        setattr(instance, name, value)
    instance._history_user = user  # simple-history records who made the change
    try:
        with transaction.atomic():
            instance.full_clean()
            instance.save()
    except ValidationError as error:
        return [f"{where}: {reason}" for reason in reasons(error)]
    return []


def reasons(error: ValidationError) -> list[str]:
    """A model's refusal as lines of `field: message`."""
    if not hasattr(error, "error_dict"):
        return [" ".join(error.messages)]
    return [
        f"{field}: {' '.join(message for item in errors for message in item)}"
        for field, errors in error.error_dict.items()
    ]


def parse_document(document) -> tuple[list[tuple], list[tuple]]:
    """The file's labels and register entries as model fields, each with where it
    stands in the file; every malformed entry reported at once (LegalFileError)."""
    if not isinstance(document, dict) or not {"labels", "register"} & document.keys():
        raise LegalFileError('expected an object with "labels" and/or "register"')
    labels, entities, problems = [], [], []
    for part, parse, parsed in (
        ("labels", parse_label, labels),
        ("register", parse_entity, entities),
    ):
        items = document.get(part, [])
        if not isinstance(items, list):
            problems.append(f"{part}: expected a list")
            continue
        for number, item in enumerate(items, 1):
            where = f"{part}[{number}]"
            try:
                parsed.append((where, parse(item, where)))
            except LegalFileError as error:
                problems += error.problems
    if problems:
        raise LegalFileError(problems)
    return labels, entities


def parse_label(item, where: str) -> dict:
    languages = {code for code, _name in settings.LANGUAGES}
    require_object(item, where)
    locales = item.get("locales", sorted(languages))
    if not isinstance(locales, list) or not locales or not set(locales) <= languages:
        raise LegalFileError(f"{where}: locales must be a list of {sorted(languages)}")
    additional = item.get("additional", False)
    if not isinstance(additional, bool):
        raise LegalFileError(f"{where}: additional must be true or false")
    return {
        "text": require_text(item, "text", where),
        "locales": locales,
        "effective_from": require_date(item, "effective_from", where),
        "effective_to": optional_date(item, "effective_to", where),
        "placement": choice(item, "placement", Disclaimer.Placement, where),
        "emphasis": choice(item, "emphasis", Disclaimer.Emphasis, where),
        "additional": additional,
    }


def parse_entity(item, where: str) -> dict:
    require_object(item, where)
    names, footnote = item.get("names"), item.get("footnote")
    if not isinstance(names, dict) or not names.get("ru"):
        raise LegalFileError(f'{where}: names must give at least one "ru" name')
    if not isinstance(footnote, dict):
        raise LegalFileError(f"{where}: footnote must be an object by language")
    return {
        "kind": choice(item, "kind", DesignatedEntity.Kind, where, required=True),
        "listed_on": require_date(item, "listed_on", where),
        "delisted_on": optional_date(item, "delisted_on", where),
        "names_ru": name_lines(names.get("ru"), f"{where}.names.ru"),
        "names_en": name_lines(names.get("en", []), f"{where}.names.en"),
        "footnote_ru": require_text(footnote, "ru", f"{where}.footnote"),
        "footnote_en": require_text(footnote, "en", f"{where}.footnote"),
    }


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
