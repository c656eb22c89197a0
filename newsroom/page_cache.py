"""The full-page cache for anonymous readers: a change refreshes what it changed.

Every committed change of content is described by a Change: the stories it touches
("story:12", a story and its translations), the places on the timeline it touches (a
language and a publication moment, before and after the change), or everything (a
label, the register, a tag's or author's name, a photo a live story shows). The
apps above this one say how their changes read (add_change_describer); a change no
one describes touches everything. Changes are numbered in a log in the "shared"
cache (Redis, or files on the host) that every process reads, at most
CHECK_SECONDS apart.

While a page is rendered it says what it shows (depends_on): stories, and windows of
the timeline (a language's stories published between two moments: a list page, a day,
the stories "related" to an article). A page that says nothing depends on
everything. A kept page is served while no change since it was rendered touches
what it shows: a publish renders again the latest news, the calendar and the lists
the story joins, not another story's page.

Pieces many pages share (the latest news, a month's calendar) are holes in the pages,
filled from fragments kept on the same terms (add_hole), so a publish renders the
latest news once per process, not once per page.

Everything also changes at midnight (the calendar's "today", labels that start or end
on a date); when a scheduled story's time comes, what that story touches does.

Pages and fragments are kept in each process's own memory (the "default" cache): a
hit costs no round trip. Readers with a session (staff) always get fresh pages,
marked private. Pages carry an ETag, Last-Modified and Cache-Control, so browsers
revalidate with a 304 and a CDN in front may keep a page for
PAGE_CACHE_SHARED_SECONDS.
"""

import bisect
import contextvars
import functools
import hashlib
import logging
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_from_path

from newsroom.replica import public_read

logger = logging.getLogger(__name__)

SEQUENCE_KEY = "page-cache:sequence"
CHANGE_KEY = "page-cache:change:{}"
NATURAL_END_KEY = "page-cache:natural-end"
# Drawn when the shared log starts: a log numbered afresh (Redis restarted, the files
# removed) is told from the old one.
EPOCH_KEY = "page-cache:epoch"
STALE_IF_ERROR_SECONDS = 24 * 3600
# How often a process reads the shared log: another process's change is on its
# pages this long after, at most (the target is a second).
CHECK_SECONDS = 0.25
# Changes a process remembers; a page older than all of them is rendered again.
LOG_LENGTH = 2_000
# A change numbered but not yet written after this long is taken as everything.
MISSING_CHANGE_SECONDS = 2.0
# The apps whose rows appear on public pages.
CONTENT_APPS = {"articles", "authors", "photos", "disclaimers"}
HOLE = re.compile(r"<!--hole:([a-z0-9:_-]+)-->")


@dataclass(frozen=True)
class Change:
    """What one committed change touches."""

    topics: frozenset[str] = frozenset()
    # (language, POSIX time): where on the timeline stories were or are now shown.
    moments: frozenset[tuple[str, float]] = frozenset()
    everything: bool = False

    def __or__(self, other: "Change") -> "Change":
        return Change(
            self.topics | other.topics,
            self.moments | other.moments,
            self.everything or other.everything,
        )

    def __bool__(self):
        return bool(self.everything or self.topics or self.moments)


EVERYTHING = Change(everything=True)
NOTHING = Change()


def story_change(topic: str, language: str, *moments: datetime | None) -> Change:
    """A story's change: its topic, and its places on the timeline."""
    return Change(
        frozenset({topic}),
        frozenset((language, moment.timestamp()) for moment in moments if moment),
    )


@dataclass
class Dependencies:
    """What a page or fragment shows: nothing declared means everything."""

    topics: set[str] = field(default_factory=set)
    # (language, from, to): the language's stories published in [from, to]; None is
    # open (a first page shows whatever is published next).
    windows: list[tuple[str, float | None, float | None]] = field(default_factory=list)
    declared: bool = False
    holes: list[str] = field(default_factory=list)
    # The last change known when the page began (what it read may be that old).
    started: int | None = None

    def touched_by(self, change: Change) -> bool:
        if change.everything or not self.declared:
            return True
        if self.topics & change.topics:
            return True
        return any(
            language == window_language
            and (start is None or moment >= start)
            and (end is None or moment <= end)
            for language, moment in change.moments
            for window_language, start, end in self.windows
        )


