"""The file cache that "shared" uses without Redis, with counters safe across processes."""

import fcntl
import os
from contextlib import contextmanager

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
        with self._lock():
            return super().incr(key, delta, version)
