"""A WordPress export (WXR) read as archive lines, for import_articles' importer.

Each post becomes one line of the archive's format (archive/jsonl.py), so it goes
through the same checks, workflow steps, report and dry run as a JSONL import:

- posts only (pages, menus and the rest are skipped); attachments give the photos;
- the post's id is its legacy id (old addresses keep working), its guid its key (a
  second import of the same export updates rather than duplicates);
- dates from `post_date_gmt`, else `post_date` read in the site's time zone;
- the author from the export's author list (Co-Authors Plus terms add more);
- categories and tags become tags, or regions, as the mapping file says;
- the featured image (`_thumbnail_id`) is the lead photo, its file found under
  `--media` (the export's uploads folder) by the path after `/uploads/`;
- the language and the translation groups of WPML (`_wpml_import_*` meta) or
  Polylang (`language` and `post_translations` terms), where present.

The XML is read as a stream (ElementTree's parser resolves no external entity), in
two passes: the first collects authors, attachments and translation groups, the
second yields the posts.
"""

import json
import re
import uuid
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

WP = "{http://wordpress.org/export/1.2/}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
EXCERPT = "{http://wordpress.org/export/1.2/excerpt/}encoded"
# Exports of WXR 1.0 and 1.1 name the same elements in their own namespaces.
OLDER_NAMESPACE = re.compile(r"^\{http://wordpress\.org/export/1\.[01]/(excerpt/)?\}")
CREATOR = "{http://purl.org/dc/elements/1.1/}creator"
STATUSES = {
    "publish": "published",
    "future": "published",  # scheduled: its time is in the future
    "draft": "draft",
    "pending": "submitted",
    "private": "draft",  # never public on WordPress either
}
NO_DATE = "0000-00-00 00:00:00"
# WordPress's own shortcodes (their brackets go, a caption's text stays); other
# bracketed text ("[sic]") is the author's.
SHORTCODE = re.compile(
    r"\[/?(?:caption|wp_caption|gallery|embed|audio|video|playlist)\b[^\]]*\]"
)
BLOCK_COMMENT = re.compile(r"<!-- /?wp:.*?-->", re.DOTALL)
BLOCK_TAG = re.compile(
    r"<(p|h[1-6]|ul|ol|blockquote|figure|table|div)\b", re.IGNORECASE
)


class WordPressError(Exception):
    """An export that cannot be read at all (not XML, not WXR)."""


@dataclass
class Mapping:
    """What the site's categories and tags become, by their slug (nicename).

    {"regions": {"dagestan": "Дагестан" or {"name_ru", "name_en"}},
     "tags": {"floods": "наводнения" or {...}}, "skip": ["uncategorized"],
     "photo_credit": {"form": "photo_agency", "text": "Agency archive"}}

    A category or tag not named stays a tag under its own name.
    """

    regions: dict = field(default_factory=dict)
    tags: dict = field(default_factory=dict)
    skip: set = field(default_factory=set)
    photo_credit: dict | None = None

    @classmethod
    def read(cls, path: Path | None) -> "Mapping":
        if path is None:
            return cls()
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise WordPressError(f"mapping file {path}: {error}") from None
        if not isinstance(data, dict):
            raise WordPressError(f"mapping file {path}: not a JSON object")
        return cls(
            regions={
                unquote(key): value
                for key, value in (data.get("regions") or {}).items()
            },
            tags={
                unquote(key): value for key, value in (data.get("tags") or {}).items()
            },
            skip={unquote(key) for key in data.get("skip") or []},
            photo_credit=data.get("photo_credit"),
        )


@dataclass
class Attachment:
    url: str
    caption: str
    alt: str


@dataclass
class Export:
    """What the first pass learns: the site, its authors, attachments, groups."""

    language: str  # the site's
    fallback: str = "ru"  # a post's language where it does not say
    authors: dict[str, str] = field(default_factory=dict)  # login: display name
    attachments: dict[str, Attachment] = field(default_factory=dict)  # by post id
    # Polylang's translation groups: post id -> {language: post id}.
    polylang: dict[str, dict[str, str]] = field(default_factory=dict)
    # WPML's: group -> {language: post id}, and each post's source language.
    wpml: dict[str, dict[str, str]] = field(default_factory=dict)


