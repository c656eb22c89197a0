"""Building the mirror: the whole public site the first time, then what changed.

A run lists the site's pages as they are now (site.py) and compares with what the
mirror's state file remembers (state.py):

- every page of the site the mirror lacks is rendered (a new story, its print
  view, a new day, a list's new page); every page the site no longer has is
  removed (a withdrawn story's, a day left empty);
- the published stories are compared one by one (time, last edit, address): each
  that appeared, changed or went is a change on the page cache's terms
  (page_cache.story_change: its topic, its places on its language's timeline),
  and the pages whose remembered dependencies it touches are rendered again: the
  story's own and its translations', the lists and days and feeds that show it,
  the articles whose related stories it joins or leaves;
- what the page cache counts as touching everything is compared by digests: a
  change to the labels in force or the register renders the whole site again, as
  the live site does; so does a change to a tag, region or author the mirror has
  a page of, or to a photo it shows (the photos whose renditions it holds) or its
  photographer, each remembered by a digest, while a row no page shows (a new
  tag, a photo uploaded for tomorrow, a tag only drafts use) changes nothing;
- a published story's register mentions are its own: one confirmed or
  dismissed renders that story's pages again, as an edit would;
- the shared pieces (latest news, a month's calendar) are rendered once per run
  and written as scripts that put the current piece in every page
  (mirror/pieces.py); a page not otherwise touched keeps its own copy of them for
  readers without scripts, unless that copy links to a page that is gone, in which
  case it is rendered again;
- every file is compared by SHA-256 with what the mirror holds: an unchanged file
  is not written again.
"""

import contextlib
import fcntl
import hashlib
import json
import logging
import multiprocessing
import os
import re
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.http.request import validate_host
from django.template.loader import render_to_string
from django.utils import timezone, translation

from articles.models import Article, Region, Tag
from authors.models import Author
from disclaimers.models import DesignatedEntity, Mention
from disclaimers.rendering import labels_in_force
from mirror import pieces, search, state
from mirror.links import RENDITIONS, Found, Links, safe_name
from mirror.render import Renderer
from mirror.site import FEED, LANGUAGES, Page, Site, enumerate_site
from newsroom.page_cache import story_change
from photos.models import Photo, Photographer

logger = logging.getLogger(__name__)

# A new value makes the next run a full one (the mirror's own format changed).
FORMAT = "2"
# Rows whose names stand on many pages (newsroom/page_cache.py, articles/freshness.py):
# one that stood on the mirror's pages and changed renders them all again.
SHARED_ROWS = {
    "tag": Tag,
    "region": Region,
    "author": Author,
    "photographer": Photographer,
}
# A rendition's file name begins with its photo's id (photos.models).
RENDITION_OF = re.compile(r"^media/renditions/([0-9]+)-")
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")
SITEMAP_ENTRY = re.compile(r"\s*<sitemap>\s*<loc>([^<]*)</loc>.*?</sitemap>", re.S)
MAIN_END = "</main>"
# Pages per process below which one process renders them all (forking costs).
PARALLEL_FROM = 500


class MirrorError(Exception):
    """A bad input or a mirror that cannot be built: nothing was changed."""


@dataclass
class PageRecord:
    """What the state keeps of a rendered page."""

    url: str
    list_key: str
    number: int
    always: bool
    topics: set[str] = field(default_factory=set)
    windows: list[tuple] = field(default_factory=list)
    holes: dict[str, str] = field(default_factory=dict)


@dataclass
class Run:
    full: bool
    hashes: dict[str, str] = field(default_factory=dict)  # files written or kept
    removed: set[str] = field(default_factory=set)
    pages: dict[str, PageRecord] = field(default_factory=dict)
    fragments: dict[tuple[str, str], set[str]] = field(default_factory=dict)
    stories: dict[int, tuple] = field(default_factory=dict)
    stories_gone: set[int] = field(default_factory=set)
    meta: dict[str, str] = field(default_factory=dict)
    rendered: int = 0
    failed: int = 0  # pages the site could not render: their old files stay
    written: int = 0
    unchanged: int = 0
    # The mirror's size moves by these: a run after one publish must not stat a
    # quarter of a million files to report it.
    bytes_added: int = 0
    bytes_dropped: int = 0
    changed_stories: int = 0
    seconds: float = 0.0
    missing: set[str] = field(default_factory=set)  # files pages use, not found
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step

    def merge(self, other: "Run") -> None:
        """What a process rendering part of the pages did."""
        self.hashes.update(other.hashes)
        self.removed |= other.removed
        self.pages.update(other.pages)
        for fragment, links in other.fragments.items():
            self.fragments.setdefault(fragment, links)
        self.rendered += other.rendered
        self.failed += other.failed
        self.written += other.written
        self.unchanged += other.unchanged
        self.bytes_added += other.bytes_added
        self.bytes_dropped += other.bytes_dropped
        self.missing |= other.missing


