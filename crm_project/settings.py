"""Pipeline settings: one module, driven by environment variables.

Local defaults are safe for a developer machine (SQLite file, DEBUG on, console email). For
production set DJANGO_DEBUG=0, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and DATABASE_URL; then
`manage.py check --deploy` is clean.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

_INSECURE_DEV_KEY = "django-insecure-local-development-only-do-not-use-in-production"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    SECRET_KEY = _INSECURE_DEV_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_xml",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_htmx",
    "axes",
    "csp",
    "accounts",
    "core",
    "contacts",
    "opportunities",
    "activities",
    "insights",
    "rambase",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Oversized bodies, NUL/control characters in query strings and credentials: a 4xx.
    "crm_project.middleware.RequestSanityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Guests (ONLYOFFICE's visitors) get a "no CRM access" page on the CRM's pages.
    "accounts.middleware.CrmPageAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a locked sign-in page into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "crm_project.urls"
WSGI_APPLICATION = "crm_project.wsgi.application"
ASGI_APPLICATION = "crm_project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "activities.context_processors.overdue_tasks",
            ],
        },
    },
]

# SQLite file by default so a new user needs nothing installed; DATABASE_URL selects PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The board's covering index (INCLUDE columns) speeds up PostgreSQL; SQLite builds it without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked client before any password is checked (accounts/sign_in_limits.py).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "board"
LOGOUT_REDIRECT_URL = "login"

# django-guardian: no anonymous user row; object permissions live in direct foreign-key tables.
GUARDIAN_ANONYMOUS_USER_NAME = None
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: console by default; SMTP when EMAIL_HOST is set.
# Days a deleted opportunity stays restorable in the trash (`manage.py purge_trash`).
TRASH_DAYS = int(os.environ.get("TRASH_DAYS", "30"))
# Whether ONLYOFFICE API clients must send `lostReason` when they move a deal to a lost stage
# (the pages always ask for one).
LOST_REASON_REQUIRED_IN_API = os.environ.get("LOST_REASON_REQUIRED_IN_API", "") in ("1", "true")

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "pipeline@localhost")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
else:
    EMAIL_BACKEND = os.environ.get(
        "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
    )

# The currency totals are converted to; created by the currency migration.
BASE_CURRENCY = os.environ.get("BASE_CURRENCY", "USD")
# The cache: counts shared by every worker process (sign-in limits, cached counts) need Redis
# (CACHE_URL or REDIS_URL, e.g. redis://127.0.0.1:6379/0); local memory, one per process, by
# default.
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or "locmem://"
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    _CACHE_BACKEND = "django.core.cache.backends.redis.RedisCache"
elif CACHE_URL.startswith("locmem://"):
    _CACHE_BACKEND = "django.core.cache.backends.locmem.LocMemCache"
else:
    raise ImproperlyConfigured("CACHE_URL/REDIS_URL must be a redis://, rediss:// or locmem:// URL")
CACHES = {
    "default": {
        "BACKEND": _CACHE_BACKEND,
        "LOCATION": CACHE_URL if _CACHE_BACKEND.endswith("RedisCache") else "pipeline",
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "pipeline"),
    }
}

# Reverse proxies in front of the application that append the client's address to
# X-Forwarded-For and set X-Forwarded-Proto. 0: none, both headers are whatever the client sent
# and are ignored.
TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("DJANGO_TRUSTED_PROXY_COUNT must be 0 or more.")

# Sign-in limits (django-axes, counts in the cache above; accounts/sign_in_limits.py): every way
# to present a password counts (token route, Basic, sign-in pages, admin, password change).
# SIGN_IN_FAILURES_PER_ACCOUNT failures for one account from one address lock that account from
# that address; SIGN_IN_FAILURES_PER_ADDRESS failures from one address, whatever the accounts,
# lock the address; either lock lasts SIGN_IN_LOCKOUT_MINUTES after the last failure.
SIGN_IN_FAILURES_PER_ACCOUNT = int(os.environ.get("SIGN_IN_FAILURES_PER_ACCOUNT", "10"))
AXES_FAILURE_LIMIT = int(os.environ.get("SIGN_IN_FAILURES_PER_ADDRESS", "100"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGN_IN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "accounts.sign_in_limits.SignInLimitHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.sign_in_limits.client_ip"
AXES_USERNAME_CALLABLE = "accounts.sign_in_limits.sign_in_username"
AXES_LOCKOUT_CALLABLE = "accounts.sign_in_limits.lockout_response"
# A success does not clear the counts: it would let anyone with one account reset the count of
# their address between guesses at others.
AXES_RESET_ON_SUCCESS = False
AXES_ENABLE_ADMIN = False  # the counts live in the cache, not in axes' tables
AXES_VERBOSE = False  # no start-up banner on every command; failures and locks are still logged

# Lifetime of API tokens issued by POST /api/2.0/authentication.
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.TokenAuthentication",
        "accounts.api.authentication.BasicAuthentication",
        "accounts.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "crm_project.api.renderers.EnvelopeJSONRenderer",
        "crm_project.api.renderers.EnvelopeXMLRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "crm_project.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
        "crm_project.api.parsers.XMLParser",
    ],
    "EXCEPTION_HANDLER": "crm_project.api.exceptions.envelope_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Checked first by every API view, whatever its own permission classes (crm_project/api/views.py).
API_PRODUCT_PERMISSION_CLASSES = ["accounts.api.product_access.ProductAccess"]

SPECTACULAR_SETTINGS = {
    "TITLE": "Pipeline CRM API",
    "DESCRIPTION": (
        "ONLYOFFICE-compatible CRM opportunity API. Every path also answers with a `.json` "
        "(default), `.xml` or `.tml` suffix; parameter names are case-insensitive and may come "
        "from the query string, a JSON body or a form body. Get a token from "
        "POST /api/2.0/authentication and send it as `Authorization: <token>` or "
        "`Authorization: Bearer <token>`."
    ),
    "VERSION": "2.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # crm_project/api/schema.py: drop the optional `.json`/`.xml` suffix from documented paths,
    # wrap every payload in the ONLYOFFICE envelope and add the error envelope.
    "PREPROCESSING_HOOKS": ["crm_project.api.schema.preprocess_endpoints"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "crm_project.api.schema.wrap_envelopes",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set; documentation serializers use `choices=<Model>.choices`.
    "ENUM_NAME_OVERRIDES": {
        "StageTypeEnum": "opportunities.models.StageType",
        "BidTypeEnum": "opportunities.models.BidType",
        "FieldTypeEnum": "core.models.FieldType",
        "ShareTypeEnum": "contacts.models.ShareType",
        "EntityTypeEnum": "core.models.EntityType",
    },
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.db.backends": {"level": "INFO"},
    },
}

# Content-Security-Policy (django-csp): nothing inline but what carries the response's nonce
# (the API docs page), no eval, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Production hardening: on whenever DEBUG is off.
if not DEBUG:
    if TRUSTED_PROXY_COUNT:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
