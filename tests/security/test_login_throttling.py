"""Admin sign-in locks after repeated failures, per username and per address."""

import logging
import time

import pytest
from django.core.cache import caches

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"
LOCKED = "Too many failed sign-in attempts"


@pytest.fixture(autouse=True)
def throttling(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_IP_FAILURE_LIMIT = 5
    settings.LOGIN_LOCKOUT_SECONDS = 600
    # The cheapest hasher: these tests sign in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    caches["shared"].clear()  # where the failures are counted
    yield settings
    caches["shared"].clear()


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        username="anna", password=PASSWORD, is_staff=True
    )


def sign_in(client, username, password, ip="203.0.113.7", **headers):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        headers={"accept-language": "en", **headers},
    )


def signed_in(response) -> bool:
    return response.status_code == 302


def test_right_password_is_refused_after_too_many_wrong_ones(client, staff):
    for _attempt in range(3):
        response = sign_in(client, "anna", "wrong password")
        assert not signed_in(response)
        assert LOCKED not in response.content.decode()
    response = sign_in(client, "anna", PASSWORD)
    assert not signed_in(response)
    assert "Try again in 10 minutes." in response.content.decode()
    # The same name in other letter case is the same account to lock.
    assert not signed_in(sign_in(client, "ANNA", PASSWORD, ip="198.51.100.1"))


def test_fewer_failures_than_the_limit_do_not_lock(client, staff):
    for _attempt in range(2):
        sign_in(client, "anna", "wrong password")
    assert signed_in(sign_in(client, "anna", PASSWORD))


def test_a_successful_sign_in_forgets_earlier_failures(client, staff):
    for _attempt in range(2):
        sign_in(client, "anna", "wrong password")
    assert signed_in(sign_in(client, "anna", PASSWORD))
    client.logout()
    for _attempt in range(2):
        sign_in(client, "anna", "wrong password")
    assert signed_in(sign_in(client, "anna", PASSWORD))


def test_the_lockout_ends_after_the_configured_time(client, staff, monkeypatch):
    for _attempt in range(3):
        sign_in(client, "anna", "wrong password")
    assert not signed_in(sign_in(client, "anna", PASSWORD))
    later = time.time() + 601
    monkeypatch.setattr(time, "time", lambda: later)
    assert signed_in(sign_in(client, "anna", PASSWORD))


def test_one_address_trying_many_names_is_locked_out(client, staff):
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong password", ip="203.0.113.9")
    refused = sign_in(client, "anna", PASSWORD, ip="203.0.113.9")
    assert not signed_in(refused)
    assert LOCKED in refused.content.decode()
    # Anna herself, from her own address, is not locked out by someone else.
    assert signed_in(sign_in(client, "anna", PASSWORD, ip="198.51.100.20"))


def test_behind_a_proxy_the_forwarded_address_counts(client, staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for number in range(5):
        sign_in(
            client,
            f"guess{number}",
            "wrong",
            ip="127.0.0.1",
            # A client may prepend made-up addresses; the proxy appends the real one.
            x_forwarded_for=f"10.0.0.{number}, 203.0.113.9",
        )
    from_attacker = sign_in(
        client, "anna", PASSWORD, ip="127.0.0.1", x_forwarded_for="203.0.113.9"
    )
    assert not signed_in(from_attacker)
    from_anna = sign_in(
        client, "anna", PASSWORD, ip="127.0.0.1", x_forwarded_for="198.51.100.20"
    )
    assert signed_in(from_anna)


def test_failures_and_lockouts_are_logged_without_the_password(client, staff, caplog):
    with caplog.at_level(logging.WARNING, logger="accounts.lockout"):
        for _attempt in range(3):
            sign_in(client, "anna", "s3cret-guess")
        sign_in(client, "anna", PASSWORD)
    records = [r for r in caplog.records if r.name == "accounts.lockout"]
    messages = [record.getMessage() for record in records]
    assert all(record.levelno == logging.WARNING for record in records)
    assert sum("Failed sign-in for 'anna' from 203.0.113.7" in m for m in messages) == 3
    assert any("locked" in m and "'anna'" in m and "203.0.113.7" in m for m in messages)
    assert any("refused" in m and "'anna'" in m for m in messages)
    assert not any("s3cret-guess" in m or PASSWORD in m for m in messages)


class SlowPasswordCheck:
    """An authentication backend that takes its time and remembers each guess."""

    guesses: list[str] = []

    def authenticate(self, request, username=None, password=None, **kwargs):
        self.guesses.append(password)
        time.sleep(0.2)  # as a real password hash does, give or take
        return None

    def get_user(self, user_id):
        return None


@pytest.mark.django_db(transaction=True)
def test_a_burst_of_sign_ins_checks_no_more_passwords_than_the_limit(settings):
    import threading

    from django.db import connection
    from django.test import Client

    settings.AUTHENTICATION_BACKENDS = [f"{__name__}.SlowPasswordCheck"]
    SlowPasswordCheck.guesses = []
    barrier = threading.Barrier(12)

    def guess(number):
        try:
            barrier.wait()
            sign_in(Client(), "anna", f"guess {number}", ip=f"198.51.100.{number}")
        finally:
            connection.close()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(SlowPasswordCheck.guesses) == settings.LOGIN_FAILURE_LIMIT


def test_counts_kept_in_files_lose_no_increment_when_workers_count_at_once(tmp_path):
    """Without Redis the counts are files every worker writes (newsroom/cache.py)."""
    import threading

    from newsroom.cache import FileCache

    workers = [FileCache(str(tmp_path), {}) for _ in range(8)]
    workers[0].add("failures", 0, 600)
    barrier = threading.Barrier(len(workers))

    def count(cache):
        barrier.wait()
        for _ in range(25):
            cache.incr("failures")

    threads = [threading.Thread(target=count, args=(cache,)) for cache in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert workers[0].get("failures") == 200
