"""Settings for ntm, driven by environment variables (see .env.example)."""

import importlib.util
import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production"  # noqa: S105
# The placeholder of .env.example: a copied example file must not run in production.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string"  # noqa: S105


def env(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/systemd secrets)."""
    if path := os.environ.get(f"{name}_FILE"):
        return Path(path).read_text().strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = env(name, "").strip().lower()
    if value == "":
        return default
    if value in ("1", "true", "on", "yes"):
        return True
    if value in ("0", "false", "off", "no"):
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0/true/false/on/off/yes/no, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def _url_query(parts) -> dict[str, str]:
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL has a malformed query: {exc}") from exc
    query = {}
    for key, value in pairs:
        if key in query:
            raise ImproperlyConfigured(f"DATABASE_URL names {key!r} twice")
        query[key] = value
    return query


# JIT off: the report queries are short OLTP-style queries whose estimated cost crosses the JIT
# thresholds at national scale, and compiling them cost more than running them (national table
# by province: 1.87 s of JIT for 0.3 s of execution; ~42 ms on the smaller national queries).
# Nothing here runs long analytics.
PG_OPTIONS = "-c jit=off"


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL into Django's DATABASES entry (sqlite:///path or postgres://...).

    The query parameters of a PostgreSQL URL are libpq connection parameters (`sslmode`,
    `sslrootcert`, `connect_timeout`, ...) and go to OPTIONS unchanged; `options` is added to the
    app's own `-c jit=off`."""
    if not url:
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}
    parts = urlsplit(url)
    query = _url_query(parts)
    if parts.scheme == "sqlite":
        if query:
            raise ImproperlyConfigured("DATABASE_URL: a sqlite:/// URL takes no parameters")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parts.path[1:]) or ":memory:",
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path[1:]),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": int(env("DATABASE_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                **query,
                "options": " ".join(filter(None, [PG_OPTIONS, query.get("options")])),
            },
        }
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parts.scheme!r} is not supported")


def s3_storages(
    bucket: str,
    *,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
    addressing_style: str = "",
) -> dict:
    """The `default` (uploads) and `reports` (rendered reports) storages in one S3-compatible
    bucket, under the prefixes media/ and reports/ (django-storages, the `s3` extra).

    Private objects: no ACL is sent, so each object is the bucket owner's alone, as S3 makes it
    (a canned ACL, even "private", is refused by a bucket with ACLs disabled, AWS's default
    since 2023). The app reads the objects and streams them itself, behind its access checks; it
    never hands out a bucket URL (a signed one, if some code ever asked `.url`, lives a minute).
    Credentials: the access key pair given here (NTM_S3_ACCESS_KEY_ID / ..._FILE), else boto3's
    own chain (AWS_ACCESS_KEY_ID in the environment, the machine's role...)."""
    if addressing_style not in ("", "path", "virtual", "auto"):
        raise ImproperlyConfigured("NTM_S3_ADDRESSING_STYLE must be path, virtual or auto")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured("NTM_S3_ACCESS_KEY_ID and NTM_S3_SECRET_ACCESS_KEY go together")
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint_url or None,
        "region_name": region or None,
        "access_key": access_key or None,
        "secret_key": secret_key or None,
        "addressing_style": addressing_style or None,
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 60,
        "signature_version": "s3v4",  # v2 is refused by newer AWS regions and by MinIO
        "file_overwrite": False,  # as the file system: a taken name gets a new one
    }
    backend = "storages.backends.s3.S3Storage"
    return {
        "default": {"BACKEND": backend, "OPTIONS": {**options, "location": "media"}},
        "reports": {"BACKEND": backend, "OPTIONS": {**options, "location": "reports"}},
    }


def check_secret_key(key: str) -> None:
    """With DEBUG off, refuse a key that signs nothing safely: empty, blank, short, the
    development key or the example file's placeholder (the rules of Django's check W009, made
    fatal: a weak key lets anyone forge sessions and password-reset links)."""
    if not key.strip():
        problem = "is empty"
    elif key in (DEV_SECRET_KEY, EXAMPLE_SECRET_KEY):
        problem = "is the development key or the placeholder from .env.example"
    elif len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        problem = "is too weak (fewer than 50 characters or 5 different ones)"
    else:
        return
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY {problem}: with DJANGO_DEBUG=0 it must be a long random string. "
        "Make one with: python -c "
        '"from django.core.management.utils import get_random_secret_key as g; print(g())"'
    )


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = env("DJANGO_SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG:
    check_secret_key(SECRET_KEY)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# Behind a TLS-terminating proxy on the same host (nginx): trust its X-Forwarded-* headers.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "axes",
    "django_tasks_db",
    "workers",  # after django_tasks_db: its admin replaces the task rows' one
    "communes",
    "criteria",
    "reports",
    "accounts",
    "demo",
    "ops",
    "practices",
    "imports",
    "plans",
    "issued",
    "dossiers",
    "pages",
    "maps",
]

