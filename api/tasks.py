"""The wire's background work: pushes to partners (api/push.py)."""

from api import push
from background.queue import background_task


@background_task()
def prepare_deliveries(event_id: int) -> int:
    return push.prepare_deliveries(event_id)


@background_task(attempts=push.ATTEMPTS)
def deliver(delivery_id: int) -> None:
    push.deliver(delivery_id)


# On the worker's clock (the next tick is the retry: attempts=1).
@background_task(attempts=1)
def resume_lost_deliveries() -> int:
    return push.resume_lost()
