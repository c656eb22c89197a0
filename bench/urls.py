"""The site's URLs plus /hello/: the cost of Django itself, with the same middleware."""

import os

from django.http import HttpResponse
from django.urls import path

from bench.common import free_templates
from newsroom.urls import handler500  # noqa: F401 (the site's, found here by Django)
from newsroom.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("Hello", content_type="text/plain")


if os.environ.get("BENCH_TEMPLATES_FREE") == "1":
    free_templates()

urlpatterns = [path("hello/", hello, name="bench-hello"), *site_urlpatterns]
