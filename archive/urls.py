"""Old archive addresses, outside the language prefix: /articles/<id>/ and /en/articles/<id>/."""

from django.conf import settings
from django.urls import path, register_converter

from archive import views

# The old site's article address (Django path syntax with <str:legacy_id>).
LEGACY_PATH = settings.ARCHIVE_LEGACY_PATH


class LanguageCode:
    regex = "|".join(code for code, _name in settings.LANGUAGES)

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LanguageCode, "lang")

app_name = "archive"
urlpatterns = [
    path(LEGACY_PATH, views.legacy_redirect, name="legacy"),
    path(f"<lang:language>/{LEGACY_PATH}", views.legacy_redirect, name="legacy-lang"),
]
