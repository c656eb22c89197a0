"""Newsroom settings, read from the environment (see the README's configuration table)."""

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    return value in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def development_secret_key() -> str:
    """A per-checkout key kept in var/, so development sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production (DEBUG off) needs a long random "
            "SECRET_KEY in the environment; for development set DEBUG=1."
        )
    SECRET_KEY = development_secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "accounts",
    "articles",
    "authors",
    "disclaimers",
    "photos",
    "api",
    "archive",
    "background",
    "record",
    "mirror",
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "taggit",
    "simple_history",
    "django_prose_editor",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A reader's kept page, answered before the rest runs (newsroom/page_cache.py).
    "newsroom.page_cache.KeptPageMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Answers revalidations with 304, cached pages included; then the page cache,
    # which serves readers before the rest of the stack runs.
    "django.middleware.http.ConditionalGetMiddleware",
    "newsroom.page_cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.agency",
            ],
            # The newsroom package is not an app of its own: its tags are named here.
            "libraries": {"admin_russian": "newsroom.templatetags.admin_russian"},
        },
    },
]

# An empty DATABASE_URL means the embedded SQLite file, so `make run` needs no server.
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and the writer work side by side; IMMEDIATE avoids
        # "database is locked" upgrades inside write transactions.
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so tests with threads see one database as production does.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

# The old site's article address, redirected to the new page (archive/urls.py).
ARCHIVE_LEGACY_PATH = os.environ.get("ARCHIVE_LEGACY_PATH", "articles/<str:legacy_id>/")

# A read replica for anonymous readers' pages (newsroom/replica.py).
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsroom.replica.PublicReadsRouter"]

# No parallel workers for a page's query: starting them costs more (30-40 ms) than
# the short queries of a page take, and the cores are busy serving other readers.
# A URL that sets its own `options` keeps them.
for database in DATABASES.values():
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault(
            "options", "-c max_parallel_workers_per_gather=0"
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "admin:login"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time: stored in UTC, shown in Moscow time, pages in Russian or English.
LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["newsroom.formats"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploaded photos on S3-compatible storage (needs `pip install django-storages[s3]`).
if os.environ.get("MEDIA_S3_BUCKET"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["MEDIA_S3_BUCKET"],
            "endpoint_url": os.environ.get("MEDIA_S3_ENDPOINT_URL") or None,
            "access_key": os.environ.get("MEDIA_S3_ACCESS_KEY"),
            "secret_key": os.environ.get("MEDIA_S3_SECRET_KEY"),
            "custom_domain": os.environ.get("MEDIA_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

# Production hardening; each is harmless behind a TLS-terminating proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000")
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy, enforced: scripts, styles and everything else from this
# site only, no inline script or style, no framing. Public pages carry no nonce, so
# one cached page serves every reader; admin pages (private, never cached) add a
# per-response nonce for the inline import map and styles the admin and the body
# editor emit (newsroom.apps.NewsroomAdminSite).
PHOTO_HOSTS = []
if os.environ.get("MEDIA_S3_BUCKET"):
    s3 = STORAGES["default"]["OPTIONS"]
    if s3["custom_domain"]:
        PHOTO_HOSTS = [f"https://{s3['custom_domain']}"]
    elif s3["endpoint_url"]:
        endpoint = urlsplit(s3["endpoint_url"])
        PHOTO_HOSTS = [
            f"{endpoint.scheme}://{host}"
            for host in (endpoint.netloc, f"*.{endpoint.netloc}")
        ]
    else:
        PHOTO_HOSTS = ["https://*.amazonaws.com"]
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, *PHOTO_HOSTS],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# The body editor's engine (tiptap, in django-prose-editor 0.28) injects its base
# stylesheet as a <style> element without a nonce: this is that stylesheet's hash.
# If an upgrade changes it, the admin's browser test reports the violation.
BODY_EDITOR_STYLE = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
NEWSROOM_ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE, BODY_EDITOR_STYLE],
}

# Where the site is reached from outside, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Notifications (articles/notifications.py): in development printed to the console
# unless EMAIL_HOST is given; in production sent through EMAIL_HOST (a mail server
# on this host by default).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
MAILERS = {
    "default": (
        {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
        if DEBUG and not os.environ.get("EMAIL_HOST")
        else {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": int(os.environ.get("EMAIL_PORT", "25")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS"),
                "timeout": 10,
            },
        }
    )
}

# Admin sign-in: this many failures for one username, or from one address, within
# LOGIN_LOCKOUT_SECONDS lock sign-in for that long (accounts/lockout.py).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_IP_FAILURE_LIMIT = int(os.environ.get("LOGIN_IP_FAILURE_LIMIT", "30"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
# Proxies in front of the site that append the client's address to X-Forwarded-For
# (production runs behind one); the address before them is the client's.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0" if DEBUG else "1"))

# Two caches. "default" keeps pages and fragments in each process's memory (a hit
# costs no round trip). "shared" keeps what every process must agree on, the log of
# content changes (a publish refreshes every process's pages that show it) and
# sign-in failures: Redis when REDIS_URL is set, one for every app host; else small
# files that the server's workers, the import and manage.py on this host all read.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5_000},
    },
    "shared": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
        if os.environ.get("REDIS_URL")
        else {
            "BACKEND": "newsroom.cache.FileCache",
            "LOCATION": str(VAR_DIR / "shared-cache"),
            # The log of changes writes an entry a change, kept an hour.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    ),
    # What every process keeps for all (page_cache.kept_value(..., shared=True): a
    # story's part of its page), each PAGE_CACHE_SECONDS at most.
    "kept": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "kept",
        }
        if os.environ.get("REDIS_URL")
        else {
            "BACKEND": "newsroom.cache.ShelfFiles",
            "LOCATION": str(VAR_DIR / "kept"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    ),
}
# Background work (background/queue.py): the database's queue by default, its worker
# started by `make run`; TASK_QUEUE=redis puts the tasks on Redis (TASK_REDIS_URL, else
# REDIS_URL) for RQ workers on as many machines as needed (`manage.py work` on each).
TASK_QUEUE = os.environ.get("TASK_QUEUE", "database")
if TASK_QUEUE not in ("database", "redis"):
    raise ImproperlyConfigured("TASK_QUEUE is 'database' (the default) or 'redis'.")
if TASK_QUEUE == "redis":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {
        "default": {
            "URL": os.environ.get("TASK_REDIS_URL")
            or os.environ.get("REDIS_URL")
            or "redis://127.0.0.1:6379/0"
        }
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

# A scheduled story's go-live event follows its time within this many seconds (the
# worker's clock looks for due stories this often; articles/go_live.py).
GO_LIVE_SWEEP_SECONDS = float(os.environ.get("GO_LIVE_SWEEP_SECONDS", "2"))
# Functions (dotted paths) the worker calls with each go-live event's id: a sitemap
# ping, say. Each its own task, retried while it fails.
GO_LIVE_HOOKS = env_list("GO_LIVE_HOOKS")

# The partner feed (/api/ninjs/) open to anyone (0, the default) or to partners with a
# key only (1); a key given is always checked (api/models.py).
PARTNER_FEED_REQUIRES_KEY = env_bool("PARTNER_FEED_REQUIRES_KEY")
# Pushes to partners go to public addresses over HTTPS only; 1 also allows a receiver
# on this machine or network (plain HTTP to loopback included): for trying one out.
PARTNER_PUSH_ALLOW_LOCAL = env_bool("PARTNER_PUSH_ALLOW_LOCAL")

# The Ed25519 key the publication record's daily heads are signed with (record/):
# a PEM file, made on first use if missing. Back it up with the database.
RECORD_SIGNING_KEY_FILE = os.environ.get(
    "RECORD_SIGNING_KEY_FILE", str(VAR_DIR / "record-signing-key.pem")
)

# Content Credentials (photos/credentials.py): published photo renditions are signed
# with this private key (PEM) and certificate chain (PEM: the agency's certificate,
# then its intermediates) from a CA whose certificates C2PA validators trust. Both
# unset (the default), renditions are published unsigned.
C2PA_SIGNING_KEY_FILE = os.environ.get("C2PA_SIGNING_KEY_FILE", "")
C2PA_CERTIFICATE_CHAIN_FILE = os.environ.get("C2PA_CERTIFICATE_CHAIN_FILE", "")
# An RFC 3161 timestamp server, so a signature outlives its certificate; optional.
C2PA_TSA_URL = os.environ.get("C2PA_TSA_URL", "")
# Root certificates (PEM) the site's own Content Credentials view trusts (the C2PA
# trust list's anchors, a private CA's root); optional.
C2PA_TRUST_ANCHORS_FILE = os.environ.get("C2PA_TRUST_ANCHORS_FILE", "")

# Anonymous readers' pages are kept this long at most (0 turns the page cache off);
# a publish, edit, withdrawal or label change refreshes the pages that show it at
# once (newsroom/page_cache.py).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# The memory each process gives the pages and fragments it keeps (least recently
# used dropped first); a story page weighs about 50 KB.
PAGE_CACHE_MEMORY_MB = int(os.environ.get("PAGE_CACHE_MEMORY_MB", "128"))
# How long a CDN in front may keep a page (s-maxage); browsers always revalidate.
PAGE_CACHE_SHARED_SECONDS = int(os.environ.get("PAGE_CACHE_SHARED_SECONDS", "10"))
# A function (dotted path) called after every content change, e.g. a CDN purge.
PAGE_CACHE_PURGE = os.environ.get("PAGE_CACHE_PURGE", "")

# The mirror for blocked readers (mirror/): the folder the worker keeps up to date
# after every change readers see (unset: no refresh; `manage.py build_mirror DIR`
# builds one by hand), and the address it is published at, for its sitemaps,
# feeds and WARC records. In development, where `python -m http.server 8080 -d
# DIR` serves it.
MIRROR_DIR = os.environ.get("MIRROR_DIR", "")
MIRROR_BASE_URL = os.environ.get(
    "MIRROR_BASE_URL", "http://127.0.0.1:8080/" if DEBUG else ""
)

TAGGIT_CASE_INSENSITIVE = True

# The agency this installation publishes for, as readers see it in each language.
NEWSROOM_AGENCY_NAME = {
    "ru": os.environ.get("AGENCY_NAME_RU", "Горный вестник"),
    "en": os.environ.get("AGENCY_NAME_EN", "Highland Herald"),
}
# «Фото ... для «Горного вестника»»: declined from the dictionary unless given.
NEWSROOM_AGENCY_NAME_RU_GENITIVE = os.environ.get("AGENCY_NAME_RU_GENITIVE", "")
NEWSROOM_PAGE_SIZE = 20

# Uploads: larger files or images are refused before any processing.
PHOTO_MAX_UPLOAD_BYTES = int(os.environ.get("PHOTO_MAX_UPLOAD_BYTES", 25 * 1024 * 1024))
PHOTO_MAX_PIXELS = 60_000_000
# Replaced photo originals, kept for the record and never served
# (photos.models.private_storage); unset means "private-photos" beside MEDIA_ROOT.
PHOTO_PRIVATE_ROOT = (
    Path(os.environ["PHOTO_PRIVATE_ROOT"]).resolve()
    if os.environ.get("PHOTO_PRIVATE_ROOT")
    else None
)
if PHOTO_PRIVATE_ROOT and PHOTO_PRIVATE_ROOT.is_relative_to(MEDIA_ROOT.resolve()):
    raise ImproperlyConfigured(
        "PHOTO_PRIVATE_ROOT lies inside MEDIA_ROOT, which is served to everyone: "
        "replaced photos must be kept outside it."
    )

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The Russian dictionary says where it loads from, in every process.
    "loggers": {"pymorphy3": {"level": "WARNING"}},
}