_collecting: contextvars.ContextVar[Dependencies | None] = contextvars.ContextVar(
    "page_cache_dependencies", default=None
)


def depends_on(
    *,
    topics: Iterable[str] = (),
    language: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> None:
    """The page (or fragment) being rendered shows `topics` and, with `language`, the
    stories of that language published from `start` to `end` (None: open)."""
    dependencies = _collecting.get()
    if dependencies is None:
        return
    dependencies.declared = True
    dependencies.topics.update(topics)
    if language:
        dependencies.windows.append(
            (
                language,
                start.timestamp() if start else None,
                end.timestamp() if end else None,
            )
        )


# --- Describing changes -----------------------------------------------------------

# The apps above this one (articles/) say what a saved or deleted row touches: each
# describer returns a Change, NOTHING (nothing public), or None (not its model).
change_describers: list[Callable[..., Change | None]] = []
# Called before a row is saved, to read what it was (a story's old time).
before_save_hooks: list[Callable] = []


def add_change_describer(describe: Callable[..., Change | None]) -> None:
    if describe not in change_describers:
        change_describers.append(describe)


def add_before_save_hook(hook: Callable) -> None:
    if hook not in before_save_hooks:
        before_save_hooks.append(hook)


def describe(instance, **kwargs) -> Change:
    for describer in change_describers:
        change = describer(instance, **kwargs)
        if change is not None:
            return change
    return EVERYTHING


class _Batch:
    """The changes of one transaction, recorded as one change once it commits."""

    open: "_Batch | None" = None  # the batch of the transaction in progress

    def __init__(self, change: Change):
        self.change = change

    def __call__(self):
        if _Batch.open is self:
            _Batch.open = None
        record(self.change)

    def waiting(self) -> bool:
        """Still to run when the transaction commits (not rolled back, not run)."""
        connection = transaction.get_connection()
        return connection.in_atomic_block and any(
            hook is self for _savepoints, hook, _robust in connection.run_on_commit
        )


def changed(change: Change = EVERYTHING) -> None:
    """`change` was made: record it once its transaction commits (readers see it)."""
    if not change:
        return
    batch = _Batch.open
    if batch is not None and batch.waiting():
        batch.change |= change
        return
    _Batch.open = _Batch(change)
    transaction.on_commit(_Batch.open)


def content_changed(**kwargs) -> None:
    """Everything changed (an import, a restore)."""
    changed(EVERYTHING)


def record(change: Change) -> None:
    """Number `change` in the shared log, and have this process read it at once.

    With the shared cache unreachable the change is committed all the same: this
    process drops what it keeps, the others keep theirs PAGE_CACHE_SECONDS at most
    (the error is logged).
    """
    if not change:
        return
    try:
        if shared().add(SEQUENCE_KEY, 0, timeout=None):
            # The count starts again (its key was lost, the epoch's not): a new
            # epoch, so nothing numbered by the earlier count passes for this one's.
            shared().set(EPOCH_KEY, uuid.uuid4().hex, timeout=None)
        number = shared().incr(SEQUENCE_KEY)
        shared().set(CHANGE_KEY.format(number), change, timeout=3600)
        # A story scheduled or moved in time: when the site next changes by itself.
        shared().delete(NATURAL_END_KEY)
    except Exception:
        logger.exception("page cache: a change could not be written to the log")
        _Store.clear()
    _Log.checked_at = 0.0
    if settings.PAGE_CACHE_PURGE:
        from background.queue import enqueue_with
        from background.tasks import call_hook

        enqueue_with(call_hook, settings.PAGE_CACHE_PURGE)


def content_receiver(sender, instance=None, **kwargs) -> None:
    if sender._meta.app_label in CONTENT_APPS:
        changed(describe(instance, **kwargs))


def before_save_receiver(sender, instance=None, **kwargs) -> None:
    if sender._meta.app_label in CONTENT_APPS:
        for hook in before_save_hooks:
            hook(instance)


def connect_signals() -> None:
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_receiver, dispatch_uid="page_cache.content_changed")
    pre_save.connect(before_save_receiver, dispatch_uid="page_cache.before_save")


# --- Reading the log --------------------------------------------------------------


