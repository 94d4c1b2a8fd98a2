"""One log line per request, and a request id a user can quote.

`RequestLogMiddleware` (first in MIDDLEWARE) takes the proxy's `X-Request-ID` when it is a sane
token (letters, digits, `.`, `_`, `-`, `:`; at most 128 characters), else makes one; returns it
in the response's `X-Request-ID`; binds it to every log line written during the request
(structlog's context variables); and writes one line on the `ntm.request` logger when the
response is ready: request id, user id, method, path, status, duration in milliseconds. The
error pages show the id (templates/error_base.html), so a report of a 500 finds its log line.

The lines go through the standard `logging` configuration (settings.LOGGING): JSON, one object
a line, with NTM_LOG_FORMAT=json (the default with DEBUG off); readable key=value lines with
`console` (the default in development). `configure()` sets structlog up for both."""

import re
import time
import uuid

import sentry_sdk
import structlog
import structlog.tracebacks
from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

logger = structlog.get_logger("ntm.request")


def request_id_from(request: HttpRequest) -> str:
    """The proxy's id when it is a sane token (nothing a log reader could be fooled by:
    no spaces, quotes or line breaks), else a new one."""
    incoming = request.headers.get(HEADER, "")
    if SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _user_id(request: HttpRequest) -> int | None:
    """The user's id if the request resolved its user; never loads the session for it (the
    probes and static files stay free of queries)."""
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = user._wrapped
        if user is empty:
            return None
    if user is None or not user.is_authenticated:
        return None
    return user.pk


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request.request_id = request_id_from(request)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request.request_id)
        if sentry_sdk.get_client().is_active():
            sentry_sdk.set_tag("request_id", request.request_id)
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            logger.info(
                "request",
                user_id=_user_id(request),
                method=request.method,
                path=request.path,
                status=response.status_code,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            return response
        finally:
            structlog.contextvars.clear_contextvars()


_TRACEBACKS = structlog.processors.ExceptionRenderer(
    structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
)


def shared_processors() -> list:
    """What every line gets, from structlog or from a standard logger: the request's context
    variables, the level, the logger's name and a UTC timestamp."""
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def formatter(log_format: str) -> dict:
    """The `logging` formatter of LOGGING["formatters"] for NTM_LOG_FORMAT."""
    renderer = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    return {
        "()": structlog.stdlib.ProcessorFormatter,
        "processors": [
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # A traceback as a field of the one line, not as lines of its own; without the
            # frames' local variables (they hold what users sent, passwords included).
            *([_TRACEBACKS] if log_format == "json" else []),
            renderer,
        ],
        "foreign_pre_chain": shared_processors(),
    }


def configure() -> None:
    """structlog hands its events to the standard `logging` (settings.LOGGING formats them)."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
