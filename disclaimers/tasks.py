"""The register's background work."""

from background.queue import background_task
from disclaimers import services


@background_task()
def rescan_chunk(entity_id: int, generation: int, source: int, after_pk: int) -> None:
    """One chunk of a register entry's re-scan of the archive (services.py)."""
    services.rescan_chunk(entity_id, generation, source, after_pk)


@background_task()
def resume_stalled_scans() -> int:
    """Queue the next chunk of any scan that has stopped moving (its chunk lost
    between a commit and Redis, say): a chunk asked for twice runs once."""
    return services.resume_stalled_scans()
