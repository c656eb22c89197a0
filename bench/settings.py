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