def shared():
    """The cache every process of the site reads: the log must be one."""
    return caches["shared"]


class _Log:
    """This process's reading of the shared log."""

    sequence = 0  # the last change read
    checked_at = 0.0  # time.monotonic() of the last read
    numbers: list[int] = []  # the changes remembered, in order
    changes: list[Change] = []
    floor = 0  # pages rendered before this change are all stale
    missing_since: float | None = None
    natural_end: float | None = None
    epoch: str | None = None  # the shared log's, as last read
    unreadable = False  # the shared cache did not answer at the last read
    lock = threading.RLock()  # for threaded servers (the development server)


def forget() -> None:
    """Read the log afresh (a new test, a new process)."""
    _Log.sequence, _Log.checked_at, _Log.floor = 0, 0.0, 0
    _Log.numbers, _Log.changes = [], []
    _Log.missing_since = _Log.natural_end = _Log.epoch = None
    _Log.unreadable = False
    _Batch.open = None
    _Store.clear()


def current() -> int:
    """The number of the last change this process knows of, reading the shared log
    when CHECK_SECONDS have passed since it last did."""
    natural_end_passed = (
        _Log.natural_end is not None and time.time() >= _Log.natural_end
    )
    if natural_end_passed or time.monotonic() - _Log.checked_at >= CHECK_SECONDS:
        with _Log.lock:
            _Log.checked_at = time.monotonic()
            try:
                _read_log()
                _end_naturally()
            except DatabaseError:
                raise  # the site's own trouble (a 503), not the log's
            except Exception:
                # Changes cannot be heard of: nothing kept is served, nothing new
                # kept (rendered "before" the floor), until the log answers again.
                logger.exception("page cache: the log of changes cannot be read")
                _Log.unreadable = True
                return -1
            _Log.unreadable = False
    return -1 if _Log.unreadable else _Log.sequence


def _read_log() -> None:
    found = shared().get_many([SEQUENCE_KEY, EPOCH_KEY])
    latest, epoch = found.get(SEQUENCE_KEY) or 0, found.get(EPOCH_KEY)
    if epoch is None:  # a new shared cache (or one emptied, restarted)
        shared().add(EPOCH_KEY, uuid.uuid4().hex, timeout=None)
        shared().add(SEQUENCE_KEY, 0, timeout=None)  # record() tells a lost one
        epoch = shared().get(EPOCH_KEY)
    if epoch != _Log.epoch or latest < _Log.sequence:
        if _Log.epoch is None:
            _recall(latest)
        else:
            # Numbered afresh: what this process read and kept means nothing now.
            _Store.clear()
            _apply(latest, EVERYTHING)
        _Log.epoch = epoch
        return
    if latest == _Log.sequence:
        return
    if latest - _Log.sequence > LOG_LENGTH:
        _apply(latest, EVERYTHING)
        return
    numbers = range(_Log.sequence + 1, latest + 1)
    found = shared().get_many([CHANGE_KEY.format(number) for number in numbers])
    for number in numbers:
        change = found.get(CHANGE_KEY.format(number))
        if change is None:
            # Numbered by another process that has not written it yet: wait for it
            # a little, then take it as everything.
            now = time.monotonic()
            _Log.missing_since = _Log.missing_since or now
            if now - _Log.missing_since < MISSING_CHANGE_SECONDS:
                return
            change = EVERYTHING
        _Log.missing_since = None
        _apply(number, change)


def _recall(latest: int) -> None:
    """A process's first reading: the changes still in the log are read back, so
    what other processes keep for all (_Shelf) is known fresh or stale here too.
    Whatever was kept before them is stale; a change no longer in the log (expired,
    or numbered and not yet written) counts as everything. Read before any state
    changes: should the reading fail, the next one starts again."""
    start = max(latest - LOG_LENGTH, 0)
    numbers = range(start + 1, latest + 1)
    found = shared().get_many([CHANGE_KEY.format(number) for number in numbers])
    _apply(start, EVERYTHING)
    for number in numbers:
        _apply(number, found.get(CHANGE_KEY.format(number), EVERYTHING))


