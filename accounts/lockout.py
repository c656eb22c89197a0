"""Sign-in throttling: repeated failures for one username, or from one address, lock
sign-in for LOGIN_LOCKOUT_SECONDS.

Failures are counted in the "shared" cache (Redis in production, else files every
process on the host reads), so every worker and app host sees the same counts. Each
failure is logged with the username and address, never the password.
"""

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


def count_failure(sender, credentials, request=None, **kwargs):
    """user_login_failed: count the failure; lock sign-in when a limit is reached."""
    if request is None:
        return
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    ip = client_ip(request)
    logger.warning("Failed sign-in for %r from %s", username, ip)
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    for key, limit in _counters(username, ip):
        # Failures older than the lockout time are forgotten.
        shared().add(key, 0, seconds)
        try:
            failures = shared().incr(key)
        except ValueError:  # expired between add() and incr()
            failures = 1
            shared().set(key, failures, seconds)
        if failures >= limit:
            shared().set(f"{key}:locked", time.time() + seconds, seconds)
            shared().delete(key)
            logger.warning(
                "Sign-in locked for %d s after %d failures (username %r, from %s)",
                seconds,
                failures,
                username,
                ip,
            )


def forget_failures(sender, request, user, **kwargs):
    """user_logged_in: a successful sign-in clears the username's failures."""
    for key, _limit in _counters(user.get_username(), ""):
        shared().delete(key)
