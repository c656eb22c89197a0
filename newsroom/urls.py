from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from accounts.admin_rules import view_on_site
from accounts.views import notification_settings
from articles.sitemaps import news_sitemap, robots_txt, sitemap_index, sitemap_month
from record.urls import story_patterns

urlpatterns = [
    path("admin/notifications/", notification_settings, name="notification_settings"),
    # Before the admin's own, which redirects any staff member to any object.
    path(
        "admin/r/<int:content_type_id>/<path:object_id>/",
        admin.site.admin_view(view_on_site),
    ),
    path("admin/", admin.site.urls),
    path("robots.txt", robots_txt, name="robots"),
    path("sitemap.xml", sitemap_index, name="sitemap-index"),
    # One address per month: the month always in two digits.
    re_path(
        r"^sitemap-articles-(?P<language>[a-z]{2})-(?P<year>[0-9]{4})-(?P<month>[0-9]{2})\.xml$",
        sitemap_month,
        name="sitemap-month",
    ),
    path("news-sitemap.xml", news_sitemap, name="news-sitemap"),
    path("api/", include("api.urls")),
    path("record/", include("record.urls")),
    # Legacy archive addresses (/articles/<id>/, /<lang>/articles/<id>/): 301s.
    path("", include("archive.urls")),
]
handler500 = "newsroom.errors.server_error"

# "/" redirects to /ru/ or /en/ by the reader's language (LocaleMiddleware).
urlpatterns += i18n_patterns(
    path("", include("articles.urls")),
    path("", include((story_patterns, "versions"))),
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