def _apply(number: int, change: Change) -> None:
    _Log.sequence = number
    _Log.natural_end = None  # a story scheduled or moved: read it again
    if change.everything:
        _Log.floor = number
        _Log.numbers, _Log.changes = [], []
        return
    _Log.numbers.append(number)
    _Log.changes.append(change)
    if len(_Log.numbers) > LOG_LENGTH:
        _Log.floor = _Log.numbers[0]
        del _Log.numbers[0], _Log.changes[0]


def still_fresh(dependencies: Dependencies, rendered: int, checked: int) -> bool:
    """Whether nothing changed after change `checked` (or `rendered`, the one before
    it was rendered) touches `dependencies`."""
    if rendered < _Log.floor:
        return False
    start = bisect.bisect_right(_Log.numbers, max(rendered, checked))
    return not any(dependencies.touched_by(change) for change in _Log.changes[start:])


# --- When everything changes by itself --------------------------------------------

# The apps above this one (a scheduled story in articles/) say when their content
# next changes by itself: each registers a function returning that moment, or None.
next_change_sources: list[Callable[[], datetime | None]] = []


def add_next_change_source(source: Callable[[], datetime | None]) -> None:
    """Have `source` asked when the site next changes with no one saving anything."""
    if source not in next_change_sources:
        next_change_sources.append(source)


# ...and what changed when that moment came: each returns the Change of the stories
# that went live between two moments (datetimes).
went_live_sources: list[Callable[[datetime, datetime], Change]] = []


def add_went_live_source(source: Callable[[datetime, datetime], Change]) -> None:
    if source not in went_live_sources:
        went_live_sources.append(source)


def next_change(now: float) -> tuple[float, bool]:
    """When pages change with no one saving anything (a scheduled story, midnight),
    and whether it is midnight (then every page changes)."""
    moment = datetime.fromtimestamp(now, tz=timezone.get_current_timezone())
    midnight = timezone.make_aware(
        datetime.combine(moment.date() + timedelta(days=1), datetime.min.time())
    )
    scheduled = [moment for source in next_change_sources if (moment := source())]
    first = min([midnight, *scheduled])
    return first.timestamp(), first == midnight


def came_live(since: float, now: float) -> Change:
    """What changed by itself from `since` to `now`: the stories that went live."""
    if not went_live_sources:
        return EVERYTHING
    start, end = (datetime.fromtimestamp(moment, tz=UTC) for moment in (since, now))
    change = NOTHING
    for source in went_live_sources:
        change |= source(start - timedelta(seconds=1), end)
    return change


def _end_naturally() -> None:
    """Record an everything change once the moment read from the shared cache has
    come (one process records it), and learn when the next one comes."""
    now = time.time()
    if _Log.natural_end is not None and now < _Log.natural_end:
        return
    end, known_at, at_midnight = shared().get(NATURAL_END_KEY) or (None, 0, True)
    if end is not None and now >= end:
        if shared().add(f"{NATURAL_END_KEY}:{end}", True):
            # At midnight every page changes; at a scheduled story's time, what the
            # stories that went live since touch (their lists, days, translations).
            record(EVERYTHING if at_midnight else came_live(end, now))
            _read_log()
        end = None
    if end is not None and known_at < _Log.sequence:
        end = None  # worked out before a change that may have scheduled a story
    if end is None:
        known_at = _Log.sequence
        end, at_midnight = next_change(now)
        shared().set(NATURAL_END_KEY, (end, known_at, at_midnight), timeout=None)
    _Log.natural_end = end


# --- Holes: pieces many pages share -------------------------------------------------

# The apps above this one render each kind of hole: "latest:ru" is rendered by the
# renderer added for "latest", given "ru".
hole_renderers: dict[str, Callable[..., str]] = {}


def add_hole(kind: str, render: Callable[..., str]) -> None:
    hole_renderers[kind] = render


def hole(*name: str) -> SafeString:
    """A place in the page for the shared piece `name` (kind, then its arguments),
    filled when the page is served."""
    joined = ":".join(name)
    dependencies = _collecting.get()
    if dependencies is not None:
        dependencies.holes.append(joined)
    return mark_safe(f"<!--hole:{joined}-->")


