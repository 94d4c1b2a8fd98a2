"""Every module of every app imports: a module that only a command, a worker or the admin loads
(and a move that left an import behind) fails here, not in production. Cycles between apps are
the import-linter contract's business (pyproject.toml, `make lint`); this is the runtime side.

ops.locustfile is left out: importing Locust monkey-patches the standard library with gevent,
which would change the rest of the test run; it runs in its own process (tests/ops)."""

import importlib
import pkgutil
from pathlib import Path

import pytest

APPS = (
    "ntm",
    "accounts",
    "communes",
    "criteria",
    "maps",
    "practices",
    "dossiers",
    "plans",
    "reports",
    "imports",
    "issued",
    "pages",
    "demo",
    "ops",
    "workers",
)
LEFT_OUT = {"ops.locustfile"}


def modules() -> list[str]:
    found = []
    for app in APPS:
        package = importlib.import_module(app)
        found.append(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if info.name not in LEFT_OUT:
                found.append(info.name)
    return sorted(found)


def test_every_app_is_listed():
    """A new app of the repository is added to APPS here (and to the import-linter layers)."""
    from django.apps import apps
    from django.conf import settings

    ours = {
        c.name for c in apps.get_app_configs() if Path(c.path).parent == Path(settings.BASE_DIR)
    }
    assert ours == set(APPS) - {"ntm"}


@pytest.mark.parametrize("name", modules())
def test_it_imports(name):
    assert importlib.import_module(name).__name__ == name
