"""Sign-in throttling: repeated failures for one username, or from one address, lock
sign-in for LOGIN_LOCKOUT_SECONDS.

Failures are counted in the "shared" cache (Redis in production, else files every
process on the host reads), so every worker and app host sees the same counts. Each
failure is logged with the username and address, never the password.
"""

import contextlib
import hashlib
import logging
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches

logger = logging.getLogger(__name__)


def shared():
    """Where failures are counted: one count for every worker and host."""
    return caches["shared"]


def client_ip(request) -> str:
    """The address a request came from; behind trusted proxies, the one they saw."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    # Each proxy appends the address it received from: only the last entries are
    # trustworthy, the ones before may be made up by the client.
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _counters(username: str, ip: str) -> list[tuple[str, int]]:
    """(cache key, failure limit) for the username and for the address."""

    def key(kind: str, value: str) -> str:
        # Hashed: a made-up header or username must not make an invalid cache key.
        return f"login-failures:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"

    counters = []
    if username:
        counters.append(
            (key("user", username.casefold()), settings.LOGIN_FAILURE_LIMIT)
        )
    if ip:
        counters.append((key("ip", ip), settings.LOGIN_IP_FAILURE_LIMIT))
    return counters


def locked_for(request, username: str) -> int:
    """Seconds before `username` may try to sign in again from here; 0 if now.

    A refused attempt is logged.
    """
    ip = client_ip(request)
    locks = shared().get_many(
        [f"{key}:locked" for key, _limit in _counters(username, ip)]
    )
    remaining = int(max(locks.values(), default=0) - time.time())
    if remaining <= 0:
        return 0
    logger.warning(
        "Sign-in refused for %r from %s: locked for %d s more", username, ip, remaining
    )
    return remaining


def begin_attempt(request, username: str) -> int:
    """Count an attempt before its password is checked; seconds locked, or 0.

    Counted first, with an atomic increment: a burst of guesses sent together
    cannot all pass a check made before any of them had failed. An attempt past
    the limit is refused without its password being looked at; a successful one
    is taken back (forget_failures).
    """
    if seconds := locked_for(request, username):
        return seconds
    ip = client_ip(request)
    for key, limit in _counters(username, ip):
        if _increment(key) > limit:
            _lock(key, username, ip, limit)
            return settings.LOGIN_LOCKOUT_SECONDS
    return 0


def _increment(key: str) -> int:
    # Attempts older than the lockout time are forgotten.
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    shared().add(key, 0, seconds)
    try:
        return shared().incr(key)
    except ValueError:  # expired between add() and incr()
        shared().set(key, 1, seconds)
        return 1


def _lock(key: str, username: str, ip: str, failures: int) -> None:
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    # The count itself is left to expire (it started before the lock): deleting it
    # would let an attempt of the same burst start counting again from one.
    shared().set(f"{key}:locked", time.time() + seconds, seconds)
    logger.warning(
        "Sign-in locked for %d s after %d failures (username %r, from %s)",
        seconds,
        failures,
        username,
        ip,
    )


def count_failure(sender, credentials, request=None, **kwargs):
    """user_login_failed: the attempt was counted; lock when it was the last allowed."""
    if request is None:
        return
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    ip = client_ip(request)
    logger.warning("Failed sign-in for %r from %s", username, ip)
    for key, limit in _counters(username, ip):
        if (failures := shared().get(key, 0)) >= limit:
            _lock(key, username, ip, failures)


def forget_failures(sender, request, user, **kwargs):
    """user_logged_in: a successful sign-in clears the username's failures and takes
    back its attempt from the address's count."""
    username = user.get_username()
    for key, _limit in _counters(username, ""):
        shared().delete(key)
    if request is not None:
        for key, _limit in _counters("", client_ip(request)):
            with contextlib.suppress(ValueError):  # expired meanwhile
                shared().decr(key)