@dataclass
class Kept:
    """A page or fragment as kept: what it shows and when it was rendered."""

    # A fragment's HTML; a page's body split at its holes (text, hole, text...); a
    # kept value.
    content: object
    dependencies: Dependencies
    rendered: int  # the last change known before rendering began
    at: float = 0.0  # time.time() of rendering: kept PAGE_CACHE_SECONDS from then
    size: int = 0
    # A page's status and headers, and its holes' fragments (their `at`) as filled.
    status: int = 200
    headers: dict = field(default_factory=dict)
    filled: tuple = ()
    modified: float = 0.0  # a page's Last-Modified: last filled anew
    checked: int = 0  # the last change it was found fresh at (saves reading the log)
    epoch: str | None = None  # of the log that numbered `rendered`
    # A page's body as last filled, and the change it was filled at: no change
    # since, no fragment changed either.
    body: bytes | None = None
    body_at: int = -1
    # The headers the middleware around the cache adds (the security policy, the
    # language), learned from the page's first answer, so that a hit answered
    # before that middleware runs (KeptPageMiddleware) carries them too.
    outer_headers: dict | None = None


class _Store:
    """Pages and fragments kept in this process's memory, the least recently used
    dropped beyond PAGE_CACHE_MEMORY_MB. Plain objects, never copied: a hit costs a
    dictionary lookup (Django's memory cache pickles, ~80 µs a page)."""

    kept: OrderedDict[str, Kept] = OrderedDict()
    size = 0
    # Production's workers serve one request at a time; the development server and
    # threaded workers serve several.
    lock = threading.Lock()

    @classmethod
    def get(cls, key: str) -> Kept | None:
        with cls.lock:
            kept = cls.kept.get(key)
            if kept is not None:
                if time.time() - kept.at > settings.PAGE_CACHE_SECONDS:
                    cls._drop(key)
                    return None
                cls.kept.move_to_end(key)
            return kept

    @classmethod
    def put(cls, key: str, kept: Kept) -> None:
        with cls.lock:
            cls._drop(key)
            cls.kept[key] = kept
            cls.size += kept.size
            while cls.size > settings.PAGE_CACHE_MEMORY_MB * 2**20 and cls.kept:
                cls._drop(next(iter(cls.kept)))

    @classmethod
    def _drop(cls, key: str) -> None:
        if (kept := cls.kept.pop(key, None)) is not None:
            cls.size -= kept.size

    @classmethod
    def clear(cls) -> None:
        with cls.lock:
            cls.kept.clear()
            cls.size = 0


class _Shelf:
    """What every process keeps for all (a story's part, the sidebar's pieces), in
    the "kept" cache (Redis, or files on the host), on the same terms as _Store:
    fresh while the shared log says no change since touches it (each process reads
    the log, _recall), and no longer than PAGE_CACHE_SECONDS. Keyed by the epoch of
    the log that numbered it and by the code's stamp: a log numbered afresh, or a
    new release, orphans the lot. Should the cache not answer, the value is made
    afresh."""

    @staticmethod
    def key(key: str, epoch: str | None) -> str:
        return f"{epoch}:{code_stamp()}:{key}"

    @classmethod
    def get_many(cls, keys: list[str]) -> dict[str, Kept]:
        names = {cls.key(key, _Log.epoch): key for key in keys}
        try:
            found = caches["kept"].get_many(list(names))
        except Exception:
            logger.exception("page cache: the kept values cannot be read")
            return {}
        return {names[name]: kept for name, kept in found.items()}

    @classmethod
    def put(cls, key: str, kept: Kept) -> None:
        timeout = settings.PAGE_CACHE_SECONDS
        try:
            caches["kept"].set(cls.key(key, kept.epoch), kept, timeout=timeout)
        except Exception:
            logger.exception("page cache: a kept value cannot be written")


@functools.cache
def code_stamp() -> str:
    """A digest of the site's own code and templates: what another release kept
    for all (its HTML, the shape of its objects) is not read by this one."""
    root = Path(settings.BASE_DIR).resolve()
    folders = [
        Path(config.path)
        for config in apps.get_app_configs()
        if Path(config.path).resolve().parent == root  # the site's apps, not Django's
    ]
    folders.append(Path(__file__).parent)  # the project's own package
    folders += [
        Path(folder) for engine in settings.TEMPLATES for folder in engine["DIRS"]
    ]
    digest = hashlib.blake2b(digest_size=8)
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _fresh(kept: Kept | None, number: int) -> bool:
    if kept is None or number < 0:  # number -1: the log cannot be read
        return False
    if kept.epoch != _Log.epoch or kept.rendered > _Log.sequence:
        # Numbered by another log, or after changes this process has not read.
        return False
    if not still_fresh(kept.dependencies, kept.rendered, kept.checked):
        return False
    kept.checked = number
    return True


