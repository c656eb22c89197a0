"""The archive's JSONL line, parsed and checked into a Record (archive/exporter.py writes it)."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles.models import Article, ArticleEvent, Correction
from articles.validation import (
    check_fields,
    check_plain_text,
    check_publication_time,
    check_tag_name,
    check_text,
    normalised_slug,
)
from disclaimers.models import Mention
from newsroom.text import alphabet
from photos.models import Photo

LANGUAGES = [code for code, _name in settings.LANGUAGES]
STATUSES = frozenset(Article.Status.values)


class BadLine(Exception):
    """A line that cannot be imported; its text reads `line N: reason`."""

    def __init__(self, number: int, reason: str):
        super().__init__(f"line {number}: {reason}")
        self.number = number
        self.reason = reason

    @classmethod
    def refused(cls, number: int, error: ValidationError) -> "BadLine":
        """A model's refusal as a bad line: `line N: field: message`."""
        if not hasattr(error, "error_dict"):
            return cls(number, " ".join(error.messages))
        return cls(
            number,
            "; ".join(
                f"{field}: {' '.join(message for item in errors for message in item)}"
                for field, errors in error.error_dict.items()
            ),
        )


@dataclass
class Name:
    """A person or region as a line names it: one name, maybe both forms, aliases."""

    name: str
    name_ru: str = ""
    name_en: str = ""
    aliases: list[str] = field(default_factory=list)
    slug: str = ""  # its address on the site, kept when free
    name_ru_genitive: str = ""  # a person's, as corrected where it came from

    def by_language(self, language: str) -> dict[str, str]:
        """Its Russian and English names: `name_ru` and `name_en` win; a bare `name`
        is the Russian one when written in Cyrillic, the English one in Latin letters,
        whatever the line's `language` (which decides only for neither)."""
        names = {"ru": self.name_ru, "en": self.name_en}
        written_in = alphabet(self.name) or language
        names[written_in] = names[written_in] or self.name
        return names

    def forms(self) -> list[str]:
        """Every spelling to match against, the line's own name first."""
        seen = []
        for name in (self.name, self.name_ru, self.name_en, *self.aliases):
            if name and name not in seen:
                seen.append(name)
        return seen


@dataclass
class PhotoRecord:
    file: str
    captions: dict[str, str]  # by language: those the line gives
    alts: dict[str, str]
    credit_form: str
    photographer: Name | None
    credit_text: str
    key: uuid.UUID | None = None  # the photo's identity across installations
    focal: tuple[float, float] | None = None  # where crops are cut; None: as it is


@dataclass
class MentionRecord:
    """A register entry's mention and the legal officer's decision on it."""

    entity: str  # the entry's Russian names, as the register writes them
    text: str
    status: str
    reviewed_by: str


@dataclass
class EventRecord:
    """A step of the story's workflow history."""

    action: str
    by: str  # a username
    at: datetime
    comment: str


@dataclass
class CorrectionRecord:
    at: datetime
    text: str
    kind: str


@dataclass
class Record:
    number: int
    legacy_id: str
    language: str
    translation_of: str
    headline: str
    lead: str
    body: str
    slug: str
    status: str
    published_at: datetime | None
    source: str
    region: Name | None
    tags: list[Name]
    authors: list[Name]
    photo: PhotoRecord | None
    corrections: list[CorrectionRecord]
    key: uuid.UUID | None = None  # the story's identity across installations
    story_number: int | None = None  # its number in the site's addresses
    translation_of_key: uuid.UUID | None = None
    photos: list[PhotoRecord] = field(default_factory=list)  # in the body
    mentions: list[MentionRecord] | None = None  # None: found afresh, undecided
    created_by: str = ""
    approved_by: str = ""
    approved_at: datetime | None = None
    text_changed_at: datetime | None = None
    updated_at: datetime | None = None  # last edited, as where it came from
    history: list[EventRecord] | None = None  # None: the import records its step


