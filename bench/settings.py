"""Benchmark settings: production's, plus a bare "hello" page to compare against."""

import os
import tempfile
from pathlib import Path

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# collectstatic writes here; a temporary folder keeps the checkout untouched.
STATIC_ROOT = Path(
    os.environ.get("BENCH_STATIC_ROOT")
    or Path(tempfile.gettempdir()) / "newsroom-bench-static"
)

# BENCH_KEEP_PAGES=0: every page rendered on every request, with the shared pieces
# kept (bench/middleware.py), as right after a change that touches the page.
if os.environ.get("BENCH_KEEP_PAGES") == "0":
    MIDDLEWARE = [
        "bench.middleware.ComposedAfresh"
        if name == "newsroom.page_cache.PageCacheMiddleware"
        else name
        for name in MIDDLEWARE  # noqa: F405
    ]