def _kept(
    key: str, make: Callable, keep: bool, size: Callable = len, shared: bool = False
) -> Kept:
    """What `make()` returns, kept under `key` while nothing it depends on (what it
    declares) changes; made afresh when not `keep`. `shared`: kept for every process
    too (_Shelf), so each renders it once between them."""
    return _kept_many([key], lambda _key: make(), keep, size, shared)[0]


def _kept_many(
    keys: list[str],
    make: Callable[[str], object],
    keep: bool,
    size: Callable = len,
    shared: bool = False,
    prepare: Callable[[list[str]], None] | None = None,
) -> list[Kept]:
    """_kept for several values at once: those this process does not keep are
    asked of the shelf in one round trip, and `make(key)` makes the rest, after
    `prepare(keys)` was told which (to read what they need at once)."""
    number = current() if keep else 0
    epoch = _Log.epoch  # what `number` counts in (the log may be renumbered meanwhile)
    page = _collecting.get()
    if keep and page is not None and page.started is not None:
        # Made from what the page read before (a list's stories for their cards).
        number = min(number, page.started)
    found = {}
    if keep:
        found = {key: kept for key in keys if _fresh(kept := _Store.get(key), number)}
        missing = [key for key in keys if key not in found]
        if shared and missing and number >= 0:  # -1: the log cannot be read
            for key, kept in _Shelf.get_many(missing).items():
                if _fresh(kept, number):
                    _Store.put(key, kept)
                    found[key] = kept
    if prepare and (missing := [key for key in keys if key not in found]):
        prepare(missing)
    return [
        found[key]
        if key in found
        else _make(key, make, number, epoch, keep, size, shared)
        for key in keys
    ]


def _make(
    key: str,
    make: Callable[[str], object],
    number: int,
    epoch: str | None,
    keep: bool,
    size: Callable,
    shared: bool,
) -> Kept:
    dependencies = Dependencies()
    token = _collecting.set(dependencies)
    try:
        content = make(key)
    finally:
        _collecting.reset(token)
    kept = Kept(content, dependencies, number, time.time(), size(content), epoch=epoch)
    if keep:
        _Store.put(key, kept)
        if shared and number >= 0:
            _Shelf.put(key, kept)
    return kept


def fragment(name: str, keep: bool) -> Kept:
    """The fragment `name`, kept or rendered now (and kept, when `keep`): kept for
    every process, as the calendar of a month long past serves them all."""
    kind, *arguments = name.split(":")
    return _kept(
        f"fragment:{name}",
        lambda: hole_renderers[kind](*arguments).encode(),
        keep,
        shared=True,
    )


def kept_value(
    name: str, make: Callable, size: int | Callable = 1_000, shared: bool = False
):
    """A value pages read (the labels in force, a story's part of its page), kept
    like a fragment while the page cache is on; `make` declares what it depends on
    (depends_on). `size`: its bytes, or how to count them. `shared`: kept for every
    process as well (worth a round trip to the "kept" cache: a story's part)."""
    return kept_values([name], lambda _name: make(), size, shared)[0]


def kept_values(
    names: list[str],
    make: Callable[[str], object],
    size: int | Callable = 1_000,
    shared: bool = False,
    prepare: Callable[[list[str]], None] | None = None,
) -> list:
    """kept_value of each of `names` (a list's cards), `make(name)` making those not
    kept, after `prepare(names)` was told which; those kept for every process are
    read in one round trip."""
    keep = settings.PAGE_CACHE_SECONDS > 0 and not _copying.get()
    measure = size if callable(size) else lambda _value: size

    def unprefixed(key: str) -> str:
        return key.removeprefix("value:")

    kept = _kept_many(
        [f"value:{name}" for name in names],
        lambda key: make(unprefixed(key)),
        keep,
        measure,
        shared,
        prepare and (lambda keys: prepare([unprefixed(key) for key in keys])),
    )
    return [value.content for value in kept]


