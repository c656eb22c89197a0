"""Every admin page of the newsroom's models, walked in Russian and in English.

The demo newsroom gives each model rows, history and mentions; the walk opens every
list, add, change, history, old-version and delete page, the workflow queue and the
revisions, and reads what a person sees (text, tooltips, button labels). In Russian no
interface word may be left in English; in English no library's name may show.
What the rows themselves say (names, headlines, usernames) is data, not interface:
its words are allowed.
"""

import io
import re
from contextlib import suppress
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import models
from django.urls import NoReverseMatch, reverse
from simple_history.admin import SimpleHistoryAdmin

from articles.diff import paragraphs

pytestmark = pytest.mark.django_db

# Words an editor reads as Russian typography too: codes, formats, key names.
TECHNICAL = {
    "ID", "URL", "slug", "alt", "EXIF", "RSS", "HTML", "JSON", "ninjs", "IPTC",
    "UTC", "MSK", "Mac", "Control", "Command", "Ctrl", "photo", "JPEG", "PNG", "WebP",
    "pbkdf2_sha256", "sha256", "LDAP", "SSO", "https", "HMAC", "SHA",
}  # fmt: skip
# Django writes the alternative texts of two icons untranslated (the search box's
# magnifier, a yes/no column's tick); nothing the newsroom adds may do the same.
DJANGO_ICON_TEXTS = {"Search", "True", "False", "None"}
INTERFACE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class VisibleText(HTMLParser):
    """The text a person sees or hears on a page: text nodes outside scripts and
    styles, tooltips, placeholders, labels for screen readers and button captions."""

    def __init__(self):
        super().__init__()
        self.texts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style", "textarea", "template"):
            self._hidden += 1
        self.texts += [attrs[name] for name in INTERFACE_ATTRIBUTES if attrs.get(name)]
        if tag == "img" and attrs.get("alt") in DJANGO_ICON_TEXTS:
            self.texts.remove(attrs["alt"])
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset"):
            self.texts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def visible_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.texts


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][A-Za-z_0-9]+", text))


def stored_values() -> list[str]:
    """What the newsroom's rows say in Latin letters, longest first: every text
    field's value, and a body's paragraphs as its diff shows them. Permissions,
    groups and content types are left out: their names are the interface's."""
    interface = {Permission, Group, ContentType}
    values = set()
    for model in apps.get_models():
        if model in interface:
            continue
        fields = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(
                field,
                (
                    models.CharField,
                    models.TextField,
                    models.FileField,
                    models.UUIDField,
                ),
            )
        ]
        for row in model._default_manager.values_list(*fields):
            for value in map(str, filter(None, row)):
                values |= {value, *paragraphs(value, markup="<" in value)}
    return sorted(
        (v for v in values if len(v) > 2 and latin_words(v)), key=len, reverse=True
    )


def interface_words(text: str, values: list[str]) -> set[str]:
    """The Latin words of a text once the stored values in it are taken out."""
    if not latin_words(text):
        return set()
    for value in values:
        if value in text:
            text = re.sub(rf"(?<!\w){re.escape(value)}(?!\w)", " ", text)
    text = re.sub(r"[\w+/=]+\*{4,}", " ", text)  # a password hash, masked
    return latin_words(text) - TECHNICAL


def admin_pages() -> list[str]:
    """Each registered model's pages, for its first and its newest row."""
    pages = ["/admin/", "/admin/password_change/"]
    for model, model_admin in admin.site._registry.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        rows = model._default_manager.order_by("pk")
        for row in {rows.first(), rows.last()} - {None}:
            for view in ("change", "history", "delete", "revisions"):
                with suppress(NoReverseMatch):  # revisions: stories only
                    pages.append(reverse(f"{prefix}_{view}", args=[row.pk]))
            if isinstance(model_admin, SimpleHistoryAdmin):
                pages += [
                    reverse(
                        f"{prefix}_simple_history",
                        args=[row.pk, version.history_id],
                    )
                    for version in row.history.all()[:2]
                ]
    pages.append(reverse("admin:articles_article_queue"))
    return pages


@pytest.fixture
def newsroom(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("load_demo", stdout=io.StringIO())


def walk(client, language: str) -> dict[str, list[str]]:
    pages = {}
    for address in admin_pages():
        response = client.get(address, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in (200, 403), (address, response.status_code)
        if response.status_code == 200:
            pages[address] = visible_texts(response.content.decode())
    return pages


def test_no_interface_word_is_left_in_english_in_the_russian_admin(
    newsroom, admin_client
):
    values = stored_values()
    left = {
        address: sorted({text for text in texts if interface_words(text, values)})
        for address, texts in walk(admin_client, "ru").items()
    }
    assert {address: texts for address, texts in left.items() if texts} == {}


def test_the_english_admin_names_no_library(newsroom, admin_client):
    libraries = re.compile(r"taggit|simple.history|historical|prose.editor", re.I)
    named = {
        address: sorted({text for text in texts if libraries.search(text)})
        for address, texts in walk(admin_client, "en").items()
    }
    assert {address: texts for address, texts in named.items() if texts} == {}