def read_wordpress(
    path: Path, *, mapping: Mapping, time_zone: str, language: str | None = None
) -> tuple[Iterator[tuple[int, str]], dict[int, str]]:
    """The export's posts as numbered archive lines (JSON), and each number's name
    in reports ("item 12 (post 345)"), filled as the lines are read."""
    export = first_pass(path, language)
    names: dict[int, str] = {}

    def lines() -> Iterator[tuple[int, str]]:
        for number, item in enumerate(items(path), 1):
            post_id = text(item, f"{WP}post_id")
            names[number] = f"item {number} (post {post_id or '?'})"
            if text(item, f"{WP}post_type") != "post":
                continue
            if text(item, f"{WP}status") not in STATUSES:
                continue  # in the bin, or a state no reader saw
            line = post_line(item, export, mapping, ZoneInfo(time_zone))
            yield number, json.dumps(line, ensure_ascii=False)

    return lines(), names


def items(path: Path) -> Iterator[ElementTree.Element]:
    """Each <item> of the export, whole, then dropped (memory stays flat)."""
    try:
        for _event, element in ElementTree.iterparse(path, events=("end",)):
            if element.tag == "item":
                yield current(element)
                element.clear()
    except ElementTree.ParseError as error:
        raise WordPressError(
            f"{path}: not a readable WordPress export ({error})"
        ) from None


def first_pass(path: Path, language: str | None) -> Export:
    """`language`: the posts' language where the export does not say; the site's
    own (<language>) still decides which of a Polylang group is the original."""
    site_language = None
    export = Export(language="ru")
    try:
        for _event, element in ElementTree.iterparse(path, events=("end",)):
            if element.tag == "language" and not site_language:
                site_language = (element.text or "ru")[:2].lower()
            elif current(element).tag == f"{WP}author":
                login = text(element, f"{WP}author_login")
                export.authors[login] = (
                    text(element, f"{WP}author_display_name") or login
                )
            elif element.tag == "item":
                learn_item(current(element), export)
                element.clear()
    except ElementTree.ParseError as error:
        raise WordPressError(
            f"{path}: not a readable WordPress export ({error})"
        ) from None
    export.language = site_language if site_language in ("ru", "en") else "ru"
    export.fallback = language or export.language
    return export


def learn_item(item: ElementTree.Element, export: Export) -> None:
    post_id = text(item, f"{WP}post_id")
    meta = post_meta(item)
    if text(item, f"{WP}post_type") == "attachment":
        export.attachments[post_id] = Attachment(
            url=text(item, f"{WP}attachment_url"),
            caption=text(item, EXCERPT),
            alt=meta.get("_wp_attachment_image_alt", ""),
        )
        return
    if group := meta.get("_wpml_import_translation_group"):
        language = meta.get("_wpml_import_language_code", "")
        export.wpml.setdefault(group, {})[language] = post_id
        if not meta.get("_wpml_import_source_language_code"):
            export.wpml[group]["original"] = post_id
    languages = terms(item, "language")
    for name in terms(item, "post_translations"):
        export.polylang.setdefault(name, {})[languages[0][:2] if languages else ""] = (
            post_id
        )


def post_line(
    item: ElementTree.Element, export: Export, mapping: Mapping, zone: ZoneInfo
) -> dict:
    """One post as a line of the archive's format."""
    post_id = text(item, f"{WP}post_id")
    meta = post_meta(item)
    language = post_language(item, meta, export)
    guid = text(item, "guid") or f"wordpress-post-{post_id}"
    line = {
        "key": str(uuid.uuid5(uuid.NAMESPACE_URL, guid)),
        "id": post_id,
        "language": language,
        "headline": text(item, "title"),
        "slug": unquote(text(item, f"{WP}post_name")),  # Cyrillic comes %-encoded
        "lead": text(item, EXCERPT),
        "body": paragraphs(text(item, CONTENT)),
        "status": STATUSES[text(item, f"{WP}status")],
        "published_at": post_time(item, zone),
        "authors": post_authors(item, export),
        "tags": [],
        "region": None,
    }
    if original := original_of(post_id, item, meta, export, language):
        line["translation_of"] = original
    for domain in ("category", "post_tag"):
        for term in item.findall("category"):
            if term.get("domain") != domain:
                continue
            # The mapping may name a Cyrillic slug as the export writes it
            # (%-encoded) or as it reads.
            slug, name = unquote(term.get("nicename", "")), (term.text or "").strip()
            if slug in mapping.skip:
                continue
            if slug in mapping.regions and line["region"] is None:
                line["region"] = mapping.regions[slug] or name
            elif slug not in mapping.regions:
                line["tags"].append(mapping.tags.get(slug) or name)
    if (thumbnail := meta.get("_thumbnail_id")) and (
        attachment := export.attachments.get(thumbnail)
    ):
        line["photo"] = {
            "key": str(uuid.uuid5(uuid.NAMESPACE_URL, attachment.url)),
            "file": uploads_path(attachment.url),
            "caption": attachment.caption,
            "alt": attachment.alt,
            "credit": mapping.photo_credit or {},
        }
    return line


