from django.urls import path, register_converter

from articles import views
from articles.feeds import ArticleFeed, AtomArticleFeed


class FourDigits:
    """A zero-padded number: archive URLs read /2025/01/27/."""

    regex = "[0-9]{4}"
    width = 4

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):0{self.width}d}"


class TwoDigits(FourDigits):
    regex = "[0-9]{2}"
    width = 2


class UnicodeSlug:
    """Tag slugs keep their Cyrillic letters."""

    regex = r"[-\w]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FourDigits, "yyyy")
register_converter(TwoDigits, "mm")
register_converter(TwoDigits, "dd")
register_converter(UnicodeSlug, "uslug")


class FeedSubject(UnicodeSlug):
    regex = "tags|regions|authors"


register_converter(FeedSubject, "subject")

app_name = "articles"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("news/", views.NewsListView.as_view(), name="news"),
    path(
        "photos/<uuid:key>/credentials/",
        views.PhotoCredentialsView.as_view(),
        name="photo-credentials",
    ),
    path("news/<int:pk>/", views.ArticleDetailView.as_view(), name="detail-no-slug"),
    # Not news/<pk>/preview/: that is the address of a story whose slug is "preview".
    path("news/preview/<int:pk>/", views.ArticlePreviewView.as_view(), name="preview"),
    path(
        "news/<int:pk>/<uslug:slug>/", views.ArticleDetailView.as_view(), name="detail"
    ),
    path(
        "news/<int:pk>/<uslug:slug>/print/",
        views.ArticlePrintView.as_view(),
        name="print",
    ),
    path("archive/<yyyy:year>/", views.YearArchiveView.as_view(), name="archive-year"),
    path(
        "archive/<yyyy:year>/<mm:month>/",
        views.MonthArchiveView.as_view(),
        name="archive-month",
    ),
    path(
        "archive/<yyyy:year>/<mm:month>/<dd:day>/",
        views.DayArchiveView.as_view(),
        name="archive-day",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/rss/", ArticleFeed(), name="feed-rss"),
    path("feeds/atom/", AtomArticleFeed(), name="feed-atom"),
    path(
        "feeds/<subject:kind>/<uslug:slug>/rss/", ArticleFeed(), name="subject-feed-rss"
    ),
    path(
        "feeds/<subject:kind>/<uslug:slug>/atom/",
        AtomArticleFeed(),
        name="subject-feed-atom",
    ),
    path("tags/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("regions/<slug:slug>/", views.RegionView.as_view(), name="region"),
    path("authors/<slug:slug>/", views.AuthorView.as_view(), name="author"),
]
