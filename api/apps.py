from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Machine-readable feeds for partners; no models of its own."""

    name = "api"
    verbose_name = "Partner API"
