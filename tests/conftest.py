import os
import shutil

import pytest
from django.contrib.auth.models import Group
from django.db import connection

# The legal fixtures (label versions, a register entry) serve every surface's tests.
from tests.disclaimers.conftest import labels, memorial  # noqa: F401

# Content Credentials: a generated signing chain, and signing on with it.
from tests.photos.c2pa_chain import (  # noqa: F401
    c2pa_chain,
    c2pa_test_chain,
    c2pa_trusted,
)


def pytest_collection_modifyitems(config, items):
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def make_staff(django_user_model):
    """make_staff("Correspondent") -> a staff user holding that newsroom role."""

    def make(role: str, username: str | None = None):
        user = django_user_model.objects.create_user(
            username=username or role.lower(),
            password=None,  # tests use force_login; hashing a password costs ~0.5 s
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        return user

    return make


# Browser tests drive Debian's Chromium (pytest-playwright cannot download its own).
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip(
            "Chromium is not installed (apt-get install chromium); CI installs it"
        )
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes its uploads and renditions to a folder of its own (and
    replaced originals beside it, whatever PHOTO_PRIVATE_ROOT the shell sets)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PHOTO_PRIVATE_ROOT = None
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks run when enqueued, inside the change's transaction (what
    the database queue's worker would see once it commits); tests of the queue
    itself (tests/background/, database_worker) put them on a real queue."""
    settings.TASKS = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }


DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
}


def database_worker_for(monkeypatch):
    """`manage.py work --batch`: what the database's queue holds, run until empty."""
    from django.core.management import call_command

    # The worker closes connections between tasks; the test's transaction must live.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections",
        lambda: None,
    )
    return lambda: call_command("work", batch=True, verbosity=0)


@pytest.fixture
def database_worker(settings, monkeypatch):
    """Tasks go on the database's queue (not run at once); calling this runs them."""
    settings.TASKS = DATABASE_QUEUE
    return database_worker_for(monkeypatch)


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test starts with an empty cache and, unless it asks, no page cache.

    Tests run inside a transaction that never commits, so the page cache would
    never hear of their changes; tests/newsroom/test_page_cache.py turns it on and
    runs the commit callbacks.
    """
    from django.core.cache import caches

    from articles import models as article_models
    from newsroom import page_cache

    # The "shared" cache in memory too: test processes run side by side and must
    # not see each other's changes (tests/newsroom/test_page_cache.py tries the
    # files production uses without Redis).
    settings.CACHES = {
        name: {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": name,
        }
        for name in ("default", "shared", "kept")
    }
    settings.PAGE_CACHE_SECONDS = 0
    for cache in caches.all():
        cache.clear()
    page_cache.forget()  # what the previous test's changes were
    article_models._many_since.clear()  # which lists the previous test found long
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def page_cache_on(settings, django_capture_on_commit_callbacks):
    """The page cache as production runs it; `with page_cache_on():` commits the
    changes made inside it (what was made before stands as committed long ago)."""
    from contextlib import contextmanager

    from newsroom import page_cache

    settings.PAGE_CACHE_SECONDS = 600

    @contextmanager
    def committed():
        page_cache._Batch.open = None
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return committed
