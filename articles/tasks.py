"""The stories' background work: go-live events and the mail that follows steps."""

from django.core.mail import send_mass_mail
from django.utils.module_loading import import_string

from articles import go_live
from background.queue import background_task


@background_task()
def find_due_go_lives() -> int:
    """On the worker's clock: scheduled stories whose time came (go_live.py)."""
    return go_live.find_due()


@background_task()
def announce(event_id: int) -> bool:
    return go_live.announce(event_id)


@background_task()
def run_hook(path: str, event_id: int) -> None:
    """One of settings.GO_LIVE_HOOKS, called with the event's id."""
    import_string(path)(event_id)


@background_task()
def send_mail(messages: list[list]) -> int:
    """Notifications (articles/notifications.py): retried while the mail server
    refuses, then kept as a failed task."""
    return send_mass_mail([tuple(message) for message in messages])
