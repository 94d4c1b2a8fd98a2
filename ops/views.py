"""The probes of a load balancer and a monitor: no login, GET only, nothing in the answer but
the state (docs/deployment.md, "Health checks")."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ops.health import OK, run_checks


@login_not_required
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Touches neither the database nor anything else."""
    return JsonResponse({"status": OK})


@login_not_required
@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database, the cache, both storages and a live worker; 503 when any fails.
    The queue's depth and its stuck tasks are reported, not judged."""
    checks, queue = run_checks()
    healthy = all(outcome == OK for outcome in checks.values())
    return JsonResponse(
        {"status": OK if healthy else "error", "checks": checks, "queue": queue},
        status=200 if healthy else 503,
    )
