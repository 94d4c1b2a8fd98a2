import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ntm.settings import database_from_url, env_bool

ROOT = Path(__file__).resolve().parent.parent


def test_database_url_defaults_to_sqlite():
    assert database_from_url("")["ENGINE"] == "django.db.backends.sqlite3"


def test_database_url_names_postgresql():
    db = database_from_url("postgres://u:p%40ss@db.example:5433/ntm")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "u",
        "p@ss",
        "db.example",
        "5433",
        "ntm",
    )
    # JIT compile cost more than the report queries themselves (see ntm/settings.py).
    assert db["OPTIONS"] == {"options": "-c jit=off"}


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y")


def test_env_bool_is_strict(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)


def run_check(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_debug_off_with_the_development_secret():
    result = run_check(DJANGO_DEBUG="0", DJANGO_ALLOWED_HOSTS="ntm.example")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_check_deploy_is_clean_with_production_values():
    result = run_check(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-0123456789",
        DJANGO_ALLOWED_HOSTS="ntm.example",
    )
    assert result.returncode == 0, result.stderr + result.stdout
