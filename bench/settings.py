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

# The kept files in a temporary folder, like the static files: on these machines a
# file is created in 0.3-0.5 ms anywhere under /work (the checkout), 0.02-0.05 ms
# under /tmp or /root on the same disk; a story's first view writes two.
_kept = CACHES["kept"]  # noqa: F405
if _kept["BACKEND"] == "newsroom.cache.ShelfFiles":
    _kept["LOCATION"] = str(Path(tempfile.gettempdir()) / "newsroom-bench-kept")