def parse_line(number: int, raw: bytes | str) -> Record:
    """Check one line of the file and return it as a Record, or raise BadLine."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:  # RecursionError: nested too deep
        raise BadLine(number, f"invalid JSON ({error})") from None
    if not isinstance(data, dict):
        raise BadLine(number, "a line must be a JSON object")
    # JSON carries a NUL only escaped, so most lines need no deeper look.
    escaped_nul = "\\u0000" in raw if isinstance(raw, str) else b"\\u0000" in raw
    if escaped_nul and _has_nul(data):
        # PostgreSQL cannot store it, SQLite would: refused alike on both.
        raise BadLine(number, "a NUL character (\\u0000) in a value")
    line = _Fields(number, data)

    language = line.required("language")
    if language not in LANGUAGES:
        raise BadLine(number, f"unknown language {language!r}")
    status = line.text("status") or Article.Status.PUBLISHED
    if status not in STATUSES:
        raise BadLine(number, f"unknown status {status!r}")
    published_at = line.date("published_at")
    # Without a time the model would stamp "now", and a second import would differ.
    if status == Article.Status.PUBLISHED and published_at is None:
        raise BadLine(number, "missing field 'published_at' (the article is published)")

    key = line.key("key")
    record = Record(
        number=number,
        legacy_id=line.text("id") if key else line.required("id"),
        language=language,
        translation_of=line.text("translation_of"),
        headline=line.required("headline"),
        lead=line.text("lead"),
        body=line.text("body"),
        slug=line.text("slug"),  # normalised in check_values
        status=status,
        published_at=published_at,
        source=line.text("source"),
        region=line.name(data.get("region"), "region"),
        tags=[tag for item in line.items("tags") if (tag := line.name(item, "tags"))],
        authors=[
            name
            for author in line.items("authors")
            if (name := line.name(author, "authors"))
        ],
        photo=_photo(line, line.data.get("photo"), language, status, "photo"),
        corrections=[_correction(line, item) for item in line.items("corrections")],
        key=key,
        story_number=line.positive("number"),
        translation_of_key=line.key("translation_of_key"),
        photos=[
            _photo(line, item, language, status, "photos")
            for item in line.items("photos")
        ],
        mentions=[_mention(line, item) for item in line.items("mentions")]
        if "mentions" in data
        else None,
        created_by=line.text("created_by"),
        approved_by=line.text("approved_by"),
        approved_at=line.date("approved_at"),
        text_changed_at=line.date("text_changed_at"),
        updated_at=line.date("updated_at"),
        history=[_event(line, item) for item in line.items("history")]
        if "history" in data
        else None,
    )
    if any(photo.key is None for photo in record.photos):
        raise BadLine(number, "missing field 'photos.key'")
    # Checked here so a too-long value is a clear bad line on every database
    # (SQLite would store it silently, PostgreSQL would fail mid-transaction).
    for key, value, limit in _limited_values(record):
        if len(value) > limit:
            raise BadLine(number, f"'{key}' is longer than {limit} characters")
    try:
        check_values(record)
    except ValidationError as error:
        raise BadLine.refused(number, error) from None
    return record


def check_values(record: Record) -> None:
    """The line's names, tags, photo texts and corrections, by the site's rules.

    The story's own fields are the model's to check (Article.check_values, which the
    import's draft runs); the slug is normalised here so that a second import of the
    same line compares equal to what was stored.
    """
    record.slug = normalised_slug(record.slug)
    checks = [
        (check_tag_name, form, "tags") for tag in record.tags for form in tag.forms()
    ]
    for name in record.authors:
        checks += [(check_plain_text, form, "authors") for form in name.forms()]
    if record.region:
        checks += [(check_plain_text, form, "region") for form in record.region.forms()]
    for photo in all_photos(record):
        checks += [
            *(
                (check_plain_text, text, "photo.caption")
                for text in photo.captions.values()
            ),
            *((check_plain_text, text, "photo.alt") for text in photo.alts.values()),
            (check_plain_text, photo.credit_text, "photo.credit.text"),
        ]
        if photo.photographer:
            checks += [
                (check_plain_text, form, "photo.credit.photographer")
                for form in photo.photographer.forms()
            ]
    for event in record.history or ():
        checks.append((check_text, event.comment, "history.comment"))
    for item in record.corrections:
        checks += [
            (check_publication_time, item.at, "corrections.at"),
            (check_text, item.text, "corrections.text"),
        ]
    check_fields(checks)


def _limited_values(record: Record):
    """Each value with a column length, as (field, value, limit)."""
    yield "id", record.legacy_id, 64
    yield "translation_of", record.translation_of, 64
    yield "headline", record.headline, 300
    yield "slug", record.slug, 100
    yield "source", record.source, 200
    for tag in record.tags:
        yield from (("tags", form, 100) for form in tag.forms())
    for name in record.authors:
        yield from (("authors", form, 200) for form in name.forms())
    if record.region:
        yield from (("region", form, 100) for form in record.region.forms())
    for photo in all_photos(record):
        yield from (("photo.alt", text, 300) for text in photo.alts.values())
        yield "photo.credit.text", photo.credit_text, 200
        if photo.photographer:
            for form in photo.photographer.forms():
                yield "photo.credit.photographer", form, 200
    for mention in record.mentions or ():
        yield "mentions.text", mention.text, 200
        yield "mentions.reviewed_by", mention.reviewed_by, 150
    for event in record.history or ():
        yield "history.by", event.by, 150
    yield "created_by", record.created_by, 150
    yield "approved_by", record.approved_by, 150


def all_photos(record: Record) -> list[PhotoRecord]:
    """The lead photo and the body's."""
    return ([record.photo] if record.photo else []) + record.photos


def _has_nul(value) -> bool:
    # A loop, not recursion: a hostile line may nest thousands of lists deep.
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
    return False


def _photo(
    line: "_Fields", data, language: str, status: str, key: str
) -> PhotoRecord | None:
    if not data:
        return None
    if not isinstance(data, dict):
        raise BadLine(line.number, f"'{key}' must be an object")
    photo = _Fields(line.number, data, prefix=f"{key}.")
    credit = data.get("credit") or {}
    if not isinstance(credit, dict):
        raise BadLine(line.number, "'photo.credit' must be an object")
    form = credit.get("form") or ""
    if form and form not in Photo.Credit.values:
        raise BadLine(line.number, f"unknown credit form {form!r}")
    photographer = line.name(credit.get("photographer"), "photo.credit.photographer")
    text = str(credit.get("text") or "").strip()
    # The same test the publication rule applies: a form with what it needs.
    complete = (
        form
        and {
            Photo.Credit.PHOTO_BY_FOR_AGENCY: photographer,
            Photo.Credit.PHOTO_AGENCY: text,
            Photo.Credit.VIDEO_SCREENSHOT_BY: photographer or text,
            Photo.Credit.FREE_TEXT: text,
        }[form]
    )
    if not complete and status == Article.Status.PUBLISHED:
        raise BadLine(line.number, "published photo without a credit")
    # `caption` and `alt` are the line's language's; caption_ru, alt_en... say whose.
    captions, alts = {language: photo.text("caption")}, {language: photo.text("alt")}
    for code in LANGUAGES:
        if f"caption_{code}" in data:
            captions[code] = photo.text(f"caption_{code}")
        if f"alt_{code}" in data:
            alts[code] = photo.text(f"alt_{code}")
    return PhotoRecord(
        file=photo.required("file"),
        captions=captions,
        alts=alts,
        credit_form=form,
        photographer=photographer,
        credit_text=text,
        key=photo.key("key"),
        focal=photo.focal("focal"),
    )


def _mention(line: "_Fields", data) -> MentionRecord:
    if not isinstance(data, dict):
        raise BadLine(line.number, "each mention must be an object")
    item = _Fields(line.number, data, prefix="mentions.")
    status = item.text("status") or Mention.Status.DETECTED
    if status not in Mention.Status.values:
        raise BadLine(line.number, f"unknown mention status {status!r}")
    return MentionRecord(
        entity=item.required("entity"),
        text=item.text("text"),
        status=status,
        reviewed_by=item.text("reviewed_by"),
    )


def _event(line: "_Fields", data) -> EventRecord:
    if not isinstance(data, dict):
        raise BadLine(line.number, "each history step must be an object")
    item = _Fields(line.number, data, prefix="history.")
    action = item.required("action")
    if action not in ArticleEvent.Action.values:
        raise BadLine(line.number, f"unknown history action {action!r}")
    at = item.date("at")
    if at is None:
        raise BadLine(line.number, "missing field 'history.at'")
    return EventRecord(
        action=action, by=item.required("by"), at=at, comment=item.text("comment")
    )


def _correction(line: "_Fields", data) -> CorrectionRecord:
    if not isinstance(data, dict):
        raise BadLine(line.number, "each correction must be an object")
    item = _Fields(line.number, data, prefix="corrections.")
    kind = item.text("kind") or Correction.Kind.UPDATE
    if kind not in Correction.Kind.values:
        raise BadLine(line.number, f"unknown correction kind {kind!r}")
    at = item.date("at")
    if at is None:
        raise BadLine(line.number, "missing field 'corrections.at'")
    return CorrectionRecord(at=at, text=item.required("text"), kind=kind)


class _Fields:
    """Typed access to a line's fields, each failure a BadLine naming the field."""

    def __init__(self, number: int, data: dict, prefix: str = ""):
        self.number, self.data, self.prefix = number, data, prefix

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise BadLine(self.number, f"'{self.prefix}{key}' must be a string")
        return str(value).strip() if key != "body" else str(value)

    def required(self, key: str) -> str:
        value = self.text(key)
        if not value:
            raise BadLine(self.number, f"missing field '{self.prefix}{key}'")
        return value

    def items(self, key: str) -> list:
        value = self.data.get(key) or []
        if not isinstance(value, list):
            raise BadLine(self.number, f"'{self.prefix}{key}' must be a list")
        return value

    def strings(self, key: str) -> list[str]:
        values = self.items(key)
        if not all(isinstance(value, str) for value in values):
            raise BadLine(
                self.number, f"'{self.prefix}{key}' must be a list of strings"
            )
        return [value.strip() for value in values if value.strip()]

    def focal(self, key: str) -> tuple[float, float] | None:
        """A photo's focal point: [across, down], fractions from 0 to 1."""
        value = self.data.get(key)
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(
                isinstance(part, (int, float))
                and not isinstance(part, bool)
                and 0 <= part <= 1
                for part in value
            )
        ):
            raise BadLine(
                self.number,
                f"'{self.prefix}{key}' must be [across, down], two numbers from 0 to 1",
            )
        return float(value[0]), float(value[1])

    def key(self, key: str) -> uuid.UUID | None:
        value = self.text(key)
        if not value:
            return None
        try:
            return uuid.UUID(value)
        except ValueError:
            raise BadLine(
                self.number, f"'{self.prefix}{key}' is not a key: {value!r}"
            ) from None

    def positive(self, key: str) -> int | None:
        value = self.data.get(key)
        if value in (None, ""):
            return None
        # A story's number is a 32-bit id on PostgreSQL.
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 1 <= value < 2**31
        ):
            raise BadLine(
                self.number, f"'{self.prefix}{key}' must be a positive whole number"
            )
        return value

    def date(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value in (None, ""):
            return None
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise BadLine(
                self.number, f"bad date in '{self.prefix}{key}': {value!r}"
            ) from None
        # A time without an offset is read in the newsroom's time zone.
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def name(self, value, key: str) -> Name | None:
        """A name string, or {"name", "name_ru", "name_en", "aliases"}."""
        if value in (None, ""):
            return None
        if isinstance(value, str):
            # Blank means none: an empty name would match every region.
            return Name(" ".join(value.split())) if value.strip() else None
        if not isinstance(value, dict):
            raise BadLine(self.number, f"'{key}' must be a name or an object")
        forms = {
            form: " ".join(str(value.get(form) or "").split())
            for form in ("name", "name_ru", "name_en")
        }
        aliases = value.get("aliases") or []
        if not isinstance(aliases, list):
            raise BadLine(self.number, f"'{key}.aliases' must be a list")
        name = forms["name"] or forms["name_en"] or forms["name_ru"]
        if not name:
            raise BadLine(self.number, f"missing field '{key}.name'")
        return Name(
            name,
            forms["name_ru"],
            forms["name_en"],
            [" ".join(str(alias).split()) for alias in aliases if alias],
            slug=str(value.get("slug") or "").strip(),
            name_ru_genitive=" ".join(str(value.get("name_ru_genitive") or "").split()),
        )
