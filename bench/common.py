"""What the benchmarks share: the bench database, production-like settings, figures."""

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_bench"
# A key for benchmark processes only; they serve nobody but loopback.
BENCH_SECRET_KEY = "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"


def production_environment(**overrides: str) -> dict[str, str]:
    """Variables for a DEBUG-off run against the bench database, on loopback.

    DEBUG off as in production (no query log, no template debugging); no TLS
    redirect, since nothing sits in front to terminate TLS.
    """
    return {
        **os.environ,
        "DATABASE_URL": os.environ.get("DATABASE_URL") or BENCH_DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


def setup_django(**overrides: str) -> None:
    """Configure this process like a production worker and start Django."""
    os.environ.update(production_environment(**overrides))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def free_templates() -> None:
    """Every template renders nothing from now on (kept parts are still composed):
    what a page costs besides its templates, the floor no faster template engine
    could take it below. For `pages.py --templates-free` and, through
    BENCH_TEMPLATES_FREE=1 (bench/urls.py), `peer.py --templates-free`."""
    from django.template.backends.django import Template

    Template.render = lambda self, context=None, request=None: ""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_editor():
    """The bench's own Editor, made once (after setup_django)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from accounts.roles import EDITOR

    user, _created = get_user_model().objects.get_or_create(
        username="bench-editor", defaults={"is_staff": True}
    )
    user.groups.add(Group.objects.get(name=EDITOR))
    return user
