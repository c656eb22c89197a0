"""Production server settings; gunicorn reads this file from the working directory.

    gunicorn newsroom.wsgi

Sync workers, one per core: requests are short (a cached page is served before most
of Django runs), so the cores, not waiting, are the limit. Database connections
persist between requests (CONN_MAX_AGE, with health checks) in each worker.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)
worker_class = "sync"
bind = os.environ.get("BIND", "127.0.0.1:8000")
timeout = 30
# Workers are replaced now and then, so no slow leak can grow without bound; not
# often, since a new worker starts with no kept pages (at 500 requests a second a
# worker is replaced every seven minutes or so).
max_requests = 200_000
max_requests_jitter = 20_000
