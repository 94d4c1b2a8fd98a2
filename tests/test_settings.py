import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from ntm.settings import EXAMPLE_SECRET_KEY, database_from_url, env, env_bool, s3_storages

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


def test_database_url_keeps_its_connection_parameters():
    db = database_from_url(
        "postgres://u@db.example/ntm?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fca.pem"
        "&connect_timeout=5&options=-c%20statement_timeout%3D30000"
    )
    assert db["OPTIONS"] == {
        "sslmode": "verify-full",
        "sslrootcert": "/etc/ssl/ca.pem",
        "connect_timeout": "5",
        # The app's own option stays, the URL's is added to it.
        "options": "-c jit=off -c statement_timeout=30000",
    }


def test_database_url_refuses_a_parameter_it_would_have_to_guess():
    with pytest.raises(ImproperlyConfigured, match="twice"):
        database_from_url("postgres://u@h/ntm?sslmode=require&sslmode=disable")
    with pytest.raises(ImproperlyConfigured, match="no parameters"):
        database_from_url("sqlite:///db.sqlite3?timeout=20")


def test_unknown_database_scheme_is_refused():
    with pytest.raises(ImproperlyConfigured):
        database_from_url("mysql://x/y")


def test_env_bool_is_strict(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG", False)


def test_an_s3_bucket_holds_uploads_and_reports_apart_and_private():
    storages = s3_storages("ntm-files", endpoint_url="https://s3.example.vn", region="")
    assert set(storages) == {"default", "reports"}  # static files stay with WhiteNoise
    uploads, reports = storages["default"], storages["reports"]
    assert uploads["BACKEND"] == reports["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (uploads["OPTIONS"]["location"], reports["OPTIONS"]["location"]) == ("media", "reports")
    for options in (uploads["OPTIONS"], reports["OPTIONS"]):
        assert options["bucket_name"] == "ntm-files"
        assert options["endpoint_url"] == "https://s3.example.vn"
        assert options["region_name"] is None  # boto3's default, not an empty name
        # No ACL sent: objects stay the owner's (a bucket with ACLs disabled refuses any).
        assert options["default_acl"] is None
        assert options["querystring_auth"] is True and options["querystring_expire"] == 60
        # Without a key pair here, boto3's own chain (environment, the machine's role).
        assert options["access_key"] is None and options["secret_key"] is None


def test_the_s3_key_pair_may_come_from_files(tmp_path, monkeypatch):
    (tmp_path / "id").write_text("AKIAEXAMPLE\n")
    (tmp_path / "secret").write_text("s3cr3t\n")
    monkeypatch.setenv("NTM_S3_ACCESS_KEY_ID_FILE", str(tmp_path / "id"))
    monkeypatch.setenv("NTM_S3_SECRET_ACCESS_KEY_FILE", str(tmp_path / "secret"))
    storages = s3_storages(
        "ntm-files",
        access_key=env("NTM_S3_ACCESS_KEY_ID"),
        secret_key=env("NTM_S3_SECRET_ACCESS_KEY"),
        addressing_style="path",
    )
    options = storages["default"]["OPTIONS"]
    assert (options["access_key"], options["secret_key"]) == ("AKIAEXAMPLE", "s3cr3t")
    assert options["addressing_style"] == "path"


def test_half_an_s3_key_pair_or_an_unknown_addressing_style_is_refused():
    with pytest.raises(ImproperlyConfigured, match="go together"):
        s3_storages("ntm-files", access_key="AKIAEXAMPLE")
    with pytest.raises(ImproperlyConfigured, match="ADDRESSING_STYLE"):
        s3_storages("ntm-files", addressing_style="subdomain")


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


def test_check_deploy_is_clean_with_the_example_files_values_and_a_real_key():
    from django.core.management.utils import get_random_secret_key

    lines = (ROOT / ".env.example").read_text().splitlines()
    example = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    assert example["DJANGO_BEHIND_PROXY"] == "1"
    result = run_check(**{**example, "DJANGO_SECRET_KEY": get_random_secret_key()})
    assert result.returncode == 0, result.stderr + result.stdout


def test_every_variable_the_settings_read_is_in_the_example_file():
    source = (ROOT / "ntm" / "settings.py").read_text()
    read = set(re.findall(r'(?:env|env_bool|env_list|os\.environ\.get)\("([A-Z0-9_]+)"', source))
    lines = (ROOT / ".env.example").read_text().splitlines()
    listed = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}
    assert {"NTM_S3_BUCKET", "NTM_S3_ACCESS_KEY_ID", "NTM_S3_ADDRESSING_STYLE"} <= read
    assert read - listed == set()


def import_settings(**env):
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import ntm.settings as s; print(s.AXES_IPWARE_META_PRECEDENCE_ORDER)",
        ],
        cwd=ROOT,
        env={**base, "DJANGO_ALLOWED_HOSTS": "ntm.example", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "key",
    [
        "",
        " ",
        "  \t ",
        "short-but-not-empty",
        EXAMPLE_SECRET_KEY,
        "ab" * 30,
        "django-insecure-" + "k" * 50,
    ],
)
def test_debug_off_refuses_to_start_with_a_weak_secret_key(key):
    result = import_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=key)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY" in result.stderr
    assert "get_random_secret_key" in result.stderr  # says how to make one
    if key.strip():
        assert key not in result.stderr  # and does not print the secret


def test_a_blank_secret_key_file_is_refused_too(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text(" \n")
    result = import_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY_FILE=str(secret))
    assert result.returncode != 0 and "DJANGO_SECRET_KEY is empty" in result.stderr


def test_a_long_random_secret_key_starts():
    from django.core.management.utils import get_random_secret_key

    result = import_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=get_random_secret_key())
    assert result.returncode == 0, result.stderr


def test_the_example_files_placeholder_is_the_one_refused():
    assert f"DJANGO_SECRET_KEY={EXAMPLE_SECRET_KEY}\n" in (ROOT / ".env.example").read_text()


def test_behind_the_proxy_login_throttling_reads_the_forwarded_address():
    assert (
        "('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR')" in import_settings(DJANGO_BEHIND_PROXY="1").stdout
    )
    assert "('REMOTE_ADDR',)" in import_settings(DJANGO_BEHIND_PROXY="0").stdout
