"""Tasks the queue's tests run (module level, as every task must be)."""

from background.queue import background_task

calls: list[str] = []


@background_task(attempts=3)
def always_fails(note: str) -> None:
    calls.append(note)
    raise RuntimeError(f"the partner's server answered 503 ({note})")
