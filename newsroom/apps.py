"""The admin site: titled for the agency, its own CSP, throttled sign-in."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.middleware.csp import get_nonce
from django.utils.csp import CONTEXT_KEY
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csp import csp_override

from newsroom.i18n import agency_name_genitive


def admin_csp(view):
    """The admin's policy: the site's, plus a nonce for the admin's inline tags.

    Admin pages are private and never cached, so a per-response nonce is safe there.
    """
    return csp_override(settings.NEWSROOM_ADMIN_CSP)(view)


class NewsroomAdminSite(AdminSite):
    index_title = _("Newsroom")

    @property
    def login_form(self):
        # Imported late: forms need the app registry, which loads this module first.
        from accounts.forms import LoginForm

        return LoginForm

    def admin_view(self, view, cacheable=False):
        return admin_csp(super().admin_view(view, cacheable))

    def login(self, request, extra_context=None):
        return admin_csp(super().login)(request, extra_context)

    def each_context(self, request):
        # Only admin templates get the nonce: a public page never carries one.
        return {**super().each_context(request), CONTEXT_KEY: get_nonce(request)}

    @property
    def site_header(self):
        return _("%(agency)s newsroom") % {"agency": agency_name_genitive()}

    @property
    def site_title(self):
        return self.site_header


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.apps.NewsroomAdminSite"
