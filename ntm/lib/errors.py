"""Error views: styled, and leaking nothing. A database outage answers 503, not 500, and so does
a write that lost the race for SQLite's single write lock ("database is locked")."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

# Seconds a client should wait: an outage takes a while, a lock is released within seconds.
RETRY_AFTER_OUTAGE = 30
RETRY_AFTER_BUSY = 5


def is_database_busy(exc: BaseException | None) -> bool:
    """SQLite allows one writer at a time; a write that waited longer than the busy timeout
    for the lock fails with "database is locked" (nothing of it was written)."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def _unavailable(template: str, retry_after: int) -> HttpResponse:
    response = HttpResponse(loader.get_template(template).render(), status=503)
    response["Retry-After"] = str(retry_after)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a clean 503 page while the database is unreachable (the app recovers by
    itself: connections are health-checked and re-opened on the next request)."""
    exc = sys.exc_info()[1]
    if is_database_busy(exc):
        return _unavailable("503_busy.html", RETRY_AFTER_BUSY)
    if isinstance(exc, DatabaseError | InterfaceError):
        return _unavailable("503.html", RETRY_AFTER_OUTAGE)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


class DatabaseBusyMiddleware:
    """A view that lost the SQLite write lock answers 503 with Retry-After and says the change
    was not saved, also with DEBUG on (where handler500 is not used). The view's atomic block
    has already rolled back, so retrying is safe."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_busy(exception):
            return _unavailable("503_busy.html", RETRY_AFTER_BUSY)
        return None
