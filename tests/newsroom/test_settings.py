"""The settings refuse unsafe production starts and pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    test_only = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in test_only}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start():
    result = manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_off_is_the_default():
    result = manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_deploy_check_passes_with_production_values():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="off",
        SECRET_KEY="x7" * 30 + "-production-like-secret-key",
        ALLOWED_HOSTS="news.example.org",
        CSRF_TRUSTED_ORIGINS="https://news.example.org",
        SECURE_HSTS_PRELOAD="1",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    # Clean because nothing is wrong, not because a check was silenced.
    assert "no issues (0 silenced)" in result.stdout


PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": "x7" * 30 + "-production-like-secret-key",
    "ALLOWED_HOSTS": "news.example.org",
}


def production_setting(expression: str, **env) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}},
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            **PRODUCTION,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_keeps_database_connections_and_checks_them():
    database = "settings.DATABASES['default']"
    url = "postgres://postgres@127.0.0.1:5432/newsroom"
    assert production_setting(f"{database}['CONN_MAX_AGE']", DATABASE_URL=url) == "60"
    assert (
        production_setting(f"{database}['CONN_HEALTH_CHECKS']", DATABASE_URL=url)
        == "True"
    )


def test_production_keeps_pages_in_memory_and_the_generation_in_redis_or_files():
    pages, shared = (
        f"settings.CACHES['{name}']['BACKEND']" for name in ("default", "shared")
    )
    with_redis = {"REDIS_URL": "redis://127.0.0.1:6379/1"}
    assert production_setting(pages, **with_redis).endswith("LocMemCache")
    assert production_setting(shared, **with_redis).endswith("RedisCache")
    # Without Redis every worker of the host, and the import, must see one generation.
    assert production_setting(shared, REDIS_URL="").endswith("cache.FileCache")
    # What every worker keeps for all (a story's part of its page) goes beside it.
    kept = "settings.CACHES['kept']['BACKEND']"
    assert production_setting(kept, **with_redis).endswith("RedisCache")
    assert production_setting(kept, REDIS_URL="").endswith("cache.ShelfFiles")


def test_production_templates_are_compiled_once():
    # Django caches compiled templates unless loaders are set by hand.
    assert (
        production_setting("'loaders' in settings.TEMPLATES[0]['OPTIONS']") == "False"
    )
    assert production_setting("settings.DEBUG") == "False"


def test_gunicorn_runs_one_sync_worker_per_core(monkeypatch):
    import runpy

    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] == os.cpu_count()
    assert config["worker_class"] == "sync"


def test_replaced_photos_are_kept_where_the_environment_says_never_in_media_root(
    tmp_path,
):
    media, private = tmp_path / "media", tmp_path / "kept"
    code = "__import__('photos.models').models.private_storage().location"
    beside = production_setting(code, MEDIA_ROOT=str(media), PHOTO_PRIVATE_ROOT="")
    assert beside == str(tmp_path / "private-photos")
    assert production_setting(
        code, MEDIA_ROOT=str(media), PHOTO_PRIVATE_ROOT=str(private)
    ) == str(private)
    # Inside MEDIA_ROOT the proxy would serve them: the site refuses to start.
    served = manage(
        "check",
        **PRODUCTION,
        MEDIA_ROOT=str(media),
        PHOTO_PRIVATE_ROOT=str(media / "private"),
    )
    assert served.returncode != 0
    assert "PHOTO_PRIVATE_ROOT lies inside MEDIA_ROOT" in served.stderr
