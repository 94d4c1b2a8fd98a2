"""Error views: styled, and leaking nothing. A database outage answers 503, not 500."""

import sys

from django.db import DatabaseError, InterfaceError
from django.http import HttpRequest, HttpResponse
from django.template import loader


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a clean 503 page while the database is unreachable (the app recovers by
    itself: connections are health-checked and re-opened on the next request)."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DatabaseError | InterfaceError):
        template, status = "503.html", 503
    else:
        template, status = "500.html", 500
    response = HttpResponse(loader.get_template(template).render(), status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response
