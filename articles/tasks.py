"""The stories' background work: go-live events and the mail that follows steps."""

from django.core.mail import send_mail as django_send_mail
from django.utils.module_loading import import_string

from articles import go_live
from background.queue import background_task


# On the worker's clock (the next tick is the retry: attempts=1).
@background_task(attempts=1)
def sweep_go_lives() -> int:
    """Events whose time came, queued for their announcement (go_live.py)."""
    return go_live.sweep()


@background_task(attempts=1)
def find_due_go_lives() -> int:
    """Scheduled stories whose time came with no event recorded (go_live.py)."""
    return go_live.find_due()


@background_task()
def announce(event_id: int) -> bool:
    return go_live.announce(event_id)


@background_task()
def run_hook(path: str, event_id: int) -> None:
    """One of settings.GO_LIVE_HOOKS, called with the event's id."""
    import_string(path)(event_id)


@background_task()
def send_mail(subject: str, text: str, recipient: str) -> None:
    """One notification (articles/notifications.py), retried while the mail server
    refuses: one task a message, so a retry never mails anyone twice."""
    django_send_mail(subject, text, None, [recipient])
