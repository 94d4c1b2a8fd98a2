"""Error views: styled, and leaking nothing. A database outage answers 503, not 500, and so does
a write that lost the race for SQLite's single write lock ("database is locked").

What the user sent is not an outage: a value the database cannot store (a NUL byte, a number
past the column's range: DataError) answers 400, and a write that lost a race for a unique row
(IntegrityError) answers 409; in both the transaction was rolled back, nothing was saved. NUL
bytes are refused before any view runs (`DatabaseBusyMiddleware`); forms bound their numbers
and dates themselves, these answers are the net under them."""

import sys

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader

# Seconds a client should wait: an outage takes a while, a lock is released within seconds.
RETRY_AFTER_OUTAGE = 30
RETRY_AFTER_BUSY = 5


def is_database_busy(exc: BaseException | None) -> bool:
    """SQLite allows one writer at a time; a write that waited longer than the busy timeout
    for the lock fails with "database is locked" (nothing of it was written)."""
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def _context(request: HttpRequest | None) -> dict:
    """The request id (ntm.lib.requestlog) for the page, so a user can quote it. No request
    context processors: the page must render while the database is away."""
    return {"request_id": getattr(request, "request_id", "")}


def _unavailable(template: str, retry_after: int, request: HttpRequest | None) -> HttpResponse:
    response = HttpResponse(loader.get_template(template).render(_context(request)), status=503)
    response["Retry-After"] = str(retry_after)
    return response


def _page(template: str, status: int, request: HttpRequest | None) -> HttpResponse:
    return HttpResponse(loader.get_template(template).render(_context(request)), status=status)


def _answer_for(exc: BaseException | None, request: HttpRequest) -> HttpResponse | None:
    """400 for a value the database refused, 409 for a lost race, 503 while busy; None else."""
    if is_database_busy(exc):
        return _unavailable("503_busy.html", RETRY_AFTER_BUSY, request)
    if isinstance(exc, DataError):
        return _page("400.html", 400, request)
    if isinstance(exc, IntegrityError):
        return _page("409.html", 409, request)
    return None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a clean 503 page while the database is unreachable (the app recovers by
    itself: connections are health-checked and re-opened on the next request)."""
    exc = sys.exc_info()[1]
    answer = _answer_for(exc, request)
    if answer is not None:
        return answer
    if isinstance(exc, DatabaseError | InterfaceError):
        return _unavailable("503.html", RETRY_AFTER_OUTAGE, request)
    return _page("500.html", 500, request)


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)


class DatabaseBusyMiddleware:
    """A view that lost the SQLite write lock answers 503 with Retry-After and says the change
    was not saved, also with DEBUG on (where handler500 is not used); a value the database
    refused answers 400 and a lost race 409 (`_answer_for`). The view's atomic block has
    already rolled back, so retrying is safe.

    Before any view: a query string or form field holding a NUL byte answers 400 (PostgreSQL
    cannot store one in text, and no field of the app has a use for it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request.GET) or (request.method == "POST" and _has_nul(request.POST)):
            return _page("400.html", 400, request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return _answer_for(exception, request)