MIDDLEWARE = [
    # First: every answer (redirects and refusals too) carries the request id and is logged.
    "ntm.lib.requestlog.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ntm.lib.errors.DatabaseBusyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages gzipped (ntm/lib/compression.py: text only, why BREACH does not apply); below
    # WhiteNoise, which serves static files compressed at collectstatic.
    "ntm.lib.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ntm.lib.locale.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ntm.urls"
WSGI_APPLICATION = "ntm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling first
    "django.contrib.auth.backends.ModelBackend",
]
# Lock a username from an address after repeated failures; unlocked after the cool-off.
# The address: behind the proxy (nginx with `proxy_set_header X-Forwarded-For
# $proxy_add_x_forwarded_for`) every request comes from 127.0.0.1, so the client is the
# right-most X-Forwarded-For entry, the one nginx appended (the entries before it are whatever
# the client sent). Without the proxy the header is ignored: anyone could forge it.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if BEHIND_PROXY else ("REMOTE_ADDR",)
)
AXES_IPWARE_PROXY_COUNT = 0  # no proxy hop listed in X-Forwarded-For: the last entry is the client
IPWARE_STRICT = False  # take the last entry even when the client sent entries of its own
AXES_FAILURE_LIMIT = int(env("NTM_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("NTM_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_RESET_ON_SUCCESS = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = int(env("DJANGO_SESSION_COOKIE_AGE", str(8 * 3600)))

# Vietnamese first, English selectable (django.views.i18n.set_language).
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["ntm.formats"]  # dd/mm/yyyy and 1.790 / 1,790 (ntm/formats/__init__.py)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Rendered reports (PDF, xlsx), shared by every app server: a directory all of them mount
    # by default; an S3-compatible bucket with django-storages (the `s3` extra), see
    # docs/deployment.md.
    "reports": {"BACKEND": "ntm.lib.reportfiles.ReportFileStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Uploads and rendered reports in an S3-compatible bucket instead of directories (every app
# server then shares them without a shared disk): NTM_S3_BUCKET names it (docs/deployment.md).
if env("NTM_S3_BUCKET"):
    if importlib.util.find_spec("storages") is None:
        raise ImproperlyConfigured('NTM_S3_BUCKET needs django-storages: uv pip install -e ".[s3]"')
    STORAGES |= s3_storages(
        env("NTM_S3_BUCKET"),
        endpoint_url=env("NTM_S3_ENDPOINT_URL"),
        region=env("NTM_S3_REGION"),
        access_key=env("NTM_S3_ACCESS_KEY_ID"),
        secret_key=env("NTM_S3_SECRET_ACCESS_KEY"),
        addressing_style=env("NTM_S3_ADDRESSING_STYLE"),
    )
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"
# Photos and documents of good practices (served through a view that checks scope).
NTM_PRACTICE_MAX_UPLOAD_BYTES = int(env("NTM_PRACTICE_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
# Images above this many pixels are refused before they are decoded (40 megapixels).
NTM_PRACTICE_IMAGE_MAX_PIXELS = int(env("NTM_PRACTICE_IMAGE_MAX_PIXELS", str(40_000_000)))

# Rendered reports (PDF, xlsx) go to STORAGES["reports"], keyed by the data version they show;
# the default file-system storage keeps them here (a directory every app server shares).
REPORT_CACHE_DIR = Path(env("NTM_REPORT_CACHE_DIR", str(BASE_DIR / "cache" / "reports")))

# The cache (rendered report pages, task de-duplication) is a database table, so every app
# server shares it with no extra service (`manage.py createcachetable`). Redis by configuration:
# NTM_CACHE_URL=redis://host:6379/0 (Django's own RedisCache; needs the redis package).
_cache_url = env("NTM_CACHE_URL")
if _cache_url and not _cache_url.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured("NTM_CACHE_URL must be a redis:// or rediss:// URL")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _cache_url,
    }
    if _cache_url
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "ntm_cache",
        "TIMEOUT": int(env("NTM_CACHE_TIMEOUT", str(7 * 24 * 3600))),
        "OPTIONS": {"MAX_ENTRIES": int(env("NTM_CACHE_MAX_ENTRIES", "5000"))},
    }
}

# Background work (PDF and workbook rendering) through django.tasks with the database backend
# of django-tasks-db: `manage.py db_worker` runs the queue (`make run` starts one with the
# server). No extra service: the queue is a table of the app's database.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# `manage.py run_worker` (db_worker with a heartbeat, workers/heartbeat.py): a worker writes
# its heartbeat every NTM_WORKER_HEARTBEAT_SECONDS and is taken for dead (its task queued again,
# /readyz unhealthy, downloads stop waiting) after NTM_WORKER_STALE_SECONDS without one. A task
# running longer than NTM_TASK_TIME_BUDGET_SECONDS is interrupted and queued once more.
NTM_WORKER_HEARTBEAT_SECONDS = float(env("NTM_WORKER_HEARTBEAT_SECONDS", "10"))
NTM_WORKER_STALE_SECONDS = float(env("NTM_WORKER_STALE_SECONDS", "60"))
NTM_TASK_TIME_BUDGET_SECONDS = float(env("NTM_TASK_TIME_BUDGET_SECONDS", "600"))
# A download's waiting page gives up after this many seconds (at once when no worker is
# alive) and offers the report's page instead.
NTM_DOWNLOAD_WAIT_SECONDS = int(env("NTM_DOWNLOAD_WAIT_SECONDS", "120"))
# After a change of data, re-render the affected province's reports of the working years in
# the background, so the next download is immediate.
NTM_REPORT_PREWARM = env_bool("NTM_REPORT_PREWARM", True)
# ... once per province for a burst of changes: the re-rendering runs this many seconds after
# the first change and renders the data as they stand then (a burst of saves costs one render).
NTM_REPORT_PREWARM_DELAY = int(os.environ.get("NTM_REPORT_PREWARM_DELAY", "30"))

# Excel import: the largest workbook accepted, in bytes (10 MB), and the rows and columns read
# (a whole province of the largest kind, several years, fits in 20,000 rows); past a cap the
# file is refused without reading further.
NTM_IMPORT_MAX_BYTES = int(env("NTM_IMPORT_MAX_BYTES", str(10 * 1024 * 1024)))
NTM_IMPORT_MAX_ROWS = int(env("NTM_IMPORT_MAX_ROWS", "20000"))
NTM_IMPORT_MAX_COLUMNS = int(env("NTM_IMPORT_MAX_COLUMNS", "300"))
# Uploads waiting for confirmation (their parsed rows) are kept in the database
# (imports.PendingImport), so any app server applies them; removed on apply, cancel or after a
# day. Per user: at most this many pending uploads and this many bytes.
NTM_IMPORT_MAX_PENDING = int(env("NTM_IMPORT_MAX_PENDING", "5"))
NTM_IMPORT_MAX_PENDING_BYTES = int(env("NTM_IMPORT_MAX_PENDING_BYTES", str(50 * 1024 * 1024)))

# Mail: the notifications of the review workflow (accounts/notifications.py), sent by the
# background worker. Development prints them on the console; production sends through SMTP
# (DJANGO_EMAIL_HOST ...; the password may come from DJANGO_EMAIL_HOST_PASSWORD_FILE). Django
# 6.1's MAILERS (the EMAIL_HOST... settings are deprecated).
EMAIL_BACKEND_PATH = env(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH == "django.core.mail.backends.smtp.EmailBackend":
    MAILERS["default"]["OPTIONS"] = {
        "host": env("DJANGO_EMAIL_HOST", "localhost"),
        "port": int(env("DJANGO_EMAIL_PORT", "25")),
        "username": env("DJANGO_EMAIL_HOST_USER"),
        "password": env("DJANGO_EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("DJANGO_EMAIL_USE_TLS", False),
        "use_ssl": env_bool("DJANGO_EMAIL_USE_SSL", False),
        "timeout": int(env("DJANGO_EMAIL_TIMEOUT", "20")),  # a stuck server never holds the worker
    }
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", "NTM <ntm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The address of the site as people reach it, for the links in mails (sent by the worker,
# which has no request to take the host from). No trailing slash.
NTM_BASE_URL = env("NTM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security: production values come from the environment (.env.example).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
# The probes answer over plain HTTP too: a monitor may ask the app server directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

# Logs: one line per request on `ntm.request` (ntm/lib/requestlog.py: request id, user id,
# method, path, status, duration), with every other logger's lines in the same format:
# NTM_LOG_FORMAT=json (one JSON object a line; the default with DEBUG off) for a log collector,
# `console` (readable key=value lines; the default in development). The 4xx and 5xx warnings of
# django.request are left out (the request's line has the status); its errors stay, with their
# traceback inside the line.
LOG_FORMAT = env("NTM_LOG_FORMAT", "console" if DEBUG else "json")
if LOG_FORMAT not in ("json", "console"):
    raise ImproperlyConfigured(f"NTM_LOG_FORMAT must be json or console, not {LOG_FORMAT!r}")

from ntm.lib import requestlog  # noqa: E402

requestlog.configure()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"structured": requestlog.formatter(LOG_FORMAT)},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "ntm.request": {"level": "INFO" if env_bool("NTM_REQUEST_LOG", True) else "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}

# Errors to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set; off by
# default. No personal data is sent: sentry-sdk 3 replaced `send_default_pii` with
# `data_collection`, whose defaults collect the user, headers, bodies and local variables, so
# each is turned off here (what send_default_pii=False meant, and stricter). The request id is
# attached as a tag (ntm/lib/requestlog.py) so an event finds its log line.
SENTRY_DSN = env("SENTRY_DSN")
SENTRY_DATA_COLLECTION = {
    "user_info": False,  # no user id, e-mail or IP address
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "off"}},  # X-Forwarded-For holds the address
    "http_bodies": [],  # what users typed
    "url_query_params": {"mode": "off"},
    "database_query_data": False,
    "stack_frame_variables": False,  # local variables hold what users sent
}
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", "production"),
        data_collection=SENTRY_DATA_COLLECTION,
        traces_sample_rate=float(env("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
