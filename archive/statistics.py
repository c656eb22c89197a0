"""The query planner told about rows written in bulk (an import, a restore).

PostgreSQL's autovacuum analyses a table some time after it changed, and may be off
or slow on a busy server; pg_restore brings no statistics at all. Until then the
planner takes the new rows for an empty table: after a 100,000-line import, a
search for a rare word walked the whole archive ("matches too much") until ANALYZE
ran. So whatever writes many rows analyses what it wrote before it returns.
"""

import time

from django.db import connections


def analyse(models=(), using: str = "default") -> float:
    """ANALYZE the tables of `models` (every table when none): seconds taken."""
    started = time.monotonic()
    connection = connections[using]
    quote = connection.ops.quote_name
    tables = [quote(model._meta.db_table) for model in models] or [""]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}".strip())
    return time.monotonic() - started
