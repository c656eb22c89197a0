"""The server error page, and what readers get while the database is unreachable."""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a reader (or a CDN) should wait before asking again.
RETRY_AFTER_SECONDS = 5


def server_error(request):
    """500; but 503 with Retry-After when the database cannot be reached.

    A restart or failover of PostgreSQL lasts seconds: saying so lets browsers and
    a CDN in front retry, or serve the copy they have, instead of showing an error.
    Called for any unhandled exception, in a view or a middleware, while it is
    being handled, so the exception is at hand.
    """
    if not isinstance(sys.exception(), (OperationalError, InterfaceError)):
        return defaults.server_error(request)
    logger.warning(
        "database unreachable: %s %s answered 503", request.method, request.path
    )
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