def fill_holes(parts: list, keep: bool) -> tuple[bytes, tuple]:
    """The page from its `parts` (text, hole name, text, ...), and the fragments'
    times."""
    fragments = [fragment(name, keep) for name in parts[1::2]]
    pieces = [
        fragments[index // 2].content if index % 2 else part
        for index, part in enumerate(parts)
    ]
    return b"".join(pieces), tuple(kept.at for kept in fragments)


# --- Copies of the site --------------------------------------------------------------

_copying: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "page_cache_copying", default=False
)


@contextmanager
def copying():
    """Pages rendered inside are for a copy of the site (the mirror, mirror/): made
    afresh from the database (nothing kept is read, nothing is kept), their holes
    left in them for the copier to fill once per copy, and what each shows handed
    back on the response as `page_dependencies`, so the copier knows what a later
    change makes stale, as the cache does; `copyable` says whether the cache
    would keep it (public, anonymous, no cookie set)."""
    token = _copying.set(True)
    try:
        yield
    finally:
        _copying.reset(token)


# --- The middleware -----------------------------------------------------------------


def page_key(request, language: str) -> str:
    """The key of the page `request` asks for, in `language`: the address counts
    with its host and query string."""
    return f"page:{language}:{request.build_absolute_uri()}"


def cacheable_request(request) -> bool:
    """Whether `request` may be answered with a kept page: an anonymous reader's GET
    of a public page, the page cache on."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # A partner's keyed request is answered for that partner alone.
        and not ({"HTTP_AUTHORIZATION", "HTTP_X_API_KEY"} & request.META.keys())
        and not in_admin(request)
    )


@functools.cache
def _admin_prefix() -> str:
    return reverse("admin:index")


def in_admin(request) -> bool:
    return request.path.startswith(_admin_prefix())


def answer(kept: Kept, number: int, verdict: str, outer: bool = False) -> HttpResponse:
    """A response of the kept page, its holes filled again if a fragment changed
    since (a publish: the latest news); `outer`: with the headers the middleware
    around the cache adds."""
    parts = kept.content
    if len(parts) == 1:
        body = parts[0]
    elif kept.body is not None and kept.body_at == number:
        body = kept.body
    else:
        body, filled = fill_holes(parts, keep=True)
        kept.body, kept.body_at = body, number
        if filled != kept.filled:
            kept.filled, kept.modified = filled, time.time()
            kept.headers.pop("ETag", None)
    headers = kept.headers
    if outer:
        headers = {**headers, **kept.outer_headers}
    response = HttpResponse(body, status=kept.status, headers=headers)
    if "ETag" not in kept.headers:
        stamp(response, kept.modified or kept.at)
        for name in ("ETag", "Last-Modified", "Cache-Control"):
            kept.headers[name] = response[name]
    response["Content-Length"] = str(len(body))
    response["X-Cache"] = verdict
    return response


def stamp(response, at: float) -> None:
    """A kept page's validators and its terms for browsers and shared caches."""
    set_response_etag(response)
    response["Last-Modified"] = http_date(at)
    patch_cache_control(
        response,
        public=True,
        max_age=0,
        s_maxage=settings.PAGE_CACHE_SHARED_SECONDS,
        # While the site answers errors (a database restart), a CDN may go on
        # serving the copy it has.
        stale_if_error=STALE_IF_ERROR_SECONDS,
    )