_forked_builder = None

# Present while a run is under way (state.py's names start the same way).
UNFINISHED = ".mirror-run-unfinished"


def render_chunk(paths: list[str]) -> Run:
    """In a forked process: render `paths` with the builder of the parent."""
    builder = _forked_builder
    builder.run = Run(full=builder.run.full)
    for path in paths:
        builder.render_page(builder.site.pages[path])
    connections.close_all()
    return builder.run


@dataclass
class Report:
    directory: Path
    run: Run
    files: int
    bytes: int
    warc: Path | None = None

    def figures(self) -> dict:
        return {
            "full": self.run.full,
            "changed_stories": self.run.changed_stories,
            "rendered": self.run.rendered,
            "failed": self.run.failed,
            "written": self.run.written,
            "unchanged": self.run.unchanged,
            "removed": len(self.run.removed),
            "files": self.files,
            "bytes": self.bytes,
            "seconds": round(self.run.seconds, 2),
        }

    def __str__(self):
        figures = self.figures()
        kind = "full" if figures.pop("full") else "incremental"
        return f"{kind} run: " + ", ".join(
            f"{name.replace('_', ' ')} {value}" for name, value in figures.items()
        )


# --- Inputs ---------------------------------------------------------------------


def base_url() -> str:
    url = settings.MIRROR_BASE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise MirrorError(
            "Set MIRROR_BASE_URL to the address the mirror is published at "
            f"(an http:// or https:// URL); it is {url!r}."
        )
    return url if url.endswith("/") else url + "/"


def origin() -> str:
    """Where pages are rendered: the site's own address, which it answers to."""
    parts = urlsplit(settings.SITE_URL)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    if not validate_host(parts.hostname or "", allowed):
        raise MirrorError(
            f"SITE_URL ({settings.SITE_URL}) is not among ALLOWED_HOSTS: the mirror "
            "renders the pages at the site's own address."
        )
    return f"{parts.scheme}://{parts.netloc}"


