"""Security headers: the enforced Content Security Policy, HSTS, framing, referrer,
and secure cookies, as production settings send them."""

import json
import re

import pytest
from django.utils import timezone

from tests.factories import make_article, make_photo
from tests.newsroom.test_settings import manage
from tests.security.conftest import executable_markup

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(directive.strip().split(" ", 1) for directive in header.split(";"))


@pytest.fixture
def story(labels):
    photo = make_photo()
    return make_article(lead="A lead.", body=f"<p>Text.</p><p>[photo:{photo.pk}]</p>")


def public_pages(story) -> list[str]:
    day = timezone.localtime(story.published_at)
    return [
        "/en/",
        "/en/news/",
        story.get_absolute_url(),
        story.get_absolute_url() + "print/",
        "/en/search/?q=Text",
        f"/en/archive/{day:%Y/%m/%d}/",
        "/no-such-page/",
    ]


def test_public_pages_enforce_the_strict_policy_without_a_nonce(client, story):
    for path in public_pages(story):
        response = client.get(path, follow=True)
        assert "Content-Security-Policy-Report-Only" not in response.headers
        assert policy(response).items() >= STRICT.items(), path
        assert "nonce" not in response.headers["Content-Security-Policy"], path


def test_a_public_page_has_one_policy_for_every_reader(client, story):
    """What the page cache stores must suit every later reader: no per-request value."""
    first = client.get(story.get_absolute_url())
    second = client.get(story.get_absolute_url())
    policies = {r.headers["Content-Security-Policy"] for r in (first, second)}
    assert len(policies) == 1


def test_public_pages_have_no_inline_script_or_style(client, story):
    for path in public_pages(story):
        html = client.get(path, follow=True).content.decode()
        assert executable_markup(html) == [], path
        assert "<style" not in html and " style=" not in html, path
    article = client.get(story.get_absolute_url()).content.decode()
    assert '<script type="application/ld+json">' in article  # data, never run


def test_admin_pages_allow_only_their_own_inline_tags_by_nonce(admin_client, story):
    responses = [
        admin_client.get(f"/admin/articles/article/{story.pk}/change/")
        for _ in range(2)
    ]
    nonces = []
    for response in responses:
        scripts = policy(response)["script-src"]
        assert "'unsafe-inline'" not in scripts
        nonce = re.fullmatch(r"'self' 'nonce-([\w-]+)'", scripts).group(1)
        html = response.content.decode()
        inline = re.findall(r"<(?:script|style)\b(?![^>]*\bsrc=)[^>]*>", html)
        assert inline, "the prose editor's import map is inline"
        assert all(f'nonce="{nonce}"' in tag for tag in inline), inline
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


PRODUCTION = {
    "DEBUG": "off",
    "SECRET_KEY": "x7" * 30 + "-production-like-secret-key",
    "ALLOWED_HOSTS": "news.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://news.example.org",
    "SECURE_HSTS_PRELOAD": "1",
}
PROBE = """
import json
from django.conf import settings
from django.test import Client, override_settings
# Production serves collected static files; without collectstatic, plain names do.
plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_static}):
    client = Client(HTTP_HOST="news.example.org")
    secure = client.get("/admin/login/", secure=True)
    plain = client.get("/admin/login/")
print(json.dumps({
    "headers": dict(secure.headers),
    "cookies": {name: dict(morsel) for name, morsel in secure.cookies.items()},
    "plain": [plain.status_code, plain.headers.get("Location")],
    "session_cookie": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
}))
"""


def test_production_settings_send_the_security_headers_and_secure_cookies():
    result = manage("shell", "--no-imports", "-c", PROBE, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    headers = seen["headers"]
    assert (
        headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains; preload"
    )
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert seen["cookies"]["csrftoken"]["secure"] is True
    assert seen["cookies"]["csrftoken"]["samesite"] == "Lax"
    assert seen["session_cookie"] == [True, True]
    # Plain HTTP is sent to HTTPS.
    assert seen["plain"] == [301, "https://news.example.org/admin/login/"]
