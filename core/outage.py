"""When the database cannot be reached: 503 Service Unavailable with ``Retry-After``, never a traceback. Under
/api/ a problem+json body; elsewhere a short page for the clerks, drawn without the database (no user, no
navigation: both would ask it again).

Two doors catch it: the middleware for what a view (or DRF, which passes on what it does not know) raises, and
the 500 handler for what fails outside a view, such as saving the session after the response. Recovery needs
nothing here: the failed connection is marked, Django drops it at the end of the request, and the next request
opens a new one (CONN_HEALTH_CHECKS also tests a reused one first)."""

from __future__ import annotations

import json
import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.views.defaults import server_error

from core.api.problems import PROBLEM_BASE, PROBLEM_CONTENT_TYPE

logger = logging.getLogger(__name__)

# OperationalError also covers a statement cancelled by a timeout or a lost serialization race: all are worth
# trying again a little later, which is what the answer says.
OUTAGE_ERRORS = (OperationalError, InterfaceError)
CODE = "service-unavailable"


def outage_response(request) -> HttpResponse:
    retry_after = str(settings.SALESFLOW_OUTAGE_RETRY_AFTER)
    detail = gettext("The database cannot be reached just now. Try again in a moment.")
    if request.path.startswith("/api/"):
        body = {
            "type": f"{PROBLEM_BASE}{CODE}",
            "title": "Service unavailable",
            "status": 503,
            "detail": detail,
            "code": CODE,
            "instance": request.path,
        }
        response = HttpResponse(json.dumps(body), status=503, content_type=PROBLEM_CONTENT_TYPE)
    else:
        response = HttpResponse(render_to_string("503.html", {"detail": detail}), status=503)
    response["Retry-After"] = retry_after
    return response


class DatabaseOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OUTAGE_ERRORS):
            return None
        logger.warning("Database unavailable at %s %s: %s", request.method, request.path, exception)
        return outage_response(request)


def server_error_view(request, *args, **kwargs):
    """handler500: the outage answer when the error that got this far is the database's, Django's page else."""
    if isinstance(sys.exc_info()[1], OUTAGE_ERRORS):
        return outage_response(request)
    return server_error(request, *args, **kwargs)
