"""The admin site, titled for the agency this installation publishes for."""

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

from newsroom.i18n import agency_name


class NewsroomAdminSite(AdminSite):
    index_title = _("Newsroom")

    @property
    def site_header(self):
        return _("%(agency)s newsroom") % {"agency": agency_name()}

    @property
    def site_title(self):
        return self.site_header


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.apps.NewsroomAdminSite"
