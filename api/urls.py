from django.urls import path

from api import views

app_name = "api"
urlpatterns = [
    path("ninjs/", views.ninjs_feed, name="ninjs"),
]