def check_directory(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise MirrorError(f"{directory} is a file, not a folder.")
    if (
        directory.is_dir()
        and not (directory / state.NAME).exists()
        and any(directory.iterdir())
    ):
        raise MirrorError(
            f"{directory} is not empty and holds no mirror: choose an empty folder "
            "(or the folder of an earlier build_mirror)."
        )


def check_language(language: str | None) -> None:
    if language is not None and language not in LANGUAGES:
        raise MirrorError(
            f"Unknown language {language!r}: choose one of {', '.join(LANGUAGES)}."
        )


def check_languages(language: str | None, directory: Path) -> list[str]:
    """The languages to build: those the folder's mirror holds, under the lock."""
    held = None
    if (directory / state.NAME).exists():
        kept = state.State(directory)
        held = kept.meta("languages")
        kept.close()
    if held and language and held != language:
        raise MirrorError(
            f"{directory} holds a mirror in {held}: build {language} in another folder."
        )
    if held:
        return held.split(",")
    return [language] if language else list(LANGUAGES)


def parse_since(value: str) -> datetime:
    """An ISO 8601 date or time; without a zone, in the site's time (Moscow)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise MirrorError(
            f"--since {value!r} is not a date or time (2026-12-01 or 2026-12-01T09:30)."
        ) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@contextmanager
def locked(directory: Path, wait: bool):
    """One build at a time in a folder: the worker waits its turn, a person's
    build_mirror is told another is running."""
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / state.LOCK_NAME, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise MirrorError(f"Another build of {directory} is running.") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# --- The build ------------------------------------------------------------------


def build_mirror(
    directory,
    *,
    language: str | None = None,
    since: datetime | None = None,
    full: bool = False,
    warc: Path | None = None,
    wait: bool = False,
    jobs: int | None = None,
) -> Report:
    """Build or bring up to date the mirror in `directory` (see the module's text)."""
    directory = Path(directory).absolute()
    jobs = jobs or os.cpu_count() or 1
    mirror_url = base_url()
    site_origin = origin()
    check_directory(directory)
    check_language(language)
    if warc is not None:
        warc = Path(warc).absolute()
        if warc.is_dir() or not warc.parent.is_dir():
            raise MirrorError(f"Cannot write the WARC file {warc}.")
        if warc.is_relative_to(directory):
            raise MirrorError("The WARC file must be written outside the mirror.")
    # Everything under the lock, the WARC included: a refresh by the worker
    # meanwhile would change the files under it.
    with locked(directory, wait):
        started = time.monotonic()
        languages = check_languages(language, directory)
        unfinished = directory / UNFINISHED
        # A run that stopped halfway (killed, a crash) left files its state does
        # not know: this run starts over and sweeps away whatever it did not write.
        sweep = unfinished.exists()
        unfinished.touch()
        kept = state.State(directory)
        try:
            with translation.override(settings.LANGUAGE_CODE):
                builder = Builder(
                    directory, kept, languages, mirror_url, site_origin, jobs
                )
                run = builder.build(full=full or sweep, since=since)
                if sweep:
                    builder.sweep()
            saving = time.monotonic()
            size = mirror_size(directory, run, kept)
            run.meta["bytes"] = str(size)
            kept.save(run)
            files = kept.file_count()
        finally:
            kept.close()
        unfinished.unlink()
        run.timings["saving"] = time.monotonic() - saving
        run.seconds = time.monotonic() - started  # the whole run, its state saved
        report = Report(directory, run, files, size)
        if warc is not None:
            from mirror.warc import write_warc

            write_warc(directory, sorted(state_files(directory)), mirror_url, warc)
            report.warc = warc
    return report


def mirror_size(directory: Path, run: Run, kept: state.State) -> int:
    """The bytes the mirror's files take: counted file by file after a full run
    (or the first run that kept no count), else moved by what the run wrote and
    removed."""
    before = kept.meta("bytes")
    if run.full or before is None:
        held = run.hashes if run.full else kept.file_hashes().keys() | run.hashes
        return sum(
            (directory / path).stat().st_size
            for path in held
            if path not in run.removed and (directory / path).exists()
        )
    return int(before) + run.bytes_added - run.bytes_dropped


def state_files(directory: Path) -> dict[str, str]:
    kept = state.State(directory)
    try:
        return kept.file_hashes()
    finally:
        kept.close()


class Builder:
    def __init__(self, directory, kept, languages, mirror_url, site_origin, jobs=1):
        self.jobs = jobs
        self.directory = directory
        self.kept = kept
        self.languages = languages
        self.mirror_url = mirror_url
        self.site_origin = site_origin

    def build(self, *, full: bool, since: datetime | None) -> Run:
        started = time.monotonic()
        site = enumerate_site(self.languages)
        self.site = site
        self.links = Links(
            site,
            self.site_origin,
            self.mirror_url,
            settings.STATIC_URL,
            [settings.MEDIA_URL, media_base_url()],
        )
        self.renderer = Renderer(self.site_origin)
        self.old_hashes = self.kept.file_hashes()
        signature = json.dumps(
            [FORMAT, self.mirror_url, self.site_origin, ",".join(self.languages)]
        )
        fingerprint = shared_fingerprint(self.languages)
        mentions = mention_digests(self.languages)
        month = f"{timezone.localdate():%Y-%m}"
        old_pages = self.kept.pages()
        self.old_stories = old_stories = self.kept.stories()
        shown_photos = json.loads(self.kept.meta("photos") or "{}")
        shown_rows = json.loads(self.kept.meta("rows") or "{}")
        old_mentions = json.loads(self.kept.meta("mentions") or "{}")
        full = (
            full
            or self.kept.meta("signature") != signature
            or self.kept.meta("fingerprint") != fingerprint
            or row_digests(shown_rows) != shown_rows
            or photo_digests(shown_photos) != shown_photos
        )
        run = self.run = Run(full=full)
        run.meta = {
            "signature": signature,
            "fingerprint": fingerprint,
            "mentions": json.dumps(mentions, sort_keys=True),
            "month": month,
            "languages": ",".join(self.languages),
            "base_url": self.mirror_url,
            "last_run": timezone.now().isoformat(),
        }

        changed = {
            pk
            for pk in old_stories.keys() | site.stories.keys()
            if old_stories.get(pk, (None,))[0] != site.stories.get(pk)
        }
        changed |= {
            int(pk)
            for pk in old_mentions.keys() | mentions.keys()
            if old_mentions.get(pk) != mentions.get(pk)
        }
        if since is not None:
            changed |= {
                story.pk
                for story in site.stories.values()
                if max(story.updated_at, story.published_at) >= since.timestamp()
            }
        run.changed_stories = len(changed)
        removed = set(old_pages) - set(site.pages)
        if full:
            to_render = set(site.pages)
        else:
            to_render = self.touched(changed, old_stories, old_pages) & set(site.pages)
            to_render |= set(site.pages) - set(old_pages)
            to_render |= list_neighbours(old_pages, site)
            # Shared pieces link pages, never a list's numbered page (?before=).
            gone = {
                unquote(url)
                for path in removed
                if "?" not in (url := self.kept_url(path))
            }
            to_render |= self.kept.linking(gone) & set(site.pages)
            # A new month: the lists, the search and this year's page show its
            # calendar now, not the one before (nor does the old one end there).
            last_month = self.kept.meta("month")
            if last_month and last_month != month:
                to_render |= self.kept.holding(
                    {f"calendar:{language}:{last_month}" for language in self.languages}
                ) & set(site.pages)

        run.timings["listing"] = time.monotonic() - started
        self.render_all(sorted(to_render))
        run.timings["pages"] = time.monotonic() - started - run.timings["listing"]
        written = time.monotonic()
        self.write_pieces(self.pieces_to_write(changed))
        run.timings["pieces"] = time.monotonic() - written
        searched = time.monotonic()
        for language in self.languages:
            self.update_search(language, changed, old_stories)
        run.timings["search"] = time.monotonic() - searched
        run.stories_gone = set(old_stories) - set(site.stories)

        # What this run no longer holds: pages gone and, after a full run, any
        # file it did not write (an old asset, an index shard no story needs).
        run.removed |= removed
        if full:
            run.removed |= set(self.old_hashes) - set(run.hashes)
        for path in run.removed:
            self.remove(path)
        held = set(run.hashes) if full else set(self.old_hashes) | set(run.hashes)
        photos = photo_digests(
            {
                found[1]
                for path in held - run.removed
                if (found := RENDITION_OF.match(path))
            }
        )
        run.meta["photos"] = json.dumps(photos, sort_keys=True)
        run.meta["rows"] = json.dumps(
            row_digests(rows_shown(site, photos)), sort_keys=True
        )
        if run.missing:
            logger.warning(
                "mirror: %d files the pages use were not found, such as %s",
                len(run.missing),
                ", ".join(sorted(run.missing)[:3]),
            )
        return run

    def sweep(self) -> None:
        """Delete every file in the mirror this run did not write or keep (but the
        state's own): what a run that stopped halfway left behind."""
        for found in sorted(self.directory.rglob("*"), reverse=True):
            name = found.relative_to(self.directory).as_posix()
            if found.is_dir():
                with contextlib.suppress(OSError):
                    found.rmdir()  # left empty
            elif name not in self.run.hashes and not name.startswith(".mirror-"):
                found.unlink()

    def kept_url(self, path: str) -> str:
        row = self.kept.db.execute("SELECT url FROM pages WHERE path = ?", [path])
        found = row.fetchone()
        return found[0] if found else ""

    def versions(self, pk: int) -> list:
        """A story as the last run had it and as it is now (either may be missing)."""
        before = self.old_stories.get(pk, (None,))[0]
        return [story for story in (before, self.site.stories.get(pk)) if story]

    def pieces_to_write(self, changed: set[int]) -> set[str]:
        """The shared pieces the pages rendered in this run hold and, after an
        incremental run, those of the mirror's the changed stories may change."""
        names = {name for name, _digest in self.run.fragments}
        if not self.run.full:
            stories = [story for pk in changed for story in self.versions(pk)]
            names |= (
                pieces.changed_by(stories, self.languages) & self.kept.piece_names()
            )
        return names

    def touched(
        self, changed: set[int], old_stories: dict, old_pages: dict
    ) -> set[str]:
        """The pages the changed stories' changes touch, on the page cache's terms,
        narrowed for the lists and their feeds to those the stories were or are on
        (a list's window is its language's timeline: a publish would touch every
        tag's first page)."""
        topics, moments, lists = set(), set(), set()
        for pk in changed:
            for story in self.versions(pk):
                moment = datetime.fromtimestamp(story.published_at, tz=UTC)
                change = story_change(story.topic, story.language, moment)
                topics |= change.topics
                moments |= change.moments
                lists |= set(story.lists)
        return {
            path
            for path in self.kept.touched(topics, moments)
            if old_pages.get(path, ("",))[0] in lists | {""}
        }

    def render_all(self, paths: list[str]) -> None:
        """The pages at `paths`, in `jobs` processes when there are many (a full
        run on PostgreSQL): rendering is the site's own Python, one core each."""
        jobs = min(self.jobs, len(paths) // PARALLEL_FROM)
        if jobs <= 1 or connection.vendor != "postgresql":
            for path in paths:
                self.render_page(self.site.pages[path])
            return
        global _forked_builder
        _forked_builder = self
        connections.close_all()  # each process opens its own
        chunks = [paths[start :: jobs * 8] for start in range(jobs * 8)]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            for part in pool.imap_unordered(render_chunk, chunks):
                self.run.merge(part)

    # --- Files ---------------------------------------------------------------------

    def inside(self, path: str) -> Path:
        """The file at `path` in the mirror; refused if it would lie outside."""
        target = (self.directory / path).resolve()
        if not target.is_relative_to(self.directory.resolve()):
            raise MirrorError(f"{path} would lie outside the mirror.")
        return target

    def write(self, path: str, data: bytes) -> None:
        target = self.inside(path)
        digest = hashlib.sha256(data).hexdigest()
        self.run.hashes[path] = digest
        if self.old_hashes.get(path) == digest and target.exists():
            self.run.unchanged += 1
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_bytes(data)
        self.run.bytes_dropped += file_size(target)
        os.replace(temporary, target)
        self.run.written += 1
        self.run.bytes_added += len(data)

    def read(self, path: str) -> bytes | None:
        try:
            return (self.directory / path).read_bytes()
        except FileNotFoundError:
            return None

    def remove(self, path: str) -> None:
        try:
            target = self.inside(path)
        except MirrorError:
            return
        self.run.bytes_dropped += file_size(target)
        target.unlink(missing_ok=True)
        # Folders left empty go too (a withdrawn story's).
        folder = target.parent
        while folder != self.directory.resolve():
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent

    # --- Pages ---------------------------------------------------------------------

    def render_page(self, page: Page) -> None:
        try:
            rendered = self.renderer.render(page.url)
        except Exception:
            # One page the site cannot render (a 5xx, a bad row) must not stop
            # the run, or withdrawals would never reach the mirror: its last good
            # file stays (a full run, or a change touching it, tries it again).
            logger.exception("mirror: %s could not be rendered", page.url)
            self.run.failed += 1
            if page.file in self.old_hashes:
                self.run.hashes[page.file] = self.old_hashes[page.file]
            return
        self.run.rendered += 1
        if rendered.status != 200:
            # Gone since it was listed, or never the reader's (a redirect): the
            # mirror holds no file for it.
            logger.warning("mirror: %s answered %s", page.url, rendered.status)
            self.run.removed.add(page.file)
            return
        found = Found()
        if rendered.content_type.startswith("text/html"):
            text = rendered.text
            if page.kind == "search":
                text = self.with_static_search(text)
            # The site's "/" picks a language by the browser; the mirror's is the
            # first language's home page.
            files = [page.file]
            if page.url == f"/{self.languages[0]}/":
                files.append("index.html")
            for file in files:
                linked = self.links.html(text, unquote(page.url), file, found)
                self.write(file, pieces.with_scripts(linked, file).encode())
        else:
            text = self.links.absolutes(rendered.text, found)
            if page.file == "sitemap.xml":
                text = SITEMAP_ENTRY.sub(self.held_entry, text)
            self.write(page.file, text.encode())
        self.copy_static(found.static)
        self.copy_media(found.media)
        self.keep(page, rendered)

    def held_entry(self, match) -> str:
        """A sitemap index entry, if the mirror holds its section (a one-language
        mirror holds only its own)."""
        return match[0] if match[1].startswith(self.mirror_url) else ""

    def keep(self, page: Page, rendered) -> None:
        dependencies = rendered.dependencies
        record = PageRecord(page.url, page.list_key, page.number, always=False)
        if isinstance(page.shows, tuple):
            record.windows = [page.shows]
        elif page.shows == "never":
            pass
        elif dependencies is None or not dependencies.declared:
            record.always = True
        else:
            record.topics = set(dependencies.topics)
            record.windows = list(dependencies.windows)
        record.holes = dict(rendered.holes)
        for name, digest in rendered.holes.items():
            if (name, digest) not in self.run.fragments:
                text = self.renderer.fragments[name].text
                self.run.fragments[(name, digest)] = self.links.internal_paths(text)
        self.run.pages[page.file] = record

    def write_pieces(self, names: set[str]) -> None:
        """The shared pieces' scripts (mirror/pieces.py)."""
        for name in sorted(names):
            path = pieces.file_of(name)
            try:
                text = self.renderer.fragment(name).text
            except Exception:
                # As a page's (render_page): the last good script stays.
                logger.exception("mirror: the piece %s could not be rendered", name)
                self.run.failed += 1
                if path in self.old_hashes:
                    self.run.hashes[path] = self.old_hashes[path]
                continue
            text = self.links.html(text, "/", path, Found())
            self.write(path, pieces.script(name, text).encode())

    def with_static_search(self, text: str) -> str:
        """The search page with the mirror's search in it: the form stays, the
        results come from the index, in the browser."""
        block = render_to_string("mirror/search.html")
        return text.replace(MAIN_END, block + MAIN_END, 1)

    # --- Files the pages use -------------------------------------------------------

    def copy_static(self, names: set[str]) -> None:
        waiting = [name for name in names if f"static/{name}" not in self.run.hashes]
        while waiting:
            name = waiting.pop()
            path = f"static/{name}"
            if path in self.run.hashes:
                continue
            data = static_file(name)
            if data is None:
                self.run.missing.add(path)
                continue
            self.write(path, data)
            if name.endswith(".css"):
                folder = os.path.dirname(name)
                for url in CSS_URL.findall(data.decode(errors="replace")):
                    if not url.startswith(("data:", "http:", "https:", "/", "#")):
                        waiting.append(
                            os.path.normpath(os.path.join(folder, url.split("?")[0]))
                        )

    def copy_media(self, names: set[str]) -> None:
        """Photos' renditions: a file's name never gets another content, so one
        the mirror holds is not read again."""
        for name in names:
            path = f"media/{name}"
            if not safe_name(name) or not name.startswith(RENDITIONS):
                # Only photos' renditions: the originals stay private (a body
                # may still link one by hand).
                continue
            if path in self.run.hashes:
                continue
            if path in self.old_hashes and (self.directory / path).exists():
                self.run.hashes[path] = self.old_hashes[path]
                continue
            try:
                with default_storage.open(name) as source:
                    self.write(path, source.read())
            except (OSError, SuspiciousFileOperation):
                self.run.missing.add(path)

    # --- Search --------------------------------------------------------------------

    def update_search(self, language: str, changed: set[int], old_stories) -> None:
        """The language's search index: the changed stories taken out and put back
        (all of it afresh on a full run)."""
        run = self.run
        mine = (
            set()
            if run.full
            else {
                pk
                for pk in changed
                if language in {story.language for story in self.versions(pk)}
            }
        )
        urls = {
            pk: self.site.files[unquote(story.url)]
            for pk, story in self.site.stories.items()
            if story.language == language
        }
        index = search.Index(language, self.read, self.write, urls, fresh=run.full)
        shards = index.update(
            mine,
            {pk: json.loads(old_stories[pk][1]) for pk in mine if pk in old_stories},
        )
        index.save()
        for pk, found in shards.items():
            run.stories[pk] = (self.site.stories[pk], found)


def static_file(name: str) -> bytes | None:
    """A static file as the site serves it (hashed names after collectstatic)."""
    if not safe_name(name):
        return None
    try:
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as source:
                return source.read()
    except (OSError, ValueError, SuspiciousFileOperation):
        pass
    found = finders.find(name)
    if found:
        return Path(found).read_bytes()
    return None


def media_base_url() -> str:
    """Where photos are served from: MEDIA_URL, or an object store's address."""
    url = default_storage.url("x")
    return url[:-1]


def file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def shared_fingerprint(languages: list[str]) -> str:
    """A digest of the labels in force and the register: any change to them
    touches every page."""
    digest = hashlib.sha256()
    for language in languages:
        for label in labels_in_force(language):
            digest.update(repr(field_values(label)).encode())
    names = [field.attname for field in DesignatedEntity._meta.concrete_fields]
    for row in DesignatedEntity.objects.order_by("pk").values_list(*names).iterator():
        digest.update(repr(row).encode())
    return digest.hexdigest()


def rows_shown(site: Site, photos) -> set[str]:
    """The tags, regions and authors the mirror's pages show ("tag:7": those with a
    list of their own), and the photographers of the photos they show."""
    shown = {
        key.rsplit(":", 1)[0]
        for key in site.lists
        if key.split(":", 1)[0] in SHARED_ROWS
    }
    photographers = Photo.objects.filter(
        pk__any_of=[int(pk) for pk in photos], photographer__isnull=False
    ).values_list("photographer_id", flat=True)
    return shown | {f"photographer:{pk}" for pk in photographers}


def row_digests(keys) -> dict[str, str]:
    """A digest of each row named by `keys` ("tag:7") that still exists."""
    wanted = {}
    for key in keys:
        kind, pk = key.split(":")
        wanted.setdefault(kind, []).append(int(pk))
    digests = {}
    for kind, pks in wanted.items():
        for pk, digest in digests_of(SHARED_ROWS[kind], pks).items():
            digests[f"{kind}:{pk}"] = digest
    return digests


def mention_digests(languages: list[str]) -> dict[str, str]:
    """A digest of the register mentions of each published story in `languages`,
    by the story's id."""
    names = [field.attname for field in Mention._meta.concrete_fields]
    story = names.index("article_id")
    live = Article.objects.published().filter(language__in=languages)
    rows = (
        Mention.objects.filter(article__in=live.values("pk"))
        .order_by("article_id", "pk")
        .values_list(*names)
    )
    by_story = {}
    for row in rows.iterator():
        by_story.setdefault(str(row[story]), []).append(row)
    return {pk: short_digest(found) for pk, found in by_story.items()}


def short_digest(value) -> str:
    """Enough of a SHA-256 to tell a changed row from the same one."""
    return hashlib.sha256(repr(value).encode()).hexdigest()[:16]


def digests_of(model, pks) -> dict[int, str]:
    """A digest of each of these rows of `model` that still exists, by id."""
    names = [field.attname for field in model._meta.concrete_fields]
    rows = model.objects.filter(pk__any_of=[int(pk) for pk in pks]).values_list(*names)
    return {row[0]: short_digest(row) for row in rows}


def photo_digests(pks) -> dict[str, str]:
    """A digest of each of these photos' rows (by id, as text): the mirror's pages
    show them, so a change to one renders every page again."""
    return {str(pk): digest for pk, digest in digests_of(Photo, pks).items()}


def field_values(instance) -> tuple:
    return tuple(
        getattr(instance, field.attname) for field in instance._meta.concrete_fields
    )


def list_neighbours(old_pages: dict, site: Site) -> set[str]:
    """A list whose numbered pages changed (one appeared, went or moved): the page
    below the lowest change, whose "Newer" link leads to it, and its first pages."""
    old_by_list, new_by_list = {}, {}
    for path, (key, number) in old_pages.items():
        if key and number != FEED:
            old_by_list.setdefault(key, {}).setdefault(number, set()).add(path)
    for path, page in site.pages.items():
        if page.list_key and page.number != FEED:
            new_by_list.setdefault(page.list_key, {}).setdefault(
                page.number, set()
            ).add(path)
    found = set()
    for key, new in new_by_list.items():
        old = old_by_list.get(key, {})
        moved = [
            number
            for number in old.keys() | new.keys()
            if number > 0 and old.get(number) != new.get(number)
        ]
        if moved:
            lowest = min(moved)
            found |= new.get(lowest - 1, set()) | new.get(0, set())
    return found
