"""The file caches used without Redis: "shared" (counters safe across processes
that keep their expiry, and entries kept for good never dropped to make room) and
"kept" (many entries, all kept alike, the oldest dropped to make room)."""

import fcntl
import glob
import os
import pickle
import tempfile
import time
import zlib
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """Django's file cache whose add() and incr() hold a lock file while they work.

    Django's own reads, then writes: two gunicorn workers counting the same sign-in
    failure at once would both write the same number, and a burst of guesses would
    get past the limit (accounts/lockout.py).
    """

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self.folder = os.path.abspath(dir)

    @contextmanager
    def _lock(self):
        os.makedirs(self.folder, exist_ok=True)  # it may be removed at any time
        descriptor = os.open(os.path.join(self.folder, ".lock"), os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # releases the lock

    def add(self, key, value, timeout=None, version=None):
        with self._lock():
            return super().add(key, value, timeout, version)

    def incr(self, key, delta=1, version=None):
        """Add `delta`, keeping the entry's expiry (Django's sets the default
        timeout again: the page cache's log number, kept for good, would expire in
        five minutes and every page be rendered again)."""
        with self._lock():
            name = self._key_to_file(key, version)
            try:
                with open(name, "rb") as file:
                    expires = pickle.load(file)
                    value = pickle.loads(zlib.decompress(file.read()))
            except (OSError, EOFError, pickle.UnpicklingError, zlib.error):
                raise ValueError(f"Key '{key}' not found") from None
            if expires is not None and expires < time.time():
                self._delete(name)
                raise ValueError(f"Key '{key}' not found")
            value += delta
            timeout = None if expires is None else max(expires - time.time(), 1)
            self.set(key, value, timeout=timeout, version=version)
            return value

    def _cull(self):
        """Make room by dropping expired entries, then the oldest of those that
        expire; never one kept without expiry (the page cache's log number).

        Django's own drops a random third of all entries: the log's number with
        them, and every process would render every page again.
        """
        files = self._list_cache_files()
        if len(files) < self._max_entries:
            return
        now = time.time()
        remaining, expiring = len(files), []
        for name in files:
            try:
                with open(name, "rb") as file:
                    expires = pickle.load(file)
                modified = os.path.getmtime(name)
            except (OSError, EOFError, pickle.UnpicklingError):
                continue
            if expires and expires < now:
                self._delete(name)
                remaining -= 1
            elif expires:
                expiring.append((modified, name))
        if remaining >= self._max_entries:
            for _modified, name in sorted(expiring)[: len(expiring) // 3]:
                self._delete(name)


class ShelfFiles(FileBasedCache):
    """Django's file cache for many entries of one lifetime (page_cache._Shelf),
    spread over 256 folders by the first two characters of each file's name.

    Django's keeps every file in one folder and, to see whether there is room,
    lists them all: at 20,000 entries, 57 ms a listing. Listing every 100 writes
    and dropping the oldest third of all at once still cost 0.64 ms a write on
    average, in steady state (bench/README.md). Here each folder holds a 256th of
    MAX_ENTRIES at most, and a write counts only its own folder and makes room
    there, dropping the oldest written third: 0.18 ms a write. A folder holds
    FOLDER_ENTRIES at least, so below 2,048 MAX_ENTRIES (Django's default is 300)
    more are kept than it says: a folder of one entry would drop every entry whose
    name shares its first two characters.
    """

    FOLDERS = 256
    FOLDER_ENTRIES = 8

    def __init__(self, dir, params):
        super().__init__(dir, params)
        self._folder_entries = max(
            self._max_entries // self.FOLDERS, self.FOLDER_ENTRIES
        )

    def _key_to_file(self, key, version=None):
        name = os.path.basename(super()._key_to_file(key, version))
        return os.path.join(self._dir, name[:2], name)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        name = self._key_to_file(key, version)
        folder = os.path.dirname(name)
        self._createdir()  # they may be removed at any time
        os.makedirs(folder, 0o700, exist_ok=True)
        self._make_room(folder)
        descriptor, written = tempfile.mkstemp(dir=folder)
        try:
            with open(descriptor, "wb") as file:
                self._write_content(file, timeout, value)
            os.replace(written, name)
        except BaseException:
            os.remove(written)
            raise

    def _make_room(self, folder: str) -> None:
        # Counted with the files being written: a cheap listing, no dates read.
        if len(os.listdir(folder)) < self._folder_entries:
            return
        ages = []
        for entry in os.scandir(folder):
            if entry.name.endswith(self.cache_suffix):
                try:
                    ages.append((entry.stat().st_mtime, entry.path))
                except OSError:
                    continue  # dropped by another process meanwhile
        keep = self._folder_entries * 2 // 3
        for _modified, name in sorted(ages)[: len(ages) - keep]:
            self._delete(name)

    def _list_cache_files(self):
        return (
            glob.glob(os.path.join(self._dir, "*", f"*{self.cache_suffix}"))
            + super()._list_cache_files()
        )