class KeptPageMiddleware:
    """Answers a reader's request for a kept page before the rest of the middleware
    runs (the security policy, sessions, the language, CSRF): a hit then costs
    about what a bare Django view does. Only addresses that name their language
    (/ru/..., /en/...); others, and every miss, go on to PageCacheMiddleware,
    whose kept page this one learns the outer headers of on its way out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if cacheable_request(request) and not _copying.get():
            language = get_language_from_path(request.path_info)
            if language is not None and (response := self.hit(request, language)):
                return self.conditional(request, response)
        response = self.get_response(request)
        if (kept := getattr(response, "kept_page", None)) is not None:
            self.learn(kept, response)
        return response

    @staticmethod
    def hit(request, language: str) -> HttpResponse | None:
        kept = _Store.get(page_key(request, language))
        if kept is None or kept.outer_headers is None:
            return None
        with public_read():  # the log may ask when a scheduled story is due
            number = current()
            if _fresh(kept, number):
                return answer(kept, number, "HIT", outer=True)
        return None

    @staticmethod
    def learn(kept: Kept, response) -> None:
        if response.status_code != 200 or response.cookies:
            return
        kept.outer_headers = {
            name: value
            for name, value in response.headers.items()
            if name not in ("Content-Length", "X-Cache")
            and kept.headers.get(name) != value
        }

    @staticmethod
    def conditional(request, response):
        """A 304 for a browser's revalidation, as ConditionalGetMiddleware answers."""
        if request.method == "GET" and (
            {"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE"} & request.META.keys()
        ):
            last_modified = parse_http_date_safe(response["Last-Modified"])
            return get_conditional_response(
                request,
                etag=response["ETag"],
                last_modified=last_modified,
                response=response,
            )
        return response


class PageCacheMiddleware:
    """Serves anonymous GETs of public pages from the cache, and fills it; fills the
    holes of every page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _copying.get():
            response, dependencies = self.render(request)
            response.page_dependencies = dependencies
            # What the cache would not keep (a cookie set, private) is no copy's.
            response.copyable = self.may_keep(request, response)
            return response
        if not self.applies_to(request):
            # Staff reading public pages get kept pieces too (exact, so fresh); the
            # admin has none and never reads the log.
            public = settings.PAGE_CACHE_SECONDS > 0 and not in_admin(request)
            response, dependencies = self.render(request, current() if public else None)
            if dependencies.holes and (parts := self.split(response)):
                # Kept fragments are exact, so staff get them too; with the page
                # cache off (tests, measuring), nothing is kept.
                keep = settings.PAGE_CACHE_SECONDS > 0
                self.fill(response, fill_holes(parts, keep)[0])
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                # A staff member's page must not be kept by a shared cache.
                patch_cache_control(response, private=True)
            return response
        with public_read():
            return self.serve(request)

    def applies_to(self, request) -> bool:
        return cacheable_request(request)

    def render(self, request, started: int | None = None):
        dependencies = Dependencies(started=started)
        token = _collecting.set(dependencies)
        try:
            return self.get_response(request), dependencies
        finally:
            _collecting.reset(token)

    def serve(self, request):
        number, epoch = current(), _Log.epoch
        # The language counts for addresses without a prefix (the partner feed,
        # sitemaps): LocaleMiddleware, before this one, chose it from the headers.
        key = page_key(request, request.LANGUAGE_CODE)
        kept = _Store.get(key)
        if _fresh(kept, number):
            return answer(kept, number, "HIT")
        response, dependencies = self.render(request, number)
        parts = self.split(response) if dependencies.holes else None
        filled = ()
        if parts:
            body, filled = fill_holes(parts, keep=True)
            self.fill(response, body)
        if not self.may_keep(request, response):
            return response
        at = time.time()
        stamp(response, at)
        body = response.content
        kept = Kept(
            parts or [body],
            dependencies,
            number,
            at,
            len(body) * (2 if parts else 1),  # its parts, and the body filled
            response.status_code,
            {
                name: value
                for name, value in response.headers.items()
                if name.lower() != "content-length"
            },
            filled,
            epoch=epoch,
            body=body if parts else None,
            body_at=number,
        )
        _Store.put(key, kept)
        response["X-Cache"] = "MISS"
        response.kept_page = kept
        return response

    @staticmethod
    def fill(response, body: bytes) -> None:
        response.content = body
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(body))

    @staticmethod
    def split(response) -> list | None:
        if response.streaming or response.status_code != 200:
            return None
        parts = HOLE.split(response.content.decode(response.charset))
        if len(parts) == 1:
            return None
        # The text between holes as bytes, ready to join; the holes by name.
        return [
            part if index % 2 else part.encode() for index, part in enumerate(parts)
        ]

    def may_keep(self, request, response) -> bool:
        """A complete, public, anonymous page: no cookie set, no 'do not cache'."""
        control = response.get("Cache-Control", "")
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "private" not in control
            and "no-store" not in control
        )
