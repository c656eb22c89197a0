from django.urls import path, re_path

from record import views

app_name = "record"
# Under /record/: what anyone needs to check the record, in no language.
urlpatterns = [
    path("head.json", views.head, name="head"),
    path("heads.json", views.signed_heads, name="heads"),
    re_path(
        r"^heads/(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})\.(?P<extension>json|sig)$",
        views.signed_head,
        name="signed-head",
    ),
    path("public-key.pem", views.public_key, name="public-key"),
    path("entries/<int:position>.json", views.entry_document, name="entry"),
]
# Under each language, beside the story.
story_patterns = [
    path("news/<int:pk>/<str:slug>/v/", views.latest_version, name="latest"),
    path(
        "news/<int:pk>/<str:slug>/v/<int:version>/",
        views.VersionView.as_view(),
        name="version",
    ),
    path(
        "news/<int:pk>/<str:slug>/v/<int:version>/material.json",
        views.version_material,
        name="version-material",
    ),
]
