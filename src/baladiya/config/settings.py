"""Baladiya settings: one module, driven by the environment (see .env.example).

``BALADIYA_ENV`` selects the mode:

* ``production`` (the default): ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required,
  secure cookies and HTTPS redirects are on unless switched off explicitly.
* ``demo``: what ``baladiya demo`` runs; a secret key is generated once and kept in
  the data directory, the site is served on the loopback address without TLS.
* ``test``: the test suite.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from baladiya.config.paths import data_dir, ensure_data_dir, kept_secret_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_env_file = Path.cwd() / ".env"
if _env_file.is_file():
    env.read_env(str(_env_file))

BALADIYA_ENV = env.str("BALADIYA_ENV", default="production")
if BALADIYA_ENV not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("BALADIYA_ENV must be production, demo or test.")
PRODUCTION = BALADIYA_ENV == "production"

DATA_DIR = ensure_data_dir(data_dir())
DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set in production (see .env.example). "
            "For a local demo run `baladiya demo`."
        )
    SECRET_KEY = kept_secret_key(DATA_DIR)

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in production (see .env.example).")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "baladiya.core",
    "baladiya.portal",
    "baladiya.onestop",
    "baladiya.workflow",
    "baladiya.revenue",
    "baladiya.finance",
    "baladiya.gis",
    "baladiya.complaint",
    "baladiya.open311",
    "baladiya.utilities",
    "baladiya.vending",
    "baladiya.licensing",
    "baladiya.permits",
    "baladiya.inspection",
    "baladiya.investment",
    "baladiya.archive",
    "baladiya.correspondence",
    "baladiya.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "baladiya.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "baladiya.core.middleware.UserLanguageMiddleware",
    "baladiya.core.middleware.OrganisationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "baladiya.config.urls"
WSGI_APPLICATION = "baladiya.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "baladiya.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'baladiya.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers work while one writer writes; IMMEDIATE takes the
            # write lock at BEGIN so two writers queue instead of deadlocking.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # test_<database>: runs against different databases never share a test database.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str(
        "TEST_DATABASE_NAME", default=f"test_{DATABASES['default']['NAME']}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://baladiya")}

# --- Authentication -------------------------------------------------------
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if BALADIYA_ENV == "test":
    # Hashing strength is not under test; a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="ar")
LANGUAGES = [("ar", _("Arabic")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "baladiya_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
USE_I18N = True
FORMAT_MODULE_PATH = ["baladiya.formats"]
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Hebron")

# --- Static and media files -----------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "baladiya.core.staticfinders.VendorFinder",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

_S3_BUCKET = env.str("S3_BUCKET", default="")
if _S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        # Production: hashed, compressed files from `collectstatic` (run by
        # `baladiya serve`). Demo and tests: straight from the installed packages.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# The demo serves straight from the installed packages (no collectstatic step).
WHITENOISE_USE_FINDERS = BALADIYA_ENV != "production"
WHITENOISE_AUTOREFRESH = DEBUG

# --- Email and SMS --------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="baladiya@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SMS_BACKEND = env.str("SMS_BACKEND", default="baladiya.core.sms.ConsoleSMSBackend")
SMS_SENDER = env.str("SMS_SENDER", default="Baladiya")

# --- Background tasks -----------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    CELERY_BROKER_URL = "memory://localhost/"  # never used: tasks run in the process
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
# Periodic jobs, run by `baladiya worker --beat` (one beat per deployment).
CELERY_BEAT_SCHEDULE = {
    "escalate-overdue-cases": {"task": "workflow.escalate_overdue", "schedule": 300.0},
    "retry-deliveries": {"task": "core.retry_deliveries", "schedule": 120.0},
    "reconcile-online-payments": {"task": "revenue.reconcile_online_payments", "schedule": 600.0},
    "apply-penalties": {"task": "revenue.apply_penalties", "schedule": 6 * 3600.0},
    "raise-due-rent": {"task": "investment.raise_due_rent", "schedule": 24 * 3600.0},
    "licensing-remind-and-expire": {"task": "licensing.remind_and_expire", "schedule": 6 * 3600.0},
}

# --- Archive --------------------------------------------------------------
ARCHIVE_SEARCH_DIR = Path(env.str("ARCHIVE_SEARCH_DIR", default="") or DATA_DIR / "search")
ARCHIVE_SCAN_INBOX = Path(env.str("ARCHIVE_SCAN_INBOX", default="") or DATA_DIR / "scan-inbox")
ARCHIVE_MAX_UPLOAD_MB = env.int("ARCHIVE_MAX_UPLOAD_MB", default=50)
ARCHIVE_OCR = env.bool("ARCHIVE_OCR", default=True)

# --- API ------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "baladiya.core.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "baladiya.core.rest.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Baladiya API",
    "DESCRIPTION": "The public API of Baladiya, the integrated municipal information system.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name per choice set where apps share a field name ("kind") or a set.
    "ENUM_NAME_OVERRIDES": {
        "ConfidentialityEnum": "baladiya.archive.models.Level",
        "PartyKindEnum": "baladiya.core.models.PartyKind",
        "PermitKindEnum": "baladiya.permits.models.PermitKind",
    },
}

# --- Security -------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=PRODUCTION)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=PRODUCTION)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=PRODUCTION)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# HSTS preloading is a commitment a municipality makes for its whole domain
# (removal from browsers' lists takes months); it stays off unless asked for, so
# Django's reminder about it (security.W021) is silenced unless preload is on.
SILENCED_SYSTEM_CHECKS = env.list(
    "SILENCED_SYSTEM_CHECKS", default=[] if SECURE_HSTS_PRELOAD else ["security.W021"]
)

# --- Baladiya -------------------------------------------------------------
BALADIYA_SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# Map background tiles, e.g. https://tile.example.org/{z}/{x}/{y}.png; empty = vector only
# (an offline intranet needs no basemap).
BALADIYA_MAP_TILE_URL = env.str("MAP_TILE_URL", default="")
BALADIYA_MAP_ATTRIBUTION = env.str("MAP_ATTRIBUTION", default="")
BALADIYA_DEMO_PASSWORD = "Baladiya-2026"  # noqa: S105 - the published demo password

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "celery.app.trace": {"level": "WARNING"},
    },
}
