"""Public reads from a PostgreSQL read replica, when DATABASE_REPLICA_URL is set.

Only what the page cache would serve (an anonymous reader's GET of a public page)
reads from the replica: staff, the admin and every write stay on the primary, so
an editor always sees their own change at once.
"""

from contextlib import contextmanager
from contextvars import ContextVar

REPLICA = "replica"
_public_read = ContextVar("public_read", default=False)


@contextmanager
def public_read():
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


class PublicReadsRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if _public_read.get() else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, first, second, **hints):
        return True  # the replica holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA
