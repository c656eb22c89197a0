from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The wire: machine-readable feeds for partners, and the partners' keys."""

    name = "api"
    verbose_name = _("Partner wire")