def post_language(item, meta: dict, export: Export) -> str:
    for language in (
        meta.get("_wpml_import_language_code", ""),
        *terms(item, "language"),
    ):
        if language[:2] in ("ru", "en"):
            return language[:2]
    return export.fallback


def original_of(post_id: str, item, meta: dict, export: Export, language: str) -> str:
    """The legacy id (post id) of the post this one translates, or ""."""
    if group := export.wpml.get(meta.get("_wpml_import_translation_group", "")):
        if meta.get("_wpml_import_source_language_code"):
            source = meta["_wpml_import_source_language_code"]
            return group.get(source) or group.get("original", "")
        return ""
    for name in terms(item, "post_translations"):
        group = export.polylang.get(name, {})
        # Polylang has no source: the site's own language's version is the original.
        original = group.get(export.language, "")
        if original and original != post_id and language != export.language:
            return original
    return ""


def post_time(item, zone: ZoneInfo) -> str | None:
    gmt = text(item, f"{WP}post_date_gmt")
    if gmt and gmt != NO_DATE:
        return datetime.fromisoformat(gmt).replace(tzinfo=ZoneInfo("UTC")).isoformat()
    local = text(item, f"{WP}post_date")
    if local and local != NO_DATE:
        return datetime.fromisoformat(local).replace(tzinfo=zone).isoformat()
    return None


def post_authors(item, export: Export) -> list[str]:
    logins = [text(item, CREATOR)]
    # Co-Authors Plus: more bylines as "author" terms, "cap-<login>".
    for term in item.findall("category"):
        if term.get("domain") == "author":
            logins.append(term.get("nicename", "").removeprefix("cap-"))
    names = [export.authors.get(login, login) for login in logins if login]
    return list(dict.fromkeys(names))


def paragraphs(html: str) -> str:
    """The post's HTML as the site stores a body: WordPress keeps paragraphs as
    blank lines (wpautop adds the <p> on display), headings and lists as tags, and
    shortcodes in brackets."""
    html = SHORTCODE.sub("", BLOCK_COMMENT.sub("", html)).strip()
    return "".join(
        part if BLOCK_TAG.match(part) else f"<p>{part}</p>"
        for part in (part.strip() for part in re.split(r"\n\s*\n", html))
        if part
    )


def uploads_path(url: str) -> str:
    """An attachment's file, relative to the export's uploads folder."""
    _before, found, after = url.partition("/uploads/")
    return after if found else url.rsplit("/", 1)[-1]


def current(element: ElementTree.Element) -> ElementTree.Element:
    """The element with the names of WXR 1.0 and 1.1 read as 1.2's."""
    for each in element.iter():
        if OLDER_NAMESPACE.match(each.tag):
            older = OLDER_NAMESPACE.match(each.tag)
            each.tag = (EXCERPT[: -len("encoded")] if older[1] else WP) + each.tag[
                older.end() :
            ]
    return element


def post_meta(item) -> dict[str, str]:
    return {
        text(meta, f"{WP}meta_key"): text(meta, f"{WP}meta_value")
        for meta in item.findall(f"{WP}postmeta")
    }


def terms(item, domain: str) -> list[str]:
    return [
        term.get("nicename", "")
        for term in item.findall("category")
        if term.get("domain") == domain
    ]


def text(element, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""
